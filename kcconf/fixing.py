"""Apply the fixes diagnostics carry to one file, round after round, until none is left.

Each round takes one fix per diagnostic (``fixes.choose``), leaves out those that
overlap a fix taken before (the next round takes them up), applies them and checks the
file again. A round is undone when the file then reads as unreadable or has more
findings than before; a round of safe fixes is undone unless the effective settings
read the same before and after (``diff.compare``), which is what "safe" promises. With
unsafe fixes allowed, safe ones ride in the same rounds: the reading is meant to change
then, so only "no more findings" is checked. The
rounds are capped, so fixing always ends; a second run finds nothing more to fix.
"""

from __future__ import annotations

from collections.abc import Callable

from . import fixes
from .diagnostics import Diagnostic
from .effective import Effective
from .records import field, record

MAX_ROUNDS = 10

@record(frozen=True, slots=True)
class FixMode:
    """What ``--fix`` does: which fixes it takes, and whether it only shows them."""

    unsafe: bool = False
    diff: bool = False
    codes: frozenset[str] | None = None
    """Only fixes of these codes (those --select/--ignore leave reported); None: all."""

    def only(self, codes: frozenset[str]) -> FixMode:
        return FixMode(self.unsafe, self.diff, codes)


Checker = Callable[[bytes], "tuple[list[Diagnostic], Effective | None]"]
"""Checks the bytes of the file: its diagnostics and effective settings; raises
ValueError (or loader.InputError) when the bytes cannot be read as a config."""


@record(slots=True)
class Outcome:
    data: bytes
    diagnostics: list[Diagnostic]
    """What remains after the fixes."""
    fixed: int = 0
    applied: list[tuple[str, str]] = field(default_factory=list)
    """(code, title) of every fix applied, in order."""

    @property
    def remaining_fixable(self) -> int:
        return sum(1 for d in self.diagnostics if d.fixes)


def _score(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    return (sum(1 for d in diagnostics if d.severity == "error"), len(diagnostics))


def _worse(after: list[Diagnostic], before: list[Diagnostic]) -> bool:
    (errors_after, all_after), (errors_before, all_before) = _score(after), _score(before)
    return errors_after > errors_before or all_after > all_before


def same_reading(old: Effective | None, new: Effective | None) -> bool:
    """Whether the service reads both versions of the file as the same settings."""
    if old is None or new is None:
        return old is new
    from .diff import compare

    return not compare(old, new).real_changes


def _fingerprint(d: Diagnostic, fix: fixes.Fix) -> tuple[object, ...]:
    return (d.code, d.option, fix.title, fix.edits)


def fix_loop(path: str, data: bytes, check: Checker, unsafe: bool = False,
             first: tuple[list[Diagnostic], Effective | None] | None = None,
             max_rounds: int = MAX_ROUNDS, codes: frozenset[str] | None = None) -> Outcome:
    """Fix ``data`` (the bytes of ``path``) as far as the fixes go; ``first`` is the check
    of ``data`` when it is known already."""
    diagnostics, state = first if first is not None else check(data)
    outcome = Outcome(data, diagnostics)
    refused: set[tuple[object, ...]] = set()
    for _ in range(max_rounds):
        picked = _pick(outcome.diagnostics, path, unsafe, refused, codes)
        if not picked:
            break
        safe_round = all(f.applicability == "safe" for _, f in picked)
        step = _attempt(outcome, state, picked, check, safe_round)
        if step is None and safe_round and len(picked) > 1:
            step = _one_by_one(outcome, state, picked, check, refused)
        elif step is None:
            refused.update(_fingerprint(d, f) for d, f in picked)
            continue
        if step is None:
            continue
        state = step
    return outcome


def _pick(diagnostics: list[Diagnostic], path: str, unsafe: bool,
          refused: set[tuple[object, ...]], codes: frozenset[str] | None = None
          ) -> list[tuple[Diagnostic, fixes.Fix]]:
    """This round's fixes: without ``unsafe``, the safe ones; with it, safe and unsafe
    together (safe ones first where they overlap), one round fewer for each file."""
    chosen = []
    for d in diagnostics:
        if d.file != path or not d.fixes or (codes is not None and d.code not in codes):
            continue
        fix = fixes.choose(d.fixes, unsafe)
        if fix is not None and _fingerprint(d, fix) not in refused:
            chosen.append((d, fix))
    chosen.sort(key=lambda pair: pair[1].applicability != "safe")
    kept: list[tuple[Diagnostic, fixes.Fix]] = []
    for d, f in chosen:
        if not fixes.overlaps(f, (g for _, g in kept)):
            kept.append((d, f))
    return kept


def _attempt(outcome: Outcome, state: Effective | None,
             picked: list[tuple[Diagnostic, fixes.Fix]], check: Checker, safe: bool
             ) -> Effective | None:
    """Apply ``picked`` to the outcome when the result is no worse (and, for safe fixes,
    reads the same); the new effective settings, or None when the round is undone."""
    try:
        new = fixes.apply_fixes(outcome.data, [f for _, f in picked])
        diagnostics, new_state = check(new)
    except (ValueError, OSError):
        return None
    if _worse(diagnostics, outcome.diagnostics):
        return None
    if safe and not same_reading(state, new_state):
        return None
    outcome.data = new
    outcome.diagnostics = diagnostics
    outcome.fixed += len(picked)
    outcome.applied.extend((d.code, f.title) for d, f in picked)
    return new_state if new_state is not None else state


def _one_by_one(outcome: Outcome, state: Effective | None,
                picked: list[tuple[Diagnostic, fixes.Fix]], check: Checker,
                refused: set[tuple[object, ...]]) -> Effective | None:
    """A safe round that changed the reading: find the fix that did by trying the first
    alone; it is kept if it passes, refused if not (the others come back next round)."""
    d, fix = picked[0]
    step = _attempt(outcome, state, [(d, fix)], check, True)
    if step is None:
        refused.add(_fingerprint(d, fix))
    return step
