"""Many files: few are checked in this process, many on all cores, with results in
discovery order and a bounded number of files in flight."""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from .check import FixMode, safe_lint_file
from .discovery import discover
from .result import FileResult
from .settings import ProjectSettings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import Future

IN_PROCESS_BELOW = 20
"""Fewer files than this are checked here: a process pool costs more than it saves."""

_WORKER: tuple[ProjectSettings, str | None, bool, FixMode | None] | None = None


def _init_worker(settings: ProjectSettings, release: str | None, unused: bool,
                 fix: FixMode | None = None) -> None:
    """Once per worker (which has kcconf imported already, by fork or by unpickling)."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    # What the worker inherited (modules, schemas) lives as long as it does: keep the
    # cycle collector from walking it again and again.
    gc.freeze()
    _WORKER = (settings, release, unused, fix)


def _check_batch(paths: list[str]) -> list[FileResult]:
    assert _WORKER is not None
    settings, release, unused, fix = _WORKER
    return [safe_lint_file(path, settings, release, unused, fix) for path in paths]


JOBS_PER_CPU = 4
"""More workers than this per CPU only cost memory and start-up: -j is capped there."""


def max_jobs() -> int:
    return JOBS_PER_CPU * (os.cpu_count() or 1)


def lint(paths: Iterable[str], settings: ProjectSettings, release: str | None = None,
         jobs: int = 0, unused: bool = False, fix: FixMode | None = None
         ) -> Iterator[FileResult]:
    """Results in discovery order. Few files run here; many run on all cores."""
    items = discover(paths, settings)
    head = list(islice(items, IN_PROCESS_BELOW))
    workers = min(jobs, max_jobs()) if jobs > 0 else (os.cpu_count() or 1)
    if len(head) < IN_PROCESS_BELOW or workers == 1:
        for item in chain(head, items):
            yield item if isinstance(item, FileResult) else \
                safe_lint_file(item, settings, release, unused, fix)
        return
    yield from _parallel(chain(head, items), settings, release, unused, workers, fix)


def _parallel(items: Iterator[str | FileResult], settings: ProjectSettings, release: str | None,
              unused: bool, workers: int, fix: FixMode | None = None
              ) -> Iterator[FileResult]:
    # Imported here: it costs more start-up time than checking a few files (pre-commit).
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    window = workers * 4  # batches in flight: bounds memory and the reorder buffer
    pending: deque[tuple[list[str], Future | list[FileResult]]] = deque()
    pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(settings, release, unused, fix))
    submitted = 0

    def submit(batch: list[str]) -> None:
        nonlocal pool, submitted
        if pool is not None:
            try:
                pending.append((batch, pool.submit(_check_batch, batch)))
                submitted += 1
                return
            except (BrokenProcessPool, RuntimeError):
                pool = None
        pending.append((batch, [safe_lint_file(p, settings, release, unused, fix)
                                for p in batch]))

    def take() -> list[FileResult]:
        nonlocal pool
        batch, work = pending.popleft()
        if isinstance(work, list):
            return work
        try:
            return work.result()
        except BrokenProcessPool:
            pool = None  # a worker died (killed, out of memory): go on without the pool
            return [safe_lint_file(p, settings, release, unused, fix) for p in batch]

    def ready() -> bool:
        work = pending[0][1]
        return isinstance(work, list) or work.done()

    try:
        batch: list[str] = []
        for item in items:
            if isinstance(item, FileResult):
                if batch:
                    submit(batch)
                    batch = []
                pending.append(([], [item]))
            else:
                batch.append(item)
                # Small batches first, so every worker starts at once; larger ones later
                # to spend less on messages.
                if len(batch) >= (4 if submitted < window else 32):
                    submit(batch)
                    batch = []
            while pending and (len(pending) > window or ready()):
                yield from take()
        if batch:
            submit(batch)
        while pending:
            yield from take()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
