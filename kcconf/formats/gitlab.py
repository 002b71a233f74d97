"""GitLab Code Quality report (``artifacts:reports:codequality``), written as results
come in: a JSON array of issues, each with description, check_name, fingerprint,
severity and location (path relative to the repository root, lines.begin), the fields
GitLab reads. Unreadable inputs are not issues; they go to standard error as always.
"""

from __future__ import annotations

from ..lint import FileResult
from . import Totals, dumps, fingerprint, relative_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
"""GitLab's scale is info, minor, major, critical, blocker; kcconf's error is a service
that refuses to start or misbehaves, which GitLab's major fits (critical and blocker are
for security and outages of the product itself)."""


class GitLab:
    def __init__(self) -> None:
        self.first = True

    def begin(self, out: TextIO) -> None:
        out.write("[")

    def file(self, out: TextIO, result: FileResult) -> None:
        seen: dict[str, int] = {}
        for d in result.diagnostics:
            path = relative_path(d.file)
            key = f"{d.code}\0{path}\0{d.option or ''}\0{d.message}"
            seen[key] = seen.get(key, 0) + 1
            issue = {"description": f"{d.message} [{d.code}]", "check_name": d.code,
                     "fingerprint": fingerprint(key, seen[key]),
                     "severity": SEVERITY[d.severity],
                     "location": {"path": path, "lines": {"begin": d.line}}}
            out.write(("\n" if self.first else ",\n") + dumps(issue))
            self.first = False

    def end(self, out: TextIO, totals: Totals) -> None:
        out.write("\n]\n")
