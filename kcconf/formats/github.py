"""GitHub Actions workflow commands: one ::error/::warning/::notice line per finding.

Escaping follows actions/toolkit: in the message ``%``, CR and LF; in property values
also ``:`` and ``,``. GitHub shows at most 10 error and 10 warning annotations per step,
so a summary line with the full counts closes the output.
"""

from __future__ import annotations

from ..lint import FileResult
from . import Totals, clean, summary_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHub:
    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def begin(self, out: TextIO) -> None:
        pass

    def file(self, out: TextIO, result: FileResult) -> None:
        if result.error is not None:
            out.write(f"::error file={escape_property(result.path)},title=kcconf::"
                      f"{escape_data(result.error)}\n")
            return
        for d in result.diagnostics:
            end = max((d.end_col or d.col + 1) - 1, d.col)  # GitHub's endColumn is inclusive
            props = (f"file={escape_property(d.file)},line={d.line},col={d.col},"
                     f"endLine={d.line},endColumn={end},title={escape_property(d.code)}")
            message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
            out.write(f"::{LEVEL[d.severity]} {props}::{escape_data(message)}\n")

    def end(self, out: TextIO, totals: Totals) -> None:
        if not self.quiet:
            out.write(summary_line(totals) + "\n")
