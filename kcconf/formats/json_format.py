"""One JSON document: {"version", "tool", "files": [...], "summary"}, written as it goes."""

from __future__ import annotations

import json
from typing import TextIO

from .. import __version__
from ..lint import FileResult


class Json:
    def __init__(self) -> None:
        self.first = True

    def begin(self, out: TextIO) -> None:
        out.write(f'{{"version": {json.dumps(__version__)}, "tool": "kcconf", "files": [')

    def file(self, out: TextIO, result: FileResult) -> None:
        item = {"file": result.path, "component": result.component, "release": result.release,
                "diagnostics": [d.to_dict() for d in result.diagnostics]}
        out.write(("\n" if self.first else ",\n") + json.dumps(item, ensure_ascii=False))
        self.first = False

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None:
        summary = {"files": files, "errors": counts.get("error", 0),
                   "warnings": counts.get("warning", 0), "notes": counts.get("info", 0)}
        out.write(f'\n], "summary": {json.dumps(summary)}}}\n')
