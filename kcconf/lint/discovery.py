"""Finding config files in a tree: names that look like Kopano configs, in a stable
order, each once, ignored paths left out."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from itertools import pairwise

from .result import FileResult
from .settings import ProjectSettings
from .templates import TEMPLATE_SUFFIXES

SKIP_DIRS = frozenset({"venv", "node_modules", "__pycache__"})
"""Besides every directory whose name starts with a dot (.git, .venv, .tox ...)."""


def is_candidate(name: str) -> bool:
    """A Kopano config by its name: *.cfg, or a template of one (*.cfg.j2 ...)."""
    base = name.lower()
    for suffix in TEMPLATE_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.endswith(".cfg")


def discover(paths: Iterable[str], settings: ProjectSettings) -> Iterator[str | FileResult]:
    """Files to check in a stable order (sorted, depth first), or errors in their place.

    Files named explicitly are taken whatever their name; directories and globs yield
    only config files. Ignored paths are left out either way.
    """
    expanded: list[tuple[str, bool, str | None]] = []  # (path, named explicitly, error)
    for given in paths:
        if glob.has_magic(given):
            found = sorted(glob.glob(given, recursive=True))
            if not found:
                expanded.append((given, False, f"{given}: no file matches"))
            expanded.extend((p, False, None) for p in found)
        else:
            expanded.append((given, True, None))
    seen: set[str] | None = set() if _overlapping([p for p, _, e in expanded if not e]) \
        else None
    for path, explicit, error in expanded:
        if error is not None:
            yield FileResult(path, None, None, [], error)
            continue
        path = os.path.normpath(path)
        if os.path.isdir(path):
            for item in _walk(path, settings):
                if seen is None or isinstance(item, FileResult):
                    yield item
                elif item not in seen:
                    seen.add(item)
                    yield item
        elif (not explicit and not is_candidate(os.path.basename(path))) or \
                settings.ignored(settings.relative(path)):
            continue
        elif seen is None or path not in seen:
            if seen is not None:
                seen.add(path)
            yield path


def _overlapping(paths: list[str]) -> bool:
    """Whether one path is another or lies inside it: only then is a seen-set needed,
    which would otherwise grow with the tree."""
    full = sorted(os.path.abspath(p) for p in paths)
    return any(b == a or b.startswith(a.rstrip(os.sep) + os.sep) for a, b in pairwise(full))


def _walk(top: str, settings: ProjectSettings) -> Iterator[str | FileResult]:
    """Depth first, sorted, like os.walk but cheaper; symlinked folders are not followed."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as err:
            yield FileResult(folder, None, None, [],
                             f"{folder}: cannot read folder: {err.strerror or err}")
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name[0] != "." and name not in SKIP_DIRS:
                        subfolders.append(entry.path)
                    continue
                if not is_candidate(name) or not entry.is_file():
                    continue  # not a config, or a pipe, socket or dangling link
            except OSError:
                continue
            path = os.path.normpath(entry.path)
            if settings.ignore and settings.ignored(settings.relative(path)):
                continue
            yield path
        for sub in reversed(subfolders):
            if not (settings.ignore and settings.ignored(settings.relative(sub))):
                stack.append(sub)
