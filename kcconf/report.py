"""Formatters: diagnostics in, text out. They decide nothing about findings."""

from __future__ import annotations

from collections.abc import Iterable

from . import __version__
from .diagnostics import Diagnostic
from .escape import human, machine_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
BOLD = "\033[1m"
RESET = "\033[0m"


def severity_label(severity: str) -> str:
    """Compiler style knows error, warning and note."""
    from .diagnostics import WORD

    return WORD[severity]


def text_line(d: Diagnostic, colour: bool = False) -> str:
    """``file:line:col: severity: message [code]``, one line whatever the file name and
    message hold (control characters escaped, see escape.human)."""
    label = severity_label(d.severity)
    file = human(d.file)
    if colour:
        where = f"{BOLD}{file}:{d.line}:{d.col}:{RESET}"
        label = f"{COLOURS[d.severity]}{label}:{RESET}"
    else:
        where = f"{file}:{d.line}:{d.col}:"
        label = f"{label}:"
    return f"{where} {label} {human(d.message)} [{d.code}]"


def write_text(out: TextIO, diagnostics: Iterable[Diagnostic], colour: bool = False,
               hints: bool = True) -> None:
    for d in diagnostics:
        out.write(text_line(d, colour) + "\n")
        if hints and d.hint:
            out.write(f"    hint: {human(d.hint)}\n")


def summary(counts: dict[str, int], files: int) -> str:
    parts = [f"{counts.get('error', 0)} error(s)", f"{counts.get('warning', 0)} warning(s)",
             f"{counts.get('info', 0)} note(s)"]
    noun = "file" if files == 1 else "files"
    return f"{files} {noun} checked: {', '.join(parts)}"


def count(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[d.severity] = counts.get(d.severity, 0) + (d.more or 1)  # see Diagnostic.weight
    return counts


def write_json(out: TextIO, results: list[dict], counts: dict[str, int]) -> None:
    import json  # here: the text report, the usual one, has no need of it

    document = {"version": __version__, "tool": "kcconf", "files": results,
                "summary": {"errors": counts.get("error", 0),
                            "warnings": counts.get("warning", 0),
                            "notes": counts.get("info", 0)}}
    json.dump(machine_data(document), out, indent=2, ensure_ascii=False)
    out.write("\n")
