"""Compare two effective configurations and say what applying the change takes.

On SIGHUP (``service kopano-NAME reload``) Kopano's reader accepts new values only for
the options flagged RELOADABLE in that release; every other change waits for a restart.
Whether the running service then *uses* an accepted value depends on how its code holds
it, so the verdict of a flagged option follows the reload audit recorded in the schema
(``x-kc-reload``): applied, new connections only, or restart although flagged. Python
services ignore SIGHUP (or, run per use, read the file at each run). Values are
compared as the service reads them, so ``1M`` and ``1048576``, or ``yes`` and ``true``,
are the same setting written differently (a cosmetic change).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from . import effective, loader, redact, schema, values
from .effective import Effective, Setting
from .records import field, record
from .schema import UNAUDITED, Component, Option

ACTION_STRENGTH = {"none": 0, "no-effect": 1, "next-run": 2, "reload": 3, "new-connections": 4,
                   "restart": 5}
"""Verdict words from weakest to strongest; a diff's verdict is its strongest change's."""


@record(frozen=True, slots=True)
class Verdict:
    """What one changed option needs, and why, from the flag and the reload audit."""

    action: str
    """reload, new-connections, restart, next-run (Python programs run per use) or
    no-effect (nothing in the service reads the option)."""
    reason: str
    reloadable: bool = False
    """Kopano's RELOADABLE flag: the reader accepts a new value on SIGHUP."""
    behaviour: str | None = None
    """The audited behaviour (applied, new-connections, restart, not-established), or
    unaudited; None where the flag already says restart."""
    evidence: str = ""
    applies_to: str = ""


def verdict_of(component: Component, option: Option, reread: bool = False) -> Verdict:
    """The verdict for a change of ``option``, with the reason in words.

    ``reread``: the new value comes from a ``!propmap`` file, which Kopano's reload reads
    again with the right to overwrite the map whatever the flag says; an unflagged option
    whose audit records that follows its audit then.
    """
    service, name = component.service, option.name
    sighup = component.sighup
    if component.runs_per_use:
        return Verdict("next-run", f"next run: {service} reads the file each time it runs,"
                       " so the next run uses the new value", reloadable=option.reloadable,
                       evidence=sighup["evidence"])
    if component.python:
        return Verdict("restart", f"restart: {service} ignores SIGHUP and reads {name} only"
                       " at start", evidence=sighup.get("evidence", ""))
    if sighup.get("behaviour") == "restart":
        return Verdict("restart", f"restart: {service} has no SIGHUP handler (the signal ends"
                       f" it) and reads {name} only at start", evidence=sighup["evidence"])
    rel = option.reload
    if not option.reloadable:
        audit = option.spec.get("x-kc-reload") if reread else None
        rel = schema.resolve_reload(audit, option.series, True) if audit else rel
        if rel.behaviour in ("restart", UNAUDITED):
            return Verdict("restart", f"restart: a reload does not re-read {name}")
    common = {"reloadable": option.reloadable, "behaviour": rel.behaviour,
              "evidence": rel.evidence, "applies_to": rel.applies_to}
    if rel.behaviour == "applied":
        return Verdict("reload", f"reload: {service} uses the new value of {name} after a"
                       " reload", **common)
    if rel.behaviour == UNAUDITED:
        return Verdict("reload", f"reload: {name} is flagged reloadable; what {service} does"
                       " with it after a reload is not audited yet", **common)
    if rel.behaviour == "new-connections":
        who = rel.applies_to or "connections started after the reload"
        return Verdict("new-connections", f"new connections only: a reload applies {name} to"
                       f" {who}; existing ones keep the old value", **common)
    if rel.behaviour == "no-effect":
        return Verdict("no-effect", f"no effect: {service} does not read {name} in this"
                       " release, so neither a reload nor a restart changes anything", **common)
    if rel.behaviour == "not-established":
        return Verdict("restart", f"restart: a reload accepts the new value of {name}, but"
                       f" whether {service} then uses it is not established", **common)
    return Verdict("restart", f"restart: {service} reads {name} only at start, although a"
                   " reload accepts the new value", **common)


UNKNOWN_TO_KCCONF = Verdict("restart", "restart: kcconf has no reload facts for this name")
NO_VERDICT = Verdict("none", "")


