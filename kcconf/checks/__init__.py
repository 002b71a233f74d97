"""The checks kcconf runs, one module per kind of finding.

Each check is a function ``check(ctx) -> Iterable[Diagnostic]`` that reads the
context and never changes it; ``ALL`` is the order in which they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..diagnostics import Diagnostic
from ..dialect import find_commented_assignment
from ..effective import Effective
from ..fixes import Lines
from ..loader import Assignment, Loaded
from ..records import field, record
from ..schema import Component, Option
from ..templates import Masked


@record(slots=True)
class Context:
    loaded: Loaded
    component: Component
    series: str
    effective: Effective
    options: Mapping[str, Option]
    """Every option of the schema, resolved at ``series`` (present or not)."""
    environ: Mapping[str, str]
    check_host: bool = False
    template: Masked | None = None
    """The file's template analysis (dialect, branches), or None for a plain config."""
    python: bool = False
    """The component is read by the Python services' parser (set from ``component``)."""
    _lines: dict[str, Lines | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.python = self.component.python

    def commented_default(self, name: str) -> tuple[str, int, int] | None:
        """(file, line, column) of the line that shows ``name`` commented out
        (``#name = default``): where to point about an option no line sets."""
        for doc in self.loaded.documents:
            found = find_commented_assignment(doc, name)
            if found:
                return doc.path, *found
        return None

    @property
    def fragment(self) -> bool:
        """A property map checked on its own: whole-configuration checks do not apply."""
        return bool(self.loaded.assignments) and all(a.propmap for a in self.loaded.assignments)

    def lines_of(self, path: str) -> Lines | None:
        """Byte addressing of a file kcconf read, for fixes; None for a file kcconf only
        knows from its facts (a package file that is not on this machine)."""
        if path not in self._lines:
            doc = next((d for d in self.loaded.documents if d.path == path), None)
            self._lines[path] = Lines(doc) if doc is not None and not doc.bundled else None
        return self._lines[path]

    def lines_for(self, a: Assignment) -> Lines | None:
        """Addressing for fixes of an assignment's line, when edits can address it."""
        if a.entry.chunk != 0:
            return None
        lines = self.lines_of(a.file)
        return lines if lines is not None and lines.addressable(a.entry.line) else None
    @property
    def partial(self) -> bool:
        """Not every setting is visible here (a property map alone, or a template whose
        code or expression lines may write settings): whole-configuration checks, such
        as empty mandatory options and cross-option rules, do not apply."""
        return self.fragment or (self.template is not None and self.template.unseen)


    def unread(self, name: str) -> bool:
        """The option is not set in what kcconf read, and a file it could not read (an
        include on another machine) may set it: its value is not known."""
        return self.loaded.incomplete and not self.effective.is_set(name)

    def cut_short(self, name: str) -> tuple[str, int, str] | None:
        """When reading stopped at a failed include before ``name`` was set: (file, line,
        reason) to report a finding about it at, after its cause, saying why."""
        stop = self.loaded.stopped_at
        if stop is None or self.effective.is_set(name):
            return None
        file, line = stop
        where = f"line {line}" if file == self.loaded.root.path else f"{file}:{line}"
        return file, line, f"because reading stopped at the include on {where}"


Check = Callable[[Context], Iterable[Diagnostic]]


def all_checks() -> list[Check]:
    from . import fileformat, host, names, rules, values

    return [fileformat.check, names.check, values.check, rules.check, host.check]
