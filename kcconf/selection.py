"""Which diagnostics a selector names: one answer for suppressions, settings and flags.

A selector is a code (``KC209``), a code prefix (``KC2`` for all option-name codes,
``KC`` for all), a code's name (``duplicate-option``) or the id of a schema rule
(``log-file-needed``, reported under KC401). ``# kcconf: disable=...``, the settings'
``disable`` and ``severity`` tables ask ``matches``, so a rule id works wherever a code
does. lint's ``--select``, ``--extend-select`` and ``--ignore`` (as ruff has them) take the
same selectors, comma-separated, through ``expand`` and ``Selection``; an unknown one is
a usage error, since a typo would otherwise select nothing in silence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .diagnostics import CODES, Diagnostic

CODE_PREFIX = r"^KC\d{0,3}$"
"""A code or code prefix (text: re compiles it on first use, as most runs select
nothing)."""


def normal(selector: str) -> str:
    """The selector as it is compared: codes in upper case, names and rule ids in lower."""
    text = selector.strip()
    upper = text.upper()
    return upper if re.match(CODE_PREFIX, upper) else text.lower()


def matches(selector: str, diagnostic: Diagnostic) -> bool:
    """Whether ``selector`` names ``diagnostic`` (its code, a prefix of it, its code's
    name or its rule's id)."""
    key = normal(selector)
    if key.startswith("KC") and re.match(CODE_PREFIX, key):
        return diagnostic.code.startswith(key)
    if diagnostic.rule is not None and key == diagnostic.rule.lower():
        return True
    code = CODES.get(diagnostic.code)
    return code is not None and key == code.name


def first_match(selectors: Iterable[str], diagnostic: Diagnostic) -> str | None:
    """The first selector that names the diagnostic, or None."""
    return next((s for s in selectors if matches(s, diagnostic)), None)


def specificity(selector: str) -> int:
    """How narrowly a selector names findings: a rule id or full code beats a prefix,
    so that ``severity`` settings of ``KC4 = "warning"`` and ``log-file-needed =
    "info"`` give the rule its own severity."""
    key = normal(selector)
    if re.match(CODE_PREFIX, key):
        return len(key)
    return 10


def lookup(table: dict[str, str], diagnostic: Diagnostic) -> str | None:
    """The value of the most specific selector of ``table`` that names the diagnostic."""
    best: tuple[int, str] | None = None
    for selector, value in table.items():
        if matches(selector, diagnostic):
            rank = specificity(selector)
            if best is None or rank > best[0]:
                best = (rank, value)
    return best[1] if best else None


def known(selector: str, rule_ids: Iterable[str] = (), prefixes: bool = True) -> bool:
    """Whether a selector can name anything: a code (or, with ``prefixes``, a code
    prefix), a code name or a rule id."""
    key = normal(selector)
    if re.match(CODE_PREFIX, key):
        return key in CODES or (prefixes and any(code.startswith(key) for code in CODES))
    return key in {c.name for c in CODES.values()} or key in {r.lower() for r in rule_ids}


@functools.lru_cache(maxsize=1)
def rule_ids() -> frozenset[str]:
    """The ids of every schema's cross-option rules (loaded on first use)."""
    from . import schema

    return frozenset(r["id"] for name in schema.component_names()
                     for r in schema.load(name).document.get("x-kc-rules", []))


class SelectionError(ValueError):
    """A selector that names no code."""


def expand(selectors: Iterable[str], option: str) -> frozenset[str]:
    """The selectors of a flag, one per comma-separated word, each checked: a code, a code
    prefix, a code's name or a rule id (the words are kept and asked through ``matches``)."""
    found: set[str] = set()
    for group in selectors:
        for raw in group.split(","):
            word = raw.strip()
            if not word:
                continue
            if not known(word, rule_ids()):
                raise SelectionError(f"{option}: {word!r} is no kcconf code, code prefix,"
                                     " name or rule id; 'kcconf explain' lists them")
            found.add(normal(word))
    return frozenset(found)


class Selection:
    """What ``--select``, ``--extend-select`` and ``--ignore`` leave to report (as ruff):
    selected and not ignored, a rule id or full code winning over a prefix."""

    __slots__ = ("chosen", "ignored")

    def __init__(self, chosen: frozenset[str], ignored: frozenset[str]) -> None:
        self.chosen = chosen
        self.ignored = ignored

    def __contains__(self, diagnostic: Diagnostic) -> bool:
        picked = max((specificity(s) for s in self.chosen if matches(s, diagnostic)),
                     default=None)
        if picked is None:
            return False
        dropped = max((specificity(s) for s in self.ignored if matches(s, diagnostic)),
                      default=None)
        return dropped is None or picked > dropped

    def codes(self) -> frozenset[str]:
        """Every code some reported finding may have (fix mode filters fixes by code)."""
        return frozenset(code for code in CODES if any(
            _names_code(s, code) for s in self.chosen))


def _names_code(selector: str, code: str) -> bool:
    key = normal(selector)
    if re.match(CODE_PREFIX, key):
        return code.startswith(key)
    entry = CODES[code]
    return key == entry.name or code == "KC401"  # a rule id names findings of KC401


def selected_codes(select: list[str] | None, extend: list[str] | None,
                   ignore: list[str] | None) -> Selection | None:
    """What to report, or None for everything."""
    if select is None and extend is None and ignore is None:
        return None
    chosen = expand(select, "--select") if select is not None else frozenset({"KC"})
    chosen |= expand(extend or (), "--extend-select")
    return Selection(chosen, expand(ignore or (), "--ignore"))
