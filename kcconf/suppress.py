"""``# kcconf: ...`` comment lines: suppressions and placement hints.

``# kcconf: disable=KC303,KC209`` silences those codes on the next option line;
``# kcconf: disable-file=KC106`` for the whole file; ``# kcconf: component=server
release=8.7`` tells kcconf lint what a file is. The Kopano readers see plain comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic
from .dialect import Document, Kind

DIRECTIVE = re.compile(r"^\s*#\s*kcconf:\s*(.*)$")
PAIR = re.compile(r"([a-z-]+)\s*=\s*([^\s]+)")


@dataclass(slots=True)
class Suppression:
    file: str
    line: int
    """The comment's own line."""
    codes: frozenset[str]
    target: int | None
    """The option line it covers; 0 for the whole file; None when no option follows."""
    used: set[str] = field(default_factory=set)


def hints(data: bytes, limit: int = 4096) -> dict[str, str]:
    """component= and release= from a ``# kcconf:`` line near the top of a file."""
    found: dict[str, str] = {}
    for raw in data[:limit].decode("utf-8", errors="replace").splitlines():
        match = DIRECTIVE.match(raw)
        if match:
            for key, value in PAIR.findall(match.group(1)):
                if key in ("component", "release"):
                    found.setdefault(key, value)
    return found


def collect(doc: Document) -> list[Suppression]:
    result: list[Suppression] = []
    pending: list[Suppression] = []
    for entry in doc.entries:
        if entry.kind is Kind.OPTION and entry.chunk == 0:
            for item in pending:
                item.target = entry.line
            pending = []
            continue
        match = DIRECTIVE.match(entry.text) if entry.kind in (Kind.COMMENT, Kind.IGNORED) \
            else None
        if not match:
            continue
        for key, value in PAIR.findall(match.group(1)):
            codes = frozenset(c.strip().upper() for c in value.split(",") if c.strip())
            if key == "disable":
                item = Suppression(doc.path, entry.line, codes, None)
                pending.append(item)
                result.append(item)
            elif key == "disable-file":
                result.append(Suppression(doc.path, entry.line, codes, 0))
    return result


def apply(diagnostics: Iterable[Diagnostic], documents: Iterable[Document]
          ) -> tuple[list[Diagnostic], list[Suppression]]:
    """Diagnostics that remain, and every suppression (with what it matched)."""
    suppressions = [s for doc in documents if b"kcconf:" in doc.data for s in collect(doc)]
    if not suppressions:
        return list(diagnostics), []
    kept = []
    for d in diagnostics:
        hit = None
        for s in suppressions:
            if s.file == d.file and d.code in s.codes and (s.target == 0 or s.target == d.line):
                hit = s
                break
        if hit is None:
            kept.append(d)
        else:
            hit.used.add(d.code)
    return kept, suppressions
