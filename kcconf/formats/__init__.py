"""Output formats of kcconf lint: each streams file results and closes with a summary.

A formatter only formats. ``begin``, then ``file`` for each file result in order (input
errors included, with ``result.error`` set), then ``end`` with the totals. Formats that
need a closing structure (JSON, SARIF, JUnit) are written as they go, so memory does not
grow with the number of files.
"""

from __future__ import annotations

import json
from typing import Protocol, TextIO

from .. import escape, report
from ..lint import FileResult
from ..records import field, record

NAMES = ("text", "json", "sarif", "github", "junit", "gitlab")


@record(slots=True)
class Totals:
    """What the summary line and the closing structures need: counts, not results."""

    checked: int = 0
    unplaced: int = 0
    unreadable: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    fixing: bool = False
    """``lint --fix``: the summary says how many findings were fixed and how many remain."""
    fixed: int = 0
    fixed_files: int = 0

    def add(self, result: FileResult) -> None:
        if result.fixed:
            self.fixed += result.fixed
            self.fixed_files += 1
        if result.error is not None:
            self.unreadable += 1
            return
        if result.placed:
            self.checked += 1
        else:
            self.unplaced += 1
        for d in result.diagnostics:
            self.counts[d.severity] = self.counts.get(d.severity, 0) + d.weight


def clean(text: str) -> str:
    """Bytes that were not UTF-8 as ``\\xNN`` (see escape): strict JSON and XML readers
    reject the lone surrogates the reader keeps them as."""
    return escape.machine(text)


def dumps(item: object) -> str:
    """One JSON value on one line, valid UTF-8 whatever the strings held."""
    return json.dumps(escape.machine_data(item), ensure_ascii=False)


def fingerprint(key: str, occurrence: int) -> str:
    """Stable while lines move: made of the code, file, option and message (``key``) and
    which occurrence of that key it is. SARIF and GitLab's Code Quality use it."""
    import hashlib

    return hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8", "surrogateescape")
                          ).hexdigest()[:32]


def relative_path(path: str) -> str:
    """Relative to the working directory (the repository root in CI), forward slashes."""
    import os

    relative = os.path.relpath(path) if os.path.isabs(path) else os.path.normpath(path)
    return relative.replace(os.sep, "/")


def summary_line(totals: Totals) -> str:
    """``N files checked: ...`` as kcconf validate says it, plus files not checked."""
    line = report.summary(totals.counts, totals.checked)
    extra = []
    if totals.unplaced:
        extra.append(f"{totals.unplaced} not placed")
    if totals.unreadable:
        extra.append(f"{totals.unreadable} unreadable")
    if extra:
        head, sep, tail = line.partition(": ")
        line = f"{head} ({', '.join(extra)}){sep}{tail}"
    return line + fix_summary(totals) if totals.fixing else line


def fix_summary(totals: Totals) -> str:
    """``; fixed N in M files, K remain`` for lint --fix."""
    remaining = sum(totals.counts.values())
    files = "file" if totals.fixed_files == 1 else "files"
    return (f"; fixed {totals.fixed} in {totals.fixed_files} {files}, {remaining} remain"
            if totals.fixed else f"; nothing fixed, {remaining} remain")


class Formatter(Protocol):
    def begin(self, out: TextIO) -> None: ...

    def file(self, out: TextIO, result: FileResult) -> None: ...

    def end(self, out: TextIO, totals: Totals) -> None: ...


def get(name: str, *, colour: bool = False, quiet: bool = False, hints: bool = True
        ) -> Formatter:
    """The formatter called ``name`` (one of NAMES); only its module is imported."""
    if name == "text":
        from .text import Text

        return Text(colour, quiet, hints)
    if name == "json":
        from .json_format import Json

        return Json()
    if name == "sarif":
        from .sarif import Sarif

        return Sarif()
    if name == "github":
        from .github import GitHub

        return GitHub(quiet)
    if name == "junit":
        from .junit import JUnit

        return JUnit()
    if name == "gitlab":
        from .gitlab import GitLab

        return GitLab()
    raise ValueError(f"unknown format {name!r}; known: {', '.join(NAMES)}")
