"""``# kcconf: ...`` comment lines: suppressions and placement hints.

``# kcconf: disable=KC303,KC209`` silences those codes (or code names, or schema rule
ids: see selection.py) on the next line that is neither blank nor a comment (normally
an option line); ``# kcconf: disable-file=KC106`` silences them in the whole file, and
a bare ``disable`` or ``disable-file`` every code; ``# kcconf: component=server
release=8.7`` tells kcconf lint what a file is. Kopano's readers see plain comments.
Shared by ``kcconf validate`` (through :func:`apply`) and ``kcconf lint`` (which also
reports unused ones, KC603).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .diagnostics import Diagnostic, make, sort_key
from .dialect import Document, Kind
from .records import field, record
from .selection import known, matches, normal, rule_ids

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVERY_CODE = "*"
"""A bare ``# kcconf: disable`` silences every code on the next line."""
MARKER = b"kcconf:"
"""Cheap test before any parsing: most files carry no kcconf comment at all."""


# Patterns as text, compiled by re on first use: most files have no kcconf comment at
# all, and compiling costs start-up time.

DIRECTIVE = r"^\s*#\s*kcconf:\s*(.*)$"
PAIR = r"([a-z-]+)\s*=\s*([^\s,]+(?:\s*,\s*[^\s,]+)*)"
HINT_LINE = rb"(?m)^[ \t]*#[ \t]*kcconf:[ \t]*(.*?)\r?$"


@record(slots=True)
class Suppression:
    file: str
    line: int
    """The comment's own line."""
    codes: frozenset[str]
    target: int | None
    """The line it covers; 0 for the whole file; None when no line follows."""
    used: set[str] = field(default_factory=set)

    @property
    def unused(self) -> list[str]:
        return sorted(self.codes - self.used)


def pairs(text: str) -> list[tuple[str, str]]:
    """key=value pairs after ``kcconf:`` (values may be comma lists)."""
    return [(key, re.sub(r"\s+", "", value)) for key, value in re.findall(PAIR, text)]


def hints(data: bytes) -> dict[str, str]:
    """component= and release= from ``# kcconf:`` comment lines; the first of each wins."""
    found: dict[str, str] = {}
    at = data.find(MARKER)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        match = re.compile(HINT_LINE).match(data, start, end)
        if match:
            for key, value in pairs(match.group(1).decode("utf-8", errors="replace")):
                if key in ("component", "release"):
                    found.setdefault(key, value)
        at = data.find(MARKER, end)
    return found


def may_suppress(data: bytes) -> bool:
    """Whether a file can hold a suppression comment at all (a cheap byte test)."""
    return MARKER in data and b"disable" in data


def collect(doc: Document) -> list[Suppression]:
    """The suppressions of one document, each bound to the line it covers."""
    result: list[Suppression] = []
    if not may_suppress(doc.data):
        return result  # placement hints only, or no kcconf comment at all
    pending: list[Suppression] = []
    for entry in doc.entries:
        kind = entry.kind
        if kind is Kind.BLANK:
            continue
        if kind is Kind.COMMENT or kind is Kind.IGNORED:
            match = re.match(DIRECTIVE, entry.text) if "kcconf:" in entry.text else None
            if match is not None:
                bare = match.group(1).rstrip()  # a bare disable (-file): every code
                if bare == "disable":
                    item = Suppression(doc.path, entry.line, frozenset({EVERY_CODE}), None)
                    pending.append(item)
                    result.append(item)
                elif bare == "disable-file":  # as yamllint's disable-file
                    result.append(Suppression(doc.path, entry.line, frozenset({EVERY_CODE}),
                                              0))
                for key, value in pairs(match.group(1)):
                    codes = frozenset(normal(c) for c in value.split(",") if c)
                    if key == "disable":
                        item = Suppression(doc.path, entry.line, codes, None)
                        pending.append(item)
                        result.append(item)
                    elif key == "disable-file":
                        result.append(Suppression(doc.path, entry.line, codes, 0))
                continue
            if kind is Kind.COMMENT:
                continue
        if pending and entry.chunk == 0:
            for item in pending:
                item.target = entry.line
            pending = []
    return result


