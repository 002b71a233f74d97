"""Compiler-style lines with hints, then a summary: the output of kcconf validate."""

from __future__ import annotations

from .. import report
from ..lint import FileResult
from . import Totals, summary_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


class Text:
    def __init__(self, colour: bool = False, quiet: bool = False, hints: bool = True) -> None:
        self.colour = colour
        self.quiet = quiet
        self.hints = hints

    def begin(self, out: TextIO) -> None:
        pass

    def file(self, out: TextIO, result: FileResult) -> None:
        # Input errors go to standard error (the command writes them), not here.
        if result.diagnostics:
            report.write_text(out, result.diagnostics, self.colour, hints=self.hints)

    def end(self, out: TextIO, totals: Totals) -> None:
        if not self.quiet:
            out.write(summary_line(totals) + "\n")
