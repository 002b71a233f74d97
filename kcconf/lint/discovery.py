"""Finding config files in a tree: names that look like Kopano configs, in a stable
order, each once, ignored paths left out."""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Iterator
from itertools import pairwise

from ..fragments import has_fragments
from ..placement import NOT_CONFIG_DIRS, looks_like_config
from .check import Listed, list_file
from .result import FileResult
from .settings import ProjectSettings

SKIP_DIRS = frozenset({"venv", "node_modules", "__pycache__"})
"""Besides every directory whose name starts with a dot (.git, .venv, .tox ...)."""


def is_candidate(name: str) -> bool:
    """A Kopano config by its name: *.cfg, or a template or copy of one (placement)."""
    return looks_like_config(name)


def discover(paths: Iterable[str], settings: ProjectSettings) -> Iterator[str | FileResult]:
    """Files to check in a stable order (sorted, depth first), or errors in their place.

    Files named explicitly are taken whatever their name; directories and globs yield
    only config files. Ignored paths are left out either way.
    """
    expanded: list[tuple[str, bool, str | None]] = []  # (path, named explicitly, error)
    for given in paths:
        if glob.has_magic(given):
            found = expand_glob(given)
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
        if os.path.isdir(path) and looks_like_config(os.path.basename(path)) and \
                has_fragments(path):
            if seen is None or path not in seen:
                if seen is not None:
                    seen.add(path)
                yield path  # a fragment directory named explicitly or by a glob
        elif os.path.isdir(path):
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


def expand_glob(pattern: str) -> list[str]:
    """The paths ``pattern`` matches, sorted, each once, like ``glob.glob(pattern,
    recursive=True)`` but without following symbolic links to folders for ``**``: a link
    to a parent folder would loop (ever longer paths to the same files, until memory
    runs out). A magic part other than ``**`` matches names in one folder, links too;
    names starting with a dot match only a pattern part that does."""
    parts = pattern.split(os.sep)
    start = os.sep if pattern.startswith(os.sep) else ""
    if start:
        parts = parts[1:]
    found: set[str] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        base, index = stack.pop()
        if index == len(parts):
            if base and os.path.lexists(base):
                found.add(base)
            continue
        part = parts[index]
        last = index + 1 == len(parts)
        if part == "**":
            stack.append((base, index + 1))  # no folder at all
            for entry in _entries(base):
                if entry.name[0] == ".":
                    continue
                if _real_folder(entry):
                    stack.append((entry.path, index))  # one more folder
                elif last:
                    found.add(entry.path)  # a trailing ** matches files too
            continue
        if not glob.has_magic(part):
            path = os.path.join(base, part)
            if last or os.path.isdir(path):
                stack.append((path, index + 1))
            continue
        for entry in _entries(base):
            if (entry.name[0] != "." or part[0] == ".") and \
                    fnmatch.fnmatchcase(entry.name, part) and (last or entry.is_dir()):
                stack.append((entry.path, index + 1))
    return sorted(found)


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder or ".") as scan:
            entries = list(scan)
    except OSError:
        return []
    if not folder:  # scandir(".") names entries ./x; glob names them x
        return [_Named(e.name, e) for e in entries]  # type: ignore[misc]
    return entries


class _Named:
    """A directory entry of the working directory, named without './' as glob does."""

    __slots__ = ("_entry", "name", "path")

    def __init__(self, name: str, entry: os.DirEntry[str]) -> None:
        self.name, self.path, self._entry = name, name, entry

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_dir(follow_symlinks=follow_symlinks)


def _real_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


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
                    if name[0] == "." or name in SKIP_DIRS or name in NOT_CONFIG_DIRS:
                        continue
                    if looks_like_config(name) and has_fragments(entry.path):
                        # An e-smith fragment directory: its fragments make one file.
                        path = os.path.normpath(entry.path)
                        if not (settings.ignore and settings.ignored(settings.relative(path))):
                            yield path
                        continue
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


def list_files(paths: Iterable[str], settings: ProjectSettings,
               release: str | None = None) -> Iterator[Listed]:
    """What lint would check, as which component and release, and why."""
    for item in discover(paths, settings):
        if isinstance(item, FileResult):
            yield Listed(item.path, None, None, "", item.error)
        else:
            yield list_file(item, settings, release)
