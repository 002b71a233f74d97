"""Did-you-mean: the known name closest to a misspelt one.

At the bottom of the layers: the name checks suggest with it, and the redaction of
secrets (``redact``) uses it to tell that ``mysql_pasword`` means a password.
"""

from __future__ import annotations

import functools

SUGGEST_CUTOFF = 0.75


@functools.lru_cache(maxsize=8192)
def _char_counts(name: str) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for ch in name:
        counts[ch] = counts.get(ch, 0) + 1
    return tuple(counts.items())


def closest(word: str, by_length: dict[int, tuple[str, ...]],
            cutoff: float = SUGGEST_CUTOFF) -> str | None:
    """``difflib.get_close_matches(word, names, n=1, cutoff)``, computed with less work:
    only names of a length that can reach the cutoff are looked at, each gets difflib's
    quick_ratio (an upper bound of its ratio) from cached character counts, and ratio()
    runs in order of falling bound until no bound can beat the best score found."""
    n = len(word)
    have: dict[str, int] = {}
    for ch in word:
        have[ch] = have.get(ch, 0) + 1
    candidates: list[tuple[float, str]] = []
    for length, names in by_length.items():
        if 2.0 * min(n, length) / (n + length or 1) < cutoff:
            continue
        total = n + length
        for name in names:
            shared = 0  # characters in common, counted with multiplicity
            for ch, count in _char_counts(name):
                if ch in have:
                    other = have[ch]
                    shared += count if count < other else other
            bound = 2.0 * shared / total
            if bound >= cutoff:
                candidates.append((bound, name))
    candidates.sort(reverse=True)
    if not candidates:
        return None
    import difflib  # here, not at the top: it costs start-up time and is rarely needed

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for bound, name in candidates:
        if best is not None and bound < best[0]:
            break  # ratio() <= bound: no later name can reach the best score
        matcher.set_seq1(name)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, name) > best):
            best = (score, name)
    return best[1] if best is not None else None