@record(frozen=True, slots=True)
class Change:
    option: str
    kind: str
    """changed, cosmetic, unknown-added or unknown-removed."""
    old: str | None
    new: str | None
    action: str
    """reload, new-connections, restart, next-run, no-effect, or none (cosmetic and
    unknown names)."""
    old_where: tuple[str, int] | None = None
    new_where: tuple[str, int] | None = None
    secret: bool = False
    verdict: Verdict = NO_VERDICT

    def shown(self, which: str) -> str:
        value = self.old if which == "old" else self.new
        if self.secret:
            return redact.MASK
        return "(unset)" if value is None else repr(value)

    def to_dict(self) -> dict:
        data = {"option": self.option, "kind": self.kind, "action": self.action,
                "old": None if self.secret else self.old,
                "new": None if self.secret else self.new,
                "old_where": list(self.old_where) if self.old_where else None,
                "new_where": list(self.new_where) if self.new_where else None}
        if self.kind == "changed":
            data.update({"reason": self.verdict.reason, "reloadable": self.verdict.reloadable,
                         "reload_behaviour": self.verdict.behaviour,
                         "evidence": self.verdict.evidence or None})
            if self.verdict.applies_to:
                data["applies_to"] = self.verdict.applies_to
        if self.secret:
            data["secret"] = True
        return data


@record(slots=True)
class DiffResult:
    component: Component
    old_series: str
    new_series: str
    changes: list[Change] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """nothing, or the strongest action of the changes: no-effect, next-run, reload,
        new-connections, restart. An upgrade between releases always means a restart."""
        if self.old_series != self.new_series and self.real_changes:
            return "restart"
        actions = [c.action for c in self.changes if c.kind in ("changed", "unknown-added")]
        strongest = max(actions, key=ACTION_STRENGTH.__getitem__, default="none")
        return "nothing" if strongest == "none" else strongest

    @property
    def real_changes(self) -> list[Change]:
        return [c for c in self.changes if c.kind != "cosmetic"]

    @property
    def restart_options(self) -> list[str]:
        return [c.option for c in self.changes if c.action == "restart"]

    @property
    def new_connection_options(self) -> list[str]:
        return [c.option for c in self.changes if c.action == "new-connections"]


