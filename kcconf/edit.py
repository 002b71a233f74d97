"""Edit a config file line by line, leaving every other byte as it was.

Setting an option replaces the value on its active line (the last one, which wins),
or turns its commented default line (``#log_level = 3``) into a setting, or inserts a
line after the other options of its group. Unsetting comments the active lines out.
The edited text is validated before anything is written: a bad value or an unknown
name stops the edit with the validator's own message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from . import dialect, escape, fixes, redact, schema, validate
from .checks.names import suggest
from .diagnostics import Diagnostic
from .dialect import Document, Kind
from .loader import InputError
from .records import record


class EditError(Exception):
    """The edit was refused; nothing was written. Each message names one option and why."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@record(frozen=True, slots=True)
class Edit:
    option: str
    action: str
    """replaced, uncommented, inserted, commented or renamed."""
    line: int


line_ending = fixes.line_ending


def parse_for_edit(data: bytes, path: str, flavour: dialect.Flavour) -> Document:
    """The file split into lines exactly as the component's reader splits them, so that
    editing line N edits what the service reads as line N."""
    return dialect.parse(data, path, flavour, reader_lines=True)


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def canonical(component: schema.Component, series: str, name: str) -> str:
    """The name to write: the current name of a renamed option; unknown names refused."""
    option = component.option(name, series)
    if option is None or not option.present:
        releases = component.releases_of(name)
        if releases:
            raise EditError(f"{name}: not an option of {component.file} in {series}"
                            f" (valid in {releases[0]} to {releases[-1]})")
        raise EditError(f"{name}: unknown option of {component.file}."
                        f" {suggest(component, series, name)}")
    if option.renamed_to:
        target = component.option(option.renamed_to, series)
        if target is None or not target.present:
            raise EditError(f"{name}: old name of {option.renamed_to}, which does not exist"
                            f" in {series}")
        return option.renamed_to
    return name


def _names_for(component: schema.Component, series: str, name: str) -> set[str]:
    """The name and every old name that stores into it."""
    names = {name}
    for other, option in component.at(series).items():
        if option.present and option.renamed_to == name:
            names.add(other)
    return names


def _active(doc: Document, names: set[str]) -> list[dialect.Entry]:
    return [e for e in doc.entries
            if e.kind is Kind.OPTION and e.chunk == 0 and e.name in names]


def _commented(doc: Document, name: str) -> list[dialect.Entry]:
    pattern = dialect.commented_assignment(name)
    python = doc.flavour is dialect.Flavour.PYTHON
    found = []
    for e in doc.entries:
        if e.chunk != 0:
            continue
        is_comment = e.kind is Kind.COMMENT or (
            not python and e.kind is Kind.IGNORED and e.text.lstrip().startswith("#"))
        if is_comment and pattern.match(e.text):
            found.append(e)
    return found


def split_ending(line: bytes) -> tuple[bytes, bytes]:
    for ending in (b"\r\n", b"\n", b"\r"):
        if line.endswith(ending):
            return line[: -len(ending)], ending
    return line, b""


def _check_value(name: str, value: str) -> None:
    if "\n" in value or "\r" in value or "\0" in value:
        raise EditError(f"{name}: a value cannot hold a line break or NUL byte")
    trimmed = value.strip(" \t")
    if value != trimmed:
        raise EditError(f"{name}: Kopano trims spaces and tabs around a value; write"
                        f" {trimmed!r}")


def set_one(doc: Document, component: schema.Component, series: str, name: str,
            value: str) -> tuple[list[bytes], Edit]:
    _check_value(name, value)
    lines = fixes.Lines(doc)
    active = _active(doc, _names_for(component, series, name))
    if active:
        entry = active[-1]
        edits = [fixes.replace_value(lines, entry.line, value)]
        if entry.name != name:  # an old name: write the current one
            edits.append(fixes.rename(lines, entry.line, name))
        return _edited(doc, edits), Edit(name, "replaced", entry.line)
    text = f"{name} = {value}" if value else f"{name} ="
    commented = _commented(doc, name)
    if commented:
        entry = commented[0]
        return _edited(doc, [fixes.replace_line(lines, entry.line, text)]), \
            Edit(name, "uncommented", entry.line)
    position = _group_position(doc, component, series, name)
    return _edited(doc, [fixes.insert_above(lines, position + 1, text)]), \
        Edit(name, "inserted", position + 1)


def _edited(doc: Document, edits: list[fixes.Edit]) -> list[bytes]:
    """The document's lines after the edits (built once, in fixes.py)."""
    return [fixes.apply_edits(doc.data, edits)]


def _group_position(doc: Document, component: schema.Component, series: str, name: str
                    ) -> int:
    """After the last line (active or commented) of an option in the same group."""
    options = component.at(series)
    group = options[name].group
    members = {n for n, o in options.items() if o.group == group and n != name}
    last = None
    for entry in doc.entries:
        if entry.chunk != 0:
            continue
        if entry.kind is Kind.OPTION and entry.name in members:
            last = entry.line
            continue
        match = re.match(r"^\s*#+\s*([A-Za-z0-9_]+)\s*=", entry.text)
        if match and match.group(1) in members:
            last = entry.line
    return last if last is not None else len(doc.lines)


def unset_one(doc: Document, component: schema.Component, series: str, name: str
              ) -> tuple[list[bytes], list[Edit]]:
    lines = fixes.Lines(doc)
    found = _active(doc, _names_for(component, series, name))
    done = [Edit(entry.name or name, "commented", entry.line) for entry in found]
    return _edited(doc, [fixes.comment_out(lines, entry.line) for entry in found]), done


