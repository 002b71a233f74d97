"""GitHub Actions workflow commands: one ::error/::warning/::notice line per finding."""

from __future__ import annotations

from typing import TextIO

from .. import report
from ..lint import FileResult

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHub:
    def begin(self, out: TextIO) -> None:
        pass

    def file(self, out: TextIO, result: FileResult) -> None:
        for d in result.diagnostics:
            props = [f"file={escape_property(d.file)}", f"line={d.line}", f"col={d.col}",
                     f"endLine={d.line}", f"endColumn={d.end_col or d.col}",
                     f"title={escape_property(d.code)}"]
            out.write(f"::{LEVEL[d.severity]} {','.join(props)}::{escape_data(d.message)}\n")

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None:
        # GitHub shows at most 10 annotations of each level per step: say how many there are.
        out.write(report.summary(counts, files) + "\n")