def same_reading(option: Option, series: str, python: bool, a: str | None, b: str | None
                 ) -> bool:
    """True when the service reads both texts as the same setting."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    kind = option.py_type if python else option.type
    if python:
        if kind == "boolean":
            x, y = values.python_bool(a), values.python_bool(b)
            return x is not None and x == y
        if kind == "integer":
            x, y = values.python_int(a, option.py_base), values.python_int(b, option.py_base)
            return x is not None and x == y
        if kind == "size":
            x, y = values.python_size(a), values.python_size(b)
            return x is not None and x == y
        return False
    case_insensitive, humansize = effective.reader_semantics(series)
    if option.size:
        return (values.cxx_size(a, humansize).value == values.cxx_size(b, humansize).value)
    if kind == "boolean":
        return values.cxx_bool(a, case_insensitive) == values.cxx_bool(b, case_insensitive)
    if kind in ("integer", "duration", "loglevel"):
        base = option.spec.get("x-kc-int-base", 10)
        read = (lambda t: values.strtol(t, base).value) if base != 10 else \
            (lambda t: values.atoi(t).value)
        return read(a) == read(b)
    if kind == "enum" and option.spec.get("x-kc-case-insensitive"):
        return a.lower() == b.lower()
    if kind in ("list", "listen"):
        return a.split() == b.split()
    return False


def _from_propmap(before: Setting | None, after: Setting | None) -> bool:
    """The new value comes from a !propmap file, and the old one did not come from a plain
    line (which moves the setting out of the map, so a reload refuses the file's value)."""
    def mapped(setting: Setting | None) -> bool:
        return bool(setting and setting.assignment and setting.assignment.propmap)
    return mapped(after) and (before is None or before.assignment is None or mapped(before))


def reading(option: Option, series: str, python: bool, text: str) -> str | None:
    """How the service reads a number, size or boolean, written plainly (``010`` -> ``8``,
    ``30d`` -> ``30``, ``off`` -> ``yes`` for the C++ reader); None for other kinds, and
    when the Python reader refuses the text."""
    kind = option.py_type if python else option.type
    if python:
        number = {"boolean": lambda: values.python_bool(text),
                  "integer": lambda: values.python_int(text, option.py_base),
                  "size": lambda: values.python_size(text)}.get(kind)
        found = number() if number else None
        if isinstance(found, bool):
            return "yes" if found else "no"
        return None if found is None else str(found)
    case_insensitive, humansize = effective.reader_semantics(series)
    if option.size:
        return str(values.cxx_size(text, humansize).value)
    if kind == "boolean":
        return "yes" if values.cxx_bool(text, case_insensitive) else "no"
    if kind in ("integer", "duration", "loglevel"):
        base = option.spec.get("x-kc-int-base", 10)
        return str(values.strtol(text, base).value if base != 10 else values.atoi(text).value)
    return None


def _where(setting: Setting | None) -> tuple[str, int] | None:
    if setting is None or setting.assignment is None:
        return None
    return setting.assignment.file, setting.assignment.entry.line


def compare(old: Effective, new: Effective, redactor: redact.Redactor | None = None
            ) -> DiffResult:
    """Changes from ``old`` to ``new`` (same component), with the action each needs.

    ``redactor`` knows the secrets of both files (``loaded_of``); without it, values of
    secret names are still hidden but other values are not searched for secrets."""
    component = new.component
    result = DiffResult(component, old.series, new.series)
    mask = redactor if redactor is not None else redact.Redactor(component)
    result.changes = _Masked(mask)
    python = component.python
    names = list(dict.fromkeys([*old.settings, *new.settings]))
    for name in names:
        before, after = old.settings.get(name), new.settings.get(name)
        if (before is None or after is None) and not ((before or after).assignment):  # type: ignore[union-attr]
            continue  # exists in one release only and is not set: nothing the admin changed
        option = (after or before).option  # type: ignore[union-attr]
        old_value = before.value if before else None
        new_value = after.value if after else None
        if option is None:
            # propmap names and the like: compare as text
            if old_value != new_value:
                result.changes.append(Change(name, "changed", old_value, new_value, "restart",
                                             _where(before), _where(after),
                                             verdict=UNKNOWN_TO_KCCONF))
            continue
        if old_value == new_value:
            written_old = before.written if before else None
            written_new = after.written if after else None
            if written_old is not None and written_new is not None and \
                    written_old != written_new:
                result.changes.append(Change(name, "cosmetic", written_old, written_new, "none",
                                             _where(before), _where(after), option.secret))
            continue
        if same_reading(option, new.series, python, old_value, new_value):
            result.changes.append(Change(name, "cosmetic", old_value, new_value, "none",
                                         _where(before), _where(after), option.secret))
            continue
        verdict = verdict_of(component, option, _from_propmap(before, after))
        result.changes.append(Change(name, "changed", old_value, new_value, verdict.action,
                                     _where(before), _where(after), option.secret, verdict))
    old_unknown = {a.name: a for a in old.unknown}
    new_unknown = {a.name: a for a in new.unknown}
    for name, a in new_unknown.items():
        if name not in old_unknown:
            result.changes.append(Change(name, "unknown-added", None, a.value, "none",
                                         None, (a.file, a.entry.line)))
    for name, a in old_unknown.items():
        if name not in new_unknown:
            result.changes.append(Change(name, "unknown-removed", a.value, None, "none",
                                         (a.file, a.entry.line), None))
    result.changes = list(result.changes)
    return result


class _Masked(list):
    """The changes as they are added, each with its secret flag set by the redactor and
    any secret inside a name or value masked: a Change never holds a secret."""

    def __init__(self, redactor: redact.Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def append(self, change: Change) -> None:  # type: ignore[override]
        r = self.redactor
        secret = change.secret or r.is_secret(change.option)
        super().append(Change(
            r.text(change.option), change.kind,
            None if secret or change.old is None else r.text(change.old),
            None if secret or change.new is None else r.text(change.new),
            change.action, change.old_where, change.new_where, secret, change.verdict))


def loaded_of(path: str | None, component: Component, data: bytes | None = None,
              series: str | None = None) -> loader.Loaded:
    """The files of a configuration, or an empty one for the built-in defaults."""
    from .validate import flavour_of

    if path is None:
        return loader.Loaded(root=loader.dialect.parse(b"", "<defaults>",
                                                        flavour_of(component)))
    with loader.no_cycle_collection():
        return loader.load(path, flavour_of(component), component.directives, data=data,
                           includes=loader.Includes(series=series))


def effective_of(path: str | None, component: Component, series: str,
                 environ: Mapping[str, str] | None = None, data: bytes | None = None
                 ) -> Effective:
    """Effective settings of a file, or the built-in defaults when ``path`` is None."""
    loaded = loaded_of(path, component, data, series)
    with loader.no_cycle_collection():
        return effective.build(loaded, component, series, environ)


def diff_files(old_path: str | None, new_path: str | None, component: str | None = None,
               old_release: str | None = None, new_release: str | None = None,
               environ: Mapping[str, str] | None = None) -> DiffResult:
    """Library entry point: ``None`` as a path means the built-in defaults."""
    from .validate import pick_component

    named = new_path or old_path or ""
    comp = schema.load(component) if component else pick_component(named, None)
    old_series = schema.resolve_release(old_release)
    new_series = schema.resolve_release(new_release or old_release)
    env = environ if environ is not None else dict(os.environ)
    old_loaded, new_loaded = loaded_of(old_path, comp), loaded_of(new_path, comp)
    redactor = redact.for_documents(comp, [*old_loaded.documents, *new_loaded.documents])
    return compare(effective.build(old_loaded, comp, old_series, env),
                   effective.build(new_loaded, comp, new_series, env), redactor)
