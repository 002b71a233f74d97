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
    """``difflib.get_close_matches(word, names, n=1, cutoff)``, computed with less work.

    Two upper bounds of difflib's ratio prune the names: one from the lengths alone
    (difflib's real_quick_ratio), one from the characters in common (quick_ratio, from
    cached counts). Lengths are taken in order of falling length bound, and a name's
    ratio() is computed only while its bounds can still reach the best score found, so
    once a close name is found, names of quite different lengths are not looked at.
    Ties go to the greater name, as in difflib."""
    n = len(word)
    have: dict[str, int] = {}
    for ch in word:
        have[ch] = have.get(ch, 0) + 1
    lengths = sorted(((2.0 * min(n, length) / (n + length or 1), length)
                      for length in by_length), reverse=True)
    matcher = None
    best_score, best_name = -1.0, None
    for length_bound, length in lengths:
        if length_bound < cutoff or length_bound < best_score:
            break  # no name of this length, nor of any later one, can do better
        total = n + length
        for name in by_length[length]:
            shared = 0  # characters in common, counted with multiplicity
            for ch, count in _char_counts(name):
                if ch in have:
                    other = have[ch]
                    shared += count if count < other else other
            bound = 2.0 * shared / total
            if bound < cutoff or bound < best_score:
                continue
            if matcher is None:
                import difflib  # here, not at the top: it costs start-up time

                matcher = difflib.SequenceMatcher()
                matcher.set_seq2(word)
            matcher.set_seq1(name)
            score = matcher.ratio()
            if score >= cutoff and (score, name) > (best_score, best_name or ""):
                best_score, best_name = score, name
    return best_name
