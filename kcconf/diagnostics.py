"""Diagnostics and the registry of their stable codes.

Codes are never reused. Ranges: KC1xx file format and directives, KC2xx option names
(unknown, renamed, removed), KC3xx values, KC4xx cross-option rules from the schemas,
KC5xx host checks, KC6xx whole-file findings. The registry with each code's
explanation, bad example and fix is ``codes.json``; docs/codes/ and ``kcconf explain``
are made from it.
"""

from __future__ import annotations

import json
import os

from .records import asdict, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .fixes import Fix

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@record(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: str
    summary: str


def _load_codes() -> dict[str, Code]:
    """The registry lives in codes.json beside this module, with each code's documentation."""
    path = os.path.join(os.path.dirname(__file__), "codes.json")
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)["codes"]
    return {e["code"]: Code(e["code"], e["name"], e["severity"], e["summary"]) for e in entries}


CODES: dict[str, Code] = _load_codes()


@record(slots=True)
class Diagnostic:
    code: str
    severity: str
    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    option: str | None = None
    end_col: int | None = None
    fixes: tuple[Fix, ...] = ()
    """Alternative repairs (see fixes.py), built by the check that found the problem."""
    rule: str | None = None
    """The id of the schema rule that failed (KC401), usable wherever a code is."""

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name"] = self.name
        if self.fixes:
            data["fixes"] = [f.to_dict() for f in self.fixes]
        else:
            del data["fixes"]
        if self.rule is None:
            del data["rule"]
        return data


def make(code: str, file: str, line: int, col: int, message: str, hint: str = "",
         severity: str | None = None, option: str | None = None,
         end_col: int | None = None, fixes: tuple[Fix, ...] = (),
         rule: str | None = None) -> Diagnostic:
    return Diagnostic(code, severity or CODES[code].severity, file, line, col, message, hint,
                      option, end_col, fixes, rule)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)
