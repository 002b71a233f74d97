"""What the language server answers, from kcconf's own modules; free of pygls.

Each function takes one buffer (its path and bytes) and returns plain values that
``server`` turns into lsprotocol types. The check is lint's (``lint.place`` and
``lint.check_bytes``), so the editor and CI give the same verdicts.
"""

from __future__ import annotations

import os

from .. import redact, schema
from ..dialect import Document, Entry, parse
from ..lint import FileResult, check_bytes, load_settings, place
from ..lint.settings import ProjectSettings, SettingsError
from ..loader import directive_target
from ..validate import flavour_of
from ..values import CXX_FALSE_WORDS, PYTHON_BOOLEANS
from .positions import LineIndex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..diagnostics import Diagnostic

CXX_BOOLEAN_WORDS = ("yes", "no", "true", "false")
"""Words a C++ service reads as they look (its parser takes anything but 0/false/no as
true, so "off" reads as true)."""


def settings_for(path: str) -> tuple[ProjectSettings, str | None]:
    """The project settings lint would use for this file (found from its folder), and
    the one-line error when they are unusable (the file is then checked without them)."""
    try:
        return load_settings(start=os.path.dirname(os.path.abspath(path)) or "."), None
    except SettingsError as err:
        return ProjectSettings(), str(err)


class Buffer:
    """One open document as kcconf sees it: placed, parsed and checked on demand."""

    def __init__(self, path: str, data: bytes, settings: ProjectSettings | None = None) -> None:
        self.path = path
        self.data = data
        self.settings = settings if settings is not None else settings_for(path)[0]
        self.index = LineIndex(data)
        placed = place(path, self.settings, data=data)
        self.component: schema.Component | None = None
        self.series: str | None = None
        self.placement: FileResult | None = None
        if isinstance(placed, FileResult):
            self.placement = placed
        else:
            self.component = schema.load(placed[0])
            self.series = placed[1]
        self._document: Document | None = None
        self._found: list[tuple[Diagnostic, int, int]] | None = None
        self.error: str | None = None
        """The input error of the last check (an unknown component in the file's
        ``kcconf:`` comment, a release kcconf does not know...)."""

    def check(self) -> FileResult:
        """lint's verdict on this buffer (KC602 when it cannot be placed)."""
        if self.placement is not None:
            return self.placement
        assert self.component is not None and self.series is not None
        return check_bytes(self.path, self.data, self.component.name, self.series,
                           self.settings)

    @property
    def document(self) -> Document | None:
        if self._document is None and self.component is not None:
            self._document = parse(self.data, self.path, flavour_of(self.component))
        return self._document

    def entry_at(self, offset: int) -> Entry | None:
        """The reader's entry on the (kcconf) line holding ``offset``."""
        doc = self.document
        if doc is None:
            return None
        line = self.index.kcconf_line(offset)
        for entry in doc.entries:
            if entry.line == line and entry.chunk == 0:
                return entry
        return None

    def span(self, line: int, col: int, length: int) -> tuple[int, int]:
        start = self.index.kcconf_offset(line, col)
        return start, self.index.kcconf_offset(line, col + length)

    # -- diagnostics --------------------------------------------------------------------

    def diagnostics(self) -> list[tuple[Diagnostic, int, int]]:
        """This file's findings with their byte spans (those of included files are
        reported on the included file, not here); checked once per buffer, since
        publishing and each code action request want them."""
        if self._found is None:
            self._found = self._diagnostics()
        return self._found

    def _diagnostics(self) -> list[tuple[Diagnostic, int, int]]:
        result = self.check()
        self.error = result.error
        found = []
        own = os.path.abspath(self.path)
        for d in result.diagnostics:
            if d.file != self.path and os.path.abspath(d.file) != own:
                continue
            end_col = d.end_col if d.end_col is not None and d.end_col > d.col else d.col + 1
            start, end = self.span(d.line, d.col, end_col - d.col)
            found.append((d, start, end))
        return found

    # -- hover --------------------------------------------------------------------------

    def option_at(self, offset: int) -> schema.Option | None:
        """The option whose name (or value) is under the cursor, as the release knows it."""
        entry = self.entry_at(offset)
        if entry is None or entry.name is None or self.component is None:
            return None
        assert self.series is not None
        return self.component.option(entry.name.strip(), self.series)

    def hover(self, offset: int) -> tuple[str, tuple[int, int]] | None:
        """Markdown about the option on this line, and the span of its name. Never a
        value from the buffer: only the schema's facts (a secret's default neither)."""
        entry = self.entry_at(offset)
        option = self.option_at(offset)
        if option is None or entry is None or entry.name is None:
            return None
        assert self.component is not None
        span = self.span(entry.line, entry.name_col, len(entry.name))
        return describe(self.component, option), span

    # -- completion ---------------------------------------------------------------------

    def completions(self, offset: int) -> list[tuple[str, str, str]]:
        """(label, detail, documentation): option names before the '=', the values the
        service reads as meant after it."""
        if self.component is None:
            return []
        assert self.series is not None
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        before = self.data[line_start:offset]
        stripped = before.lstrip()
        if stripped.startswith((b"#", b"!")):
            return []
        if b"=" not in before:
            return [(o.name, _default_text(o), o.title or o.description)
                    for o in self.component.present(self.series).values()
                    if o.status != "removed"]
        name = before.split(b"=", 1)[0].strip().decode("utf-8", "replace")
        option = self.component.option(name, self.series)
        if option is None or not option.present:
            return []
        return [(word, f"{option.name}: {option.type}", _word_note(option, word))
                for word in value_words(self.component, option)]

    # -- definition ---------------------------------------------------------------------

    def definition(self, offset: int) -> str | None:
        """The file an ``!include``/``!propmap`` line on this line names, if it exists."""
        entry = self.entry_at(offset)
        if entry is None or entry.directive not in ("include", "propmap") or not entry.argument:
            return None
        target = directive_target(self.path, entry.directive, entry.argument.strip(),
                                  self.settings.include_root)
        if not os.path.isfile(target) and not os.path.isabs(entry.argument):
            # !propmap is relative to the service's working directory; an editor's guess
            # is the including file's folder.
            target = os.path.join(os.path.dirname(os.path.abspath(self.path)),
                                  entry.argument.strip())
        return os.path.abspath(target) if os.path.isfile(target) else None

    # -- document symbols ---------------------------------------------------------------

    def symbols(self) -> list[tuple[str, str, list[tuple[str, str, int, int, int, int]]]]:
        """Per group, in the order of first appearance: (group title, group key,
        [(option, title, line start, line end, name start, name end)]). No values."""
        if self.component is None or self.document is None:
            return []
        assert self.series is not None
        groups: dict[str, list[tuple[str, str, int, int, int, int]]] = {}
        for entry in self.document.entries:
            if entry.name is None or entry.chunk != 0:
                continue
            name = entry.name.strip()
            option = self.component.option(name, self.series)
            key = option.group if option is not None and option.group else ""
            line_start = self.index.kcconf_offset(entry.line, 1)
            line_end = self.index.kcconf_offset(entry.line, len(entry.text.rstrip("\r\n")) + 1)
            start, end = self.span(entry.line, entry.name_col, len(entry.name))
            title = option.title if option is not None else "not an option of this release"
            groups.setdefault(key, []).append((name, title, line_start, line_end, start, end))
        known = self.component.groups
        return [(known.get(key, {}).get("title", key) if key else "Other", key, items)
                for key, items in groups.items()]


