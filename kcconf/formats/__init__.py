"""Output formats of kcconf lint: each streams file results and closes with a summary.

A formatter only formats: ``begin``, then ``file`` for each checked file (in order), then
``end`` with the counts. Formats that need a closing structure (JSON, SARIF, JUnit) are
written incrementally so memory does not grow with the number of files.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from ..lint import FileResult


class Formatter(Protocol):
    def begin(self, out: TextIO) -> None: ...

    def file(self, out: TextIO, result: FileResult) -> None: ...

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None: ...


def get(name: str, colour: bool = False, quiet: bool = False) -> Formatter:
    from . import github, json_format, junit, sarif, text

    table = {"text": lambda: text.Text(colour, quiet), "json": json_format.Json,
             "sarif": sarif.Sarif, "github": github.GitHub, "junit": junit.JUnit}
    return table[name]()