def apply(diagnostics: Iterable[Diagnostic] | Any,
          documents: Document | Iterable[Document] | None = None
          ) -> tuple[list[Diagnostic], list[Suppression]]:
    """Diagnostics that remain, and every suppression found (with what it matched).

    Takes diagnostics with the document(s) they come from, or a validation result
    (anything with ``.diagnostics`` and ``.loaded.documents``) alone.
    """
    if documents is None:
        documents = diagnostics.loaded.documents
        diagnostics = diagnostics.diagnostics
    elif isinstance(documents, Document):
        documents = [documents]
    keep, suppressions = sieve(documents)
    kept = [d for d in diagnostics if keep(d)]
    typos = unknown_codes(suppressions)
    if typos:
        kept = sorted(kept + typos, key=sort_key)
    return kept, suppressions


def sieve(documents: Iterable[Document]
          ) -> tuple[Callable[[Diagnostic], bool], list[Suppression]]:
    """``apply`` one finding at a time, for findings that are never gathered in one list:
    a test that says whether a finding stays (False: a suppression silenced it, which
    records that it was used), and the suppressions of ``documents``. The KC603 findings
    for selectors that name nothing (``unknown_codes``) are the caller's to add."""
    suppressions = [s for doc in documents if MARKER in doc.data for s in collect(doc)]
    if not suppressions:
        return keep_all, []
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for s in suppressions:
        if s.target is not None:
            by_line.setdefault((s.file, s.target), []).append(s)
    nothing: tuple[Suppression, ...] = ()

    def keep(d: Diagnostic) -> bool:
        hit, selector = _covering(by_line.get((d.file, d.line), nothing), d, every=True)
        if hit is None:
            hit, selector = _covering(by_line.get((d.file, 0), nothing), d)
        if hit is None:
            return True
        hit.used.add(selector)
        return False

    return keep, suppressions


def keep_all(d: Diagnostic) -> bool:
    return True


def _covering(candidates: Iterable[Suppression], d: Diagnostic, every: bool = False
              ) -> tuple[Suppression | None, str]:
    """The suppression whose selectors (codes, code names, rule ids; ``every``: also a
    bare ``disable``; a bare ``disable-file`` always) name ``d``, and the selector that
    did."""
    for s in candidates:
        if d.code in s.codes:
            return s, d.code
        if EVERY_CODE in s.codes and (every or s.target == 0):
            return s, EVERY_CODE
        for selector in s.codes:
            if selector != EVERY_CODE and matches(selector, d):
                return s, selector
    return None, ""


def unknown_codes(suppressions: Iterable[Suppression]) -> list[Diagnostic]:
    """KC603 for a selector that names nothing kcconf has (a typo silences nothing),
    always: unlike an unused one, it can never become right. Codes, code prefixes, code
    names and schema rule ids are all real selectors."""
    from .diagnostics import CODES

    found = []
    for s in suppressions:
        odd = sorted(c for c in s.codes - {EVERY_CODE} - set(CODES) if not known(c, rule_ids()))
        for code in odd:
            s.used.add(code)  # reported here, not again as unused
            found.append(make("KC603", s.file, s.line, 1,
                              f"'kcconf: disable' names {code}, which is not a kcconf code",
                              "Correct it ('kcconf explain' lists the codes) or remove it."))
    return found


def unused(suppressions: Iterable[Suppression]) -> list[Diagnostic]:
    """KC603 for each code of a suppression comment that silenced nothing.

    A ``disable-file=KC603`` in a file silences these for that file.
    """
    suppressions = list(suppressions)
    quiet = {s.file for s in suppressions if s.target == 0 and "KC603" in s.codes}
    found = []
    for s in suppressions:
        if s.file in quiet:
            continue
        for code in s.unused:
            if code == "KC603":
                continue
            if code == EVERY_CODE:
                what = ("a bare 'kcconf: disable-file' suppresses nothing in this file"
                        if s.target == 0 else "a bare 'kcconf: disable' suppresses nothing"
                        + (f" on line {s.target}" if s.target else ": no line follows"))
                found.append(make("KC603", s.file, s.line, 1, what, "Remove the comment."))
                continue
            if s.target == 0:
                what = f"'kcconf: disable-file' of {code} suppresses nothing in this file"
            elif s.target is None:
                what = f"'kcconf: disable' of {code} suppresses nothing: no line follows"
            else:
                what = f"'kcconf: disable' of {code} suppresses nothing on line {s.target}"
            found.append(make("KC603", s.file, s.line, 1, what,
                              f"Remove {code} from the comment."))
    return found
