"""KC4xx: the cross-option rules declared in each schema's ``x-kc-rules``.

The rule language is small on purpose (see docs/schema-format.rst): conditions on one
option's value, compared the way the service reads it. The rules themselves are data.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterator

from .. import schema, values
from ..diagnostics import Diagnostic, make
from ..effective import reader_semantics
from . import Context
from .values import is_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def check(ctx: Context) -> Iterator[Diagnostic]:
    if ctx.partial:
        return
    # Built-in defaults hold no template expressions, so only assigned values can.
    touched = list(ctx.effective.settings.touched())
    templated = any(is_template(s.value or "") for s in touched)
    assigned = {s.name for s in touched if s.assignment is not None}
    key = (ctx.component, ctx.series, ctx.check_host)
    known = _PASS_WITH_DEFAULTS.setdefault(key, {}) if len(_PASS_WITH_DEFAULTS) < 256 else {}
    for index, (rule, when, require, names, reads, on_host) in enumerate(_applicable(*key)):
        by_default = not on_host and assigned.isdisjoint(reads)
        if by_default and known.get(index):
            continue  # no line sets its options, and with the defaults it holds
        if templated and any(is_template(ctx.effective.value(name) or "") for name in names):
            continue
        if not all(holds(ctx, c) for c in when):
            if by_default:
                known[index] = True
            continue
        failed = [c for c in require if not holds(ctx, c)]
        if by_default:
            known[index] = not failed
        if failed:
            if any(ctx.unread(name) for name in names):
                continue  # depends on what an include kcconf cannot read may set
            yield _diagnostic(ctx, rule, failed, names)


_PASS_WITH_DEFAULTS: dict[tuple[schema.Component, str, bool], dict[int, bool]] = {}
"""Per (component, series, host checks): whether each applicable rule holds when none
of its options is set, which is the same for every file; most rules of most files are
in that case."""

if TYPE_CHECKING:
    Applicable = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]],
                       tuple[str, ...], frozenset[str], bool]


@functools.lru_cache(maxsize=512)
def _applicable(component: schema.Component, series: str, check_host: bool
                ) -> tuple[Applicable, ...]:
    """The rules that can apply at ``series``: within since/until, naming only options the
    release has, and host rules only when host checks run. The same for every file."""
    here = schema.series_key(series)
    options = component.at(series)
    kept = []
    for rule in component.rules:
        if "since" in rule and here < schema.series_key(rule["since"]):
            continue
        if "until" in rule and here > schema.series_key(rule["until"]):
            continue
        when, require = rule.get("when", []), rule["require"]
        conditions = when + require
        if not all(_present(options, c["option"]) for c in conditions):
            continue
        if (rule.get("host") or any(_is_host(c) for c in conditions)) and not check_host:
            continue
        names = tuple(dict.fromkeys(c["option"] for c in conditions))
        kept.append((rule, when, require, names, frozenset(_read_names(rule)),
                     _on_host(rule)))
    return tuple(kept)


def _present(options, name: str) -> bool:
    option = options.get(name)
    return option is not None and option.present


def _is_host(condition: dict[str, Any]) -> bool:
    return "path" in condition


def _read_names(rule: dict[str, Any]) -> set[str]:
    """Every option a rule's conditions read, compared ones (``"<": "other"``) too."""
    return {name for c in rule.get("when", []) + rule["require"]
            for name in (c["option"], *(c[op] for op in ("<=", "<", ">=", ">") if op in c))}


def _on_host(rule: dict[str, Any]) -> bool:
    """A rule about this machine (files, paths): its verdict is not the same everywhere."""
    return bool(rule.get("host")) or any(_is_host(c) for c in
                                         rule.get("when", []) + rule["require"])


def _diagnostic(ctx: Context, rule: dict[str, Any], failed: list[dict[str, Any]],
                names: tuple[str, ...]) -> Diagnostic:
    # Point at the line that most likely needs changing: a failed option set in the
    # file, else a triggering option set in the file, else the top of the file.
    place = None
    for condition in failed + rule.get("when", []):
        setting = ctx.effective.settings.get(condition["option"])
        if setting and setting.assignment:
            place = setting.assignment
            break
    if place:
        file, line, col = place.file, place.entry.line, place.entry.name_col
    else:
        file, line, col = ctx.loaded.root.path, 1, 1
    message = rule["message"]
    cause = next((c for c in map(ctx.cut_short, names) if c is not None), None)
    if cause is not None:
        file, line, col = cause[0], cause[1], 1
        message = f"{message} ({cause[2]})"
    return make("KC401", file, line, col, f"{message} [{rule['id']}]",
                rule.get("hint", ""), severity=rule["severity"], option=failed[0]["option"],
                rule=rule["id"])