def value_words(component: schema.Component, option: schema.Option) -> list[str]:
    """Enum words and booleans the service reads as the writer means them."""
    if option.py_options:
        return list(option.py_options)
    if option.type == "enum":
        return [str(w) for w in schema.enum_at(option.spec, option.series)]
    if option.type == "boolean" or option.py_type == "boolean":
        if component.python:
            return [w for w in PYTHON_BOOLEANS if not w.isdigit()]
        assert all(w in CXX_FALSE_WORDS or w in ("yes", "true") for w in CXX_BOOLEAN_WORDS)
        return list(CXX_BOOLEAN_WORDS)
    return []


def _word_note(option: schema.Option, word: str) -> str:
    return "the default" if option.default is not None and word == option.default else ""


def _default_text(option: schema.Option) -> str:
    if option.secret:
        return f"{option.type}, secret"
    default = option.default if option.default is not None else "(none)"
    return f"{option.type}, default: {default or '(empty)'}"


RELOAD_WORDS = {
    "applied": "a reload (SIGHUP) applies a new value",
    "new-connections": "a reload applies a new value to new connections only",
    "restart": "a new value needs a restart; a reload keeps the old one",
    "not-established": "what a reload does with it is not established",
    "no-effect": "a reload reads the value, but it has no effect until a restart",
    schema.UNAUDITED: "flagged reloadable; what a reload does is not yet audited",
}


def describe(component: schema.Component, option: schema.Option) -> str:
    """The hover text of an option at one release: meaning, type, default, reload."""
    secret = option.secret or redact.secret_name(component, option.name)
    lines = [f"**{option.name}** ({component.name}, release {option.series})", ""]
    if option.title:
        lines += [option.title, ""]
    lines += [option.description, ""]
    facts = [f"type: {option.type}"]
    if secret:
        facts.append("secret: kcconf never shows its value")
    elif option.default is not None:
        facts.append(f"default: `{option.default}`" if option.default else "default: empty")
    if not option.present:
        facts.append(f"not read by release {option.series}")
    if option.status not in ("active", ""):
        facts.append(f"status: {option.status}")
    if option.renamed_to:
        facts.append(f"renamed to {option.renamed_to}")
    if component.runs_per_use:
        facts.append("a change applies to the next run")
    elif component.sighup.get("behaviour") == "restart":
        facts.append("the service ignores a reload: a change needs a restart")
    else:
        reload = RELOAD_WORDS.get(option.reload.behaviour, option.reload.behaviour)
        if option.reload.applies_to:
            reload += f" ({option.reload.applies_to})"
        facts.append(f"reload: {reload}")
    lines += [f"- {fact}" for fact in facts]
    if option.reload.evidence:
        lines += ["", f"Reload evidence: {option.reload.evidence}"]
    return "\n".join(lines)
