"""Diagnostics and the registry of their stable codes.

Codes are never reused. Ranges: KC1xx file format and directives, KC2xx option names
(unknown, renamed, removed), KC3xx values, KC4xx cross-option rules from the schemas,
KC5xx host checks, KC6xx whole-file findings. Every code has a page in
docs/codes/ with a bad example and the fix.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: str
    summary: str


_CODES = [
    # file format and directives
    Code("KC101", "not-utf8", "warning", "bytes that are not UTF-8"),
    Code("KC102", "byte-order-mark", "error", "a byte order mark glued to the first line"),
    Code("KC103", "nul-byte", "warning", "a NUL byte cuts the line short"),
    Code("KC104", "line-too-long", "error", "a line longer than the reader's buffer is split"),
    Code("KC105", "indented-comment", "error", "an indented # line is read as an option"),
    Code("KC106", "no-equals", "warning", "a line without = is silently ignored"),
    Code("KC107", "empty-name", "warning", "a line with nothing before = is ignored"),
    Code("KC110", "include-missing", "error", "an included file does not exist"),
    Code("KC111", "include-not-file", "error", "an included path is a directory or not a regular file"),
    Code("KC112", "include-repeated", "info", "a file included again is skipped"),
    Code("KC113", "unknown-directive", "warning", "a directive the reader does not know"),
    Code("KC114", "unsupported-directive", "warning", "a directive this component does not allow"),
    Code("KC115", "directive-at-eof", "error", "a directive without newline at the end of the file"),
    Code("KC116", "include-unreadable", "error", "an included file cannot be read"),
    Code("KC117", "not-read", "error", "lines after a failed include are never read"),
    Code("KC118", "directive-ignored", "warning", "a Python service ignores directives"),
    # option names
    Code("KC201", "unknown-option", "error", "an option the component does not know"),
    Code("KC202", "renamed-option", "warning", "an old option name that is renamed"),
    Code("KC203", "obsolete-option", "warning", "an option that is accepted but has no effect"),
    Code("KC204", "unused-option", "warning", "an option the service no longer uses"),
    Code("KC205", "deprecated-option", "warning", "an option that may be removed in a later release"),
    Code("KC206", "option-not-yet", "error", "an option that exists only in later releases"),
    Code("KC207", "option-removed", "error", "an option removed in an earlier release"),
    Code("KC208", "ignored-option", "warning", "an option the Python service ignores"),
    Code("KC209", "duplicate-option", "warning", "an option set more than once"),
    Code("KC210", "build-option", "info", "an option compiled in only with an optional feature"),
    # values
    Code("KC301", "invalid-boolean", "error", "a value that is not a boolean word"),
    Code("KC302", "boolean-misread", "warning", "a boolean word the service reads the other way"),
    Code("KC303", "inline-comment", "warning", "a # comment after a value is part of the value"),
    Code("KC304", "not-a-number", "error", "a number option without a number"),
    Code("KC305", "out-of-range", "error", "a number outside the accepted range"),
    Code("KC306", "trailing-text", "warning", "text after a number is ignored"),
    Code("KC307", "octal-number", "warning", "a leading zero makes the number octal"),
    Code("KC308", "invalid-size", "error", "a size the service rejects"),
    Code("KC309", "size-suffix", "error", "a size suffix the service does not know"),
    Code("KC310", "invalid-choice", "error", "a value that is not one of the accepted words"),
    Code("KC311", "empty-value", "error", "an option that must not be empty is empty"),
    Code("KC312", "value-too-long", "warning", "a value longer than the service keeps"),
    Code("KC313", "env-unset", "warning", "a $VARIABLE that is not set in the environment"),
    Code("KC314", "env-not-expanded", "info", "a $ value the service takes literally"),
    Code("KC315", "invalid-format", "warning", "a value that does not have the expected form"),
    Code("KC316", "quoted-value", "warning", "quotes are kept as part of the value"),
    Code("KC317", "invalid-number", "error", "a number the Python service cannot read"),
    # cross-option rules
    Code("KC401", "rule", "error", "a cross-option rule from the component's schema"),
    # host checks
    Code("KC501", "path-missing", "error", "a path that does not exist on this machine"),
    Code("KC502", "path-wrong-kind", "error", "a path of the wrong kind (file, directory, program)"),
    Code("KC503", "secret-readable", "warning", "a file holding secrets is readable by other users"),
    # whole file
    Code("KC601", "release-fit", "info", "the file fits another release better"),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True, slots=True)
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

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name"] = self.name
        return data


def make(code: str, file: str, line: int, col: int, message: str, hint: str = "",
         severity: str | None = None, option: str | None = None,
         end_col: int | None = None) -> Diagnostic:
    return Diagnostic(code, severity or CODES[code].severity, file, line, col, message, hint,
                      option, end_col)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)
