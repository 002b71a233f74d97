"""Which codes a run reports: ``--select``, ``--extend-select`` and ``--ignore`` as ruff
has them. Each takes codes (KC303), code prefixes (KC3, KC30) and code names
(inline-comment), comma-separated; an unknown one is a usage error, since a typo would
otherwise select nothing in silence.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import CODES


class SelectionError(ValueError):
    """A selector that names no code."""


def expand(selectors: Iterable[str], option: str) -> frozenset[str]:
    """The codes the selectors name."""
    by_name = {c.name: c.code for c in CODES.values()}
    found: set[str] = set()
    for group in selectors:
        for raw in group.split(","):
            word = raw.strip()
            if not word:
                continue
            if word.lower() in by_name:
                found.add(by_name[word.lower()])
                continue
            matched = {code for code in CODES if code.startswith(word.upper())}
            if not matched or not word.upper().startswith("KC"):
                raise SelectionError(f"{option}: {word!r} is no kcconf code, code prefix or"
                                     " name; 'kcconf explain' lists them")
            found |= matched
    return frozenset(found)


def selected_codes(select: list[str] | None, extend: list[str] | None,
                   ignore: list[str] | None) -> frozenset[str] | None:
    """The codes to report, or None for all of them."""
    if select is None and extend is None and ignore is None:
        return None
    chosen = expand(select, "--select") if select is not None else frozenset(CODES)
    chosen |= expand(extend or (), "--extend-select")
    return chosen - expand(ignore or (), "--ignore")