def used(ctx: Context, spec: dict[str, Any]) -> bool:
    """Whether the effective configuration uses an option at all (``x-kc-used-when``):
    any alternative whose conditions all hold. Alternatives naming an option this
    release lacks are left out; with none left, or none declared, it is used."""
    alternatives = [conditions for conditions in spec.get("x-kc-used-when", ())
                    if all(_present(ctx.options, c["option"]) for c in conditions)]
    return not alternatives or any(all(holds(ctx, c) for c in conditions)
                                   for conditions in alternatives)


def holds(ctx: Context, c: dict[str, Any]) -> bool:
    name = c["option"]
    setting = ctx.effective.settings.get(name)
    text = setting.value if setting else None
    option = ctx.options[name]
    if "is" in c:
        return _is(ctx, c["is"], name, text)
    if "in" in c or "not-in" in c:
        words = c.get("in", c.get("not-in"))
        probe = (text or "")
        if c.get("ignore-case"):
            probe, words = probe.lower(), [w.lower() for w in words]
        return (probe in words) == ("in" in c)
    if "matches" in c:
        return re.search(c["matches"], text or "") is not None
    if "not-matches" in c:
        return re.search(c["not-matches"], text or "") is None
    for op in ("<=", "<", ">=", ">"):
        if op in c:
            left = number(ctx, name, text)
            right_name = c[op]
            right_setting = ctx.effective.settings.get(right_name)
            right = number(ctx, right_name, right_setting.value if right_setting else None)
            if left is None or right is None:
                return True
            return {"<": left < right, "<=": left <= right, ">": left > right,
                    ">=": left >= right}[op]
    if "path" in c:
        return _path(c["path"], text or "", option)
    return True


def _is(ctx: Context, test: str, name: str, text: str | None) -> bool:
    if test == "set":
        return ctx.effective.is_set(name)
    if test == "unset":
        return not ctx.effective.is_set(name)
    if test == "empty":
        return not text
    if test == "nonempty":
        return bool(text)
    if test in ("true", "false"):
        truth = boolean(ctx, text or "")
        return truth is (test == "true")
    if test in ("zero", "nonzero"):
        n = number(ctx, name, text)
        return (n == 0) == (test == "zero") if n is not None else test == "zero"
    return True


def boolean(ctx: Context, text: str) -> bool | None:
    if ctx.python:
        return values.python_bool(text)
    case_insensitive, _ = reader_semantics(ctx.series)
    return values.cxx_bool(text, case_insensitive)


def number(ctx: Context, name: str, text: str | None) -> int | None:
    if text is None:
        return None
    option = ctx.options[name]
    if ctx.python:
        if option.py_type == "size":
            return values.python_size(text)
        return values.python_int(text, option.py_base)
    if option.size:
        # Effective SIZE values are already converted to bytes, unless from $VAR.
        _, humansize = reader_semantics(ctx.series)
        return values.cxx_size(text, humansize).value
    base = option.spec.get("x-kc-int-base", 10)
    return values.strtol(text, base).value if base != 10 else values.atoi(text).value


def _path(test: str, text: str, option) -> bool:
    if not text:
        return True
    try:
        info = os.stat(text)
    except OSError:
        return False
    if test == "exists":
        return True
    if test == "file":
        return stat.S_ISREG(info.st_mode)
    if test == "directory":
        return stat.S_ISDIR(info.st_mode)
    if test == "executable":
        return stat.S_ISREG(info.st_mode) and os.access(text, os.X_OK)
    if test == "readable":
        return os.access(text, os.R_OK)
    if test == "writable-directory":
        return stat.S_ISDIR(info.st_mode) and os.access(text, os.W_OK)
    if test == "not-world-readable":
        return not info.st_mode & stat.S_IROTH
    return True
