"""Which diagnostics a selector names: one answer for suppressions, settings and flags.

A selector is a code (``KC209``), a code prefix (``KC2`` for all option-name codes,
``KC`` for all), a code's name (``duplicate-option``) or the id of a schema rule
(``log-file-needed``, reported under KC401). ``# kcconf: disable=...``, the settings'
``disable`` and ``severity`` tables and lint's ``--select``/``--ignore`` all ask
``matches``, so a rule id works wherever a code does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .diagnostics import CODES, Diagnostic

_CODE_PREFIX = re.compile(r"^KC\d{0,3}$")


def normal(selector: str) -> str:
    """The selector as it is compared: codes in upper case, names and rule ids in lower."""
    text = selector.strip()
    upper = text.upper()
    return upper if _CODE_PREFIX.match(upper) else text.lower()


def matches(selector: str, diagnostic: Diagnostic) -> bool:
    """Whether ``selector`` names ``diagnostic`` (its code, a prefix of it, its code's
    name or its rule's id)."""
    key = normal(selector)
    if key.startswith("KC") and _CODE_PREFIX.match(key):
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
    if _CODE_PREFIX.match(key):
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


def known(selector: str, rule_ids: Iterable[str] = ()) -> bool:
    """Whether a selector can name anything: a code or prefix, a code name or a rule id."""
    key = normal(selector)
    if _CODE_PREFIX.match(key):
        return any(code.startswith(key) for code in CODES)
    return key in {c.name for c in CODES.values()} or key in {r.lower() for r in rule_ids}