def apply(path: str, data: bytes, component: schema.Component, series: str,
          set_values: Mapping[str, str] | None = None, unset: list[str] | None = None,
          environ: Mapping[str, str] | None = None, force: bool = False
          ) -> tuple[bytes, list[Edit]]:
    """The edited bytes and what was done; raises EditError if the result would be wrong.

    A value the service would misread (a warning: ``off`` read as true, ``30d`` as 30) is
    refused like an error unless ``force``: set exists to write what the admin meant."""
    flavour = validate.flavour_of(component)
    edits: list[Edit] = []
    current = data
    touched: set[str] = set()
    written: dict[str, tuple[str, Edit]] = {}
    refused: list[str] = []  # every bad option is named, not just the first
    for raw_name, value in (set_values or {}).items():
        try:
            name = canonical(component, series, raw_name)
            doc = parse_for_edit(current, path, flavour)
            lines, edit = set_one(doc, component, series, name, value)
        except EditError as err:
            refused.extend(err.messages)
            continue
        current = b"".join(lines)
        edits.append(edit)
        touched.add(name)
        written[name] = (value, edit)
    for raw_name in unset or []:
        try:
            name = canonical(component, series, raw_name)
            doc = parse_for_edit(current, path, flavour)
            lines, done = unset_one(doc, component, series, name)
        except EditError as err:
            refused.extend(err.messages)
            continue
        current = b"".join(lines)
        edits.extend(done)
    try:
        result = validate.run(path, component.name, series, data=current,
                              environ=environ if environ is not None else {})
    except InputError as err:  # the edit made the file unreadable (it looks binary)
        raise EditError(f"the edited file would not be read as a config: {err}") from None
    errors = _errors_on(result, component, series, touched)
    refused.extend(d.message for d in errors)
    if written and not force:
        refused.extend(_new_warnings(path, data, result, component, series,
                                     set(written) - {d.option for d in errors}, environ))
    refused.extend(_ineffective(result, written))
    if refused:
        raise EditError(*refused)
    return current, edits


def _new_warnings(path: str, data: bytes, result: validate.Result,
                  component: schema.Component, series: str, names: set[str],
                  environ: Mapping[str, str] | None) -> list[str]:
    """Warnings about the set options that the edit brings (a value read other than
    written), not those the file had already (a duplicate in an include)."""
    found = _errors_on(result, component, series, names, severity="warning")
    if not found:
        return []
    try:
        before = validate.run(path, component.name, series, data=data,
                              environ=environ if environ is not None else {})
        known = {(d.code, d.message) for d in before.diagnostics}
    except InputError:
        known = set()
    return [f"{d.message} [{d.code}]. {d.hint + ' ' if d.hint else ''}"
            "(A warning: --force writes it anyway.)"
            for d in found if (d.code, d.message) not in known]


def _ineffective(result: validate.Result, written: Mapping[str, tuple[str, Edit]]
                 ) -> list[str]:
    """Sets the service would not see: a later line (an include, the continuation of an
    over-long line) sets the option again to something else. (An include missing on
    this machine, after which nothing is read, is not counted: the file may be edited
    for another host, and validate reports the include.)"""
    problems = []
    for name, (value, edit) in written.items():
        setting = result.effective.settings.get(name)
        winner = setting.assignment if setting is not None else None
        if winner is None or winner.value == value:
            continue
        secret = bool(setting and setting.option and setting.option.secret)
        where = f"{winner.file}:{winner.entry.line}"
        if winner.entry.chunk:
            where += " (the continuation of a line over 4095 bytes)"
        shown = "another value" if secret else repr(winner.value)
        problems.append(f"{name}: written on line {edit.line}, but {where} sets it again"
                        f" later, so the service reads {shown}")
    return problems


def edit_errors(path: str, data: bytes, component: schema.Component, series: str,
                names: set[str], environ: Mapping[str, str] | None) -> list[Diagnostic]:
    """Errors the validator finds on the options just written."""
    result = validate.run(path, component.name, series, data=data,
                          environ=environ if environ is not None else {})
    return _errors_on(result, component, series, names)


def _errors_on(result: validate.Result, component: schema.Component, series: str,
               names: set[str], severity: str = "error") -> list[Diagnostic]:
    """Findings of one severity in the edited file about the named options."""
    root = result.loaded.root.path
    found = []
    for d in result.diagnostics:
        if d.severity != severity or d.file != root:
            continue
        if d.option in names or (d.option and validate.effective.canonical_name(
                component.at(series), d.option) in names):
            found.append(d)
    return found


def redactor_for(path: str, component: schema.Component, *datas: bytes) -> redact.Redactor:
    """What masks the secrets of these versions of a file in anything shown of them."""
    return redact.Redactor(component).learn_data(path, datas, validate.flavour_of(component))


def unified_diff(path: str, old: bytes, new: bytes, redactor: redact.Redactor) -> str:
    """The edit as a unified diff for people: lines as the file splits them (LF), every
    line escaped, and no secret shown (a secret's line keeps its name, +/- and context
    lines alike), so a changed password shows as a changed line without its value."""
    before = [dialect.decode(line) for line in dialect.split_physical_lines(old)]
    after = [dialect.decode(line) for line in dialect.split_physical_lines(new)]
    out = []
    for number, line in enumerate(difflib.unified_diff(before, after, path,
                                                       f"{path} (edited)")):
        if number < 2 or line.startswith("@@"):  # the file names, a hunk's head
            out.append(escape.human(line.rstrip("\n")) + "\n")
            continue
        body = line[1:]
        ending = "\n" if body.endswith("\n") else ""
        body = body.removesuffix("\n")
        cr = "\r" if body.endswith("\r") else ""
        body = redactor.config_line(body.removesuffix("\r"))
        out.append(line[0] + escape.human(body, keep_tab=True) + cr + ending)
        if not ending:
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
