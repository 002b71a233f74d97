"""The container convention: options from environment variables.

``KCCONF_<COMPONENT>_<OPTION>=value`` sets an option of ``<dir>/<component>.cfg``;
``KCCOMMENT_<COMPONENT>_<ANY>=<line>`` comments that exact line out and
``KCUNCOMMENT_<COMPONENT>_<ANY>=<line>`` turns a commented line back on. Everything is
validated first; any bad variable stops the whole run, every bad variable is named,
and no file is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from . import dialect, fixes, redact, schema
from .atomic import Write, write_all
from .edit import Edit, EditError, apply, parse_for_edit
from .loader import InputError, read_bytes
from .records import field, record
from .validate import flavour_of


@record(slots=True)
class FilePlan:
    path: str
    component: schema.Component
    old: bytes
    new: bytes = b""
    edits: list[Edit] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)


class EnvError(Exception):
    """Variables are wrong; each message names one. Nothing was written."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _component_of(rest: str, variable: str) -> tuple[schema.Component, str]:
    for name in sorted(schema.component_names(), key=len, reverse=True):
        prefix = name.upper() + "_"
        if rest.startswith(prefix) and len(rest) > len(prefix):
            return schema.load(name), rest[len(prefix):]
    known = ", ".join(n.upper() for n in schema.component_names())
    raise EnvError(f"{variable}: no component in the name (expected one of {known})")


def plan(environ: Mapping[str, str], directory: str, series: str,
         prefix: str = "KCCONF_", force: bool = False) -> list[FilePlan]:
    """What the variables would change, validated; raises EnvError naming every bad variable."""
    problems: list[str] = []
    plans: dict[str, FilePlan] = {}
    sets: dict[str, dict[str, tuple[str, str]]] = {}
    comments: dict[str, list[tuple[str, str, bool]]] = {}
    for variable in sorted(environ):
        value = environ[variable]
        kinds = (("set", prefix), ("comment", "KCCOMMENT_"), ("uncomment", "KCUNCOMMENT_"))
        matched = [(k, s) for k, s in kinds if variable.startswith(s)]
        if not matched:
            continue
        kind, start = matched[0]
        try:
            component, rest = _component_of(variable[len(start):], variable)
        except EnvError as err:
            problems.extend(err.problems)
            continue
        path = os.path.join(directory, component.file)
        if path not in plans:
            try:
                plans[path] = FilePlan(path, component, read_bytes(path))
            except InputError as err:
                problems.append(f"{variable}: {err}")
                continue
        plans[path].variables.append(variable)
        if kind == "set":
            sets.setdefault(path, {})[rest.lower()] = (value, variable)
        else:
            comments.setdefault(path, []).append((value, variable, kind == "comment"))
    for path, file_plan in plans.items():
        data = file_plan.old
        values = {name: value for name, (value, _) in sets.get(path, {}).items()}
        try:
            for line, variable, comment in comments.get(path, []):
                data = _toggle(data, file_plan.component, line, comment, variable)
            new, edits = apply(path, data, file_plan.component, series, values, force=force)
        except EnvError as err:
            problems.extend(err.problems)
            continue
        except EditError as err:
            problems.extend(f"{_culprit(message, sets.get(path, {}))}{message}"
                            for message in err.messages)
            continue
        file_plan.new, file_plan.edits = new, edits
    if problems:
        raise EnvError(*problems)
    return list(plans.values())


def _culprit(message: str, variables: Mapping[str, tuple[str, str]]) -> str:
    for name, (_, variable) in variables.items():
        if message.startswith(f"{name}:") or f" {name}:" in message or f"{name} " in message:
            return f"{variable}: "
    return ""


_ACTIVE = (dialect.Kind.OPTION, dialect.Kind.DIRECTIVE)
"""Lines the reader acts on, which KCCOMMENT_ may turn into comments."""


def _toggle(data: bytes, component: schema.Component, line: str, comment: bool,
            variable: str) -> bytes:
    doc = parse_for_edit(data, component.file, flavour_of(component))
    wanted = line.strip()
    lines = fixes.Lines(doc)
    for entry in doc.entries:
        text = entry.text.strip()
        # Directive lines too: kopano-docker swaps '!include' lines to change LDAP type.
        if comment and entry.kind in _ACTIVE and text == wanted:
            return fixes.apply_edits(data, [fixes.comment_out(lines, entry.line)])
        if not comment and text.startswith("#") and text.lstrip("#").strip() == wanted:
            return fixes.apply_edits(data, [fixes.replace_line(lines, entry.line, wanted)])
    for entry in doc.entries:
        text = entry.text.strip()
        done = (text.startswith("#") and text.lstrip("#").strip() == wanted) if comment else \
            (entry.kind in _ACTIVE and text == wanted)
        if done:
            # Already as asked: containers apply the same variables at every start
            # (kopano-docker's defaults name the line that is already active or commented).
            return data
    what = "active line" if comment else "commented line"
    raise EnvError(f"{variable}: {component.file} has no {what} {wanted!r}")


def redactor(environ: Mapping[str, str], prefix: str = "KCCONF_") -> redact.Redactor:
    """Masks the secrets the variables carry: values of variables that set a secret
    option (of any component), and lines to comment or uncomment that assign one."""
    masks = redact.Redactor()
    for variable, value in environ.items():
        if variable.startswith(("KCCOMMENT_", "KCUNCOMMENT_")):
            for component_name in schema.component_names():
                masks.component = schema.load(component_name)
                masks.learn_line(value)
        elif variable.startswith(prefix):
            try:
                component, rest = _component_of(variable[len(prefix):], variable)
            except EnvError:
                continue
            masks.component = component
            masks.learn_assignment(rest.lower(), value)
    masks.component = None
    return masks


def write(plans: list[FilePlan], backup: bool = False, follow_symlinks: bool = False) -> None:
    """Every changed file or none (see atomic.write_all); each must still hold what was
    planned from."""
    write_all([Write(p.path, p.new, p.old) for p in plans if p.new != p.old], backup,
              follow_symlinks)
