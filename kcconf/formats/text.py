"""Compiler-style lines, then a summary (the format of kcconf validate)."""

from __future__ import annotations

from typing import TextIO

from .. import report
from ..lint import FileResult


class Text:
    def __init__(self, colour: bool = False, quiet: bool = False) -> None:
        self.colour = colour
        self.quiet = quiet

    def begin(self, out: TextIO) -> None:
        pass

    def file(self, out: TextIO, result: FileResult) -> None:
        report.write_text(out, result.diagnostics, self.colour, hints=False)

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None:
        if not self.quiet:
            out.write(report.summary(counts, files) + "\n")
