"""One JSON document, written as it goes: the shape of ``kcconf validate --format json``
({"version", "tool", "files", "summary"}), one file object per line."""

from __future__ import annotations

import json

from .. import __version__
from ..lint import FileResult
from . import Totals, clean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


class Json:
    def __init__(self) -> None:
        self.first = True

    def begin(self, out: TextIO) -> None:
        out.write(f'{{"version": {json.dumps(__version__)}, "tool": "kcconf", "files": [')

    def file(self, out: TextIO, result: FileResult) -> None:
        if result.error is not None:
            item: dict = {"file": result.path, "error": result.error}
        else:
            item = {"file": result.path, "component": result.component,
                    "release": result.release,
                    "diagnostics": [d.to_dict() for d in result.diagnostics]}
        out.write(("\n" if self.first else ",\n") + clean(json.dumps(item, ensure_ascii=False)))
        self.first = False

    def end(self, out: TextIO, totals: Totals) -> None:
        summary = {"files": totals.checked, "not_placed": totals.unplaced,
                   "unreadable": totals.unreadable, "errors": totals.counts.get("error", 0),
                   "warnings": totals.counts.get("warning", 0),
                   "notes": totals.counts.get("info", 0)}
        out.write(f'\n], "summary": {json.dumps(summary)}}}\n')
