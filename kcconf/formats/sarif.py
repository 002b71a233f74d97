"""SARIF 2.1.0 for GitHub code scanning, written incrementally."""

from __future__ import annotations

import hashlib
import json
import os
from typing import TextIO

from .. import __version__
from ..lint import FileResult
from ..render.codes import entries

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
DOCS = "https://kcconf.invalid/codes/"


def uri(path: str) -> str:
    """Repository-relative, forward slashes."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    relative = relative.replace(os.sep, "/")
    return relative[2:] if relative.startswith("./") else relative


class Sarif:
    def __init__(self) -> None:
        self.first = True

    def begin(self, out: TextIO) -> None:
        rules = [{"id": e["code"], "name": e["name"],
                  "shortDescription": {"text": e["summary"]},
                  "fullDescription": {"text": e["explanation"]},
                  "help": {"text": f"{e['explanation']} Fix: {e['fix']}"},
                  "helpUri": f"{DOCS}{e['code']}.html",
                  "defaultConfiguration": {"level": LEVEL[e["severity"]]}}
                 for e in entries()]
        driver = {"name": "kcconf", "version": __version__,
                  "informationUri": "https://kcconf.invalid/", "rules": rules}
        head = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}
        text = json.dumps(head)[:-1]
        out.write(f'{text}, "runs": [{{"tool": {{"driver": {json.dumps(driver)}}}, "results": [')

    def file(self, out: TextIO, result: FileResult) -> None:
        for d in result.diagnostics:
            fingerprint = hashlib.sha256(f"{d.code}:{uri(d.file)}:{d.message}".encode()
                                         ).hexdigest()[:32]
            item = {"ruleId": d.code, "level": LEVEL[d.severity],
                    "message": {"text": d.message + (f" Hint: {d.hint}" if d.hint else "")},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": uri(d.file)},
                        "region": {"startLine": d.line, "startColumn": d.col,
                                   "endLine": d.line,
                                   "endColumn": max(d.end_col or d.col + 1, d.col + 1)}}}],
                    "partialFingerprints": {"kcconf/v1": fingerprint}}
            out.write(("\n" if self.first else ",\n") + json.dumps(item, ensure_ascii=False))
            self.first = False

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None:
        out.write("\n]}]}\n")
