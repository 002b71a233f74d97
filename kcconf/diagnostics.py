"""Diagnostics and the registry of their stable codes.

Codes are never reused. Ranges: KC1xx file format and directives, KC2xx option names
(unknown, renamed, removed), KC3xx values, KC4xx cross-option rules from the schemas,
KC5xx host checks, KC6xx whole-file findings. The registry with each code's
explanation, bad example and fix is ``codes.json``; docs/codes/ and ``kcconf explain``
are made from it.
"""

from __future__ import annotations

import os
import sys
from operator import attrgetter

from . import datafile
from .records import asdict, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .fixes import Fix

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
WORD = {"error": "error", "warning": "warning", "info": "note"}
"""The word users see for each severity, in every output, option and page: the lowest
is a note (as compilers and SARIF say); ``info`` stays the library's name for it."""
FROM_WORD = {"error": "error", "warning": "warning", "note": "info", "info": "info"}
"""What --fail-on and the settings' [severity] accept (info: the older word)."""


@record(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: str
    summary: str


def _load_codes() -> dict[str, Code]:
    """The registry lives in codes.json beside this module, with each code's documentation."""
    path = os.path.join(os.path.dirname(__file__), "codes.json")
    entries = datafile.load(path)["codes"]
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
    more: int = 0
    """Further findings of this code in this file that were counted, not kept: set on
    the closing finding of a file over the limit (see validate.FINDINGS_PER_CODE)."""

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def weight(self) -> int:
        """How many findings this one stands for in every count: a closing finding for
        the ``more`` findings it replaces, any other for itself."""
        return self.more or 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = WORD[self.severity]
        data["name"] = self.name
        if self.fixes:
            data["fixes"] = [f.to_dict() for f in self.fixes]
        else:
            del data["fixes"]
        if self.rule is None:
            del data["rule"]
        if not self.more:
            del data["more"]  # only a closing finding carries it
        return data


def make(code: str, file: str, line: int, col: int, message: str, hint: str = "",
         severity: str | None = None, option: str | None = None,
         end_col: int | None = None, fixes: tuple[Fix, ...] = (),
         rule: str | None = None, more: int = 0) -> Diagnostic:
    # A big file repeats the same finding on many lines: one copy of each text.
    return Diagnostic(code, severity or CODES[code].severity, file, line, col,
                      sys.intern(message), sys.intern(hint), option, end_col, fixes, rule,
                      more)


def weighed(diagnostics: Iterable[Diagnostic]) -> int:
    """How many findings ``diagnostics`` stand for (closing findings count their ``more``)."""
    return sum(d.more or 1 for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)


def sort_in_place(found: list[Diagnostic]) -> None:
    """``found.sort(key=sort_key)`` without a key tuple per finding (a big file has
    millions): stable sorts by each field, least significant first."""
    for field_name in ("code", "col", "line", "file"):
        found.sort(key=attrgetter(field_name))
