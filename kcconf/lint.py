"""kcconf lint: find config files in a tree, place each one, check them in parallel.

A file's component and release come, in this order, from a ``# kcconf: component=...
release=...`` line in the file, from the project settings (``.kcconf.toml`` or
``[tool.kcconf]`` in ``pyproject.toml``), and from the file name. Files that cannot be
placed are reported (KC602), never guessed. Results stream in the order files were
found; only the results that arrive early are held back.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import tomllib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from . import schema
from .diagnostics import SEVERITY_RANK, Diagnostic, make

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".erb", ".tmpl")
SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}
IN_PROCESS_BELOW = 20


class SettingsError(Exception):
    """The project settings file is unusable: one line, exit status 2."""


@dataclass(slots=True)
class Settings:
    files: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(path pattern, component, release) in order; the first match wins."""
    ignore: list[str] = field(default_factory=list)
    disable: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    release: str | None = None
    source: str | None = None


def load_settings(path: str | None = None, start: str = ".") -> Settings:
    """``--config FILE``, else ``.kcconf.toml``, else ``pyproject.toml [tool.kcconf]``."""
    candidates = [path] if path else [os.path.join(start, ".kcconf.toml"),
                                      os.path.join(start, "pyproject.toml")]
    for candidate in candidates:
        if not os.path.isfile(candidate):
            if path:
                raise SettingsError(f"{candidate}: no such settings file")
            continue
        try:
            with open(candidate, "rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise SettingsError(f"{candidate}: cannot read settings: {err}") from None
        if os.path.basename(candidate) == "pyproject.toml":
            data = data.get("tool", {}).get("kcconf")
            if data is None:
                continue
        else:
            data = data.get("kcconf", data)
        return _parse_settings(data, candidate)
    return Settings()


def _parse_settings(data: dict, source: str) -> Settings:
    settings = Settings(source=source)
    try:
        for item in data.get("files", []):
            component = item.get("component")
            if component is not None and component not in schema.component_names():
                raise SettingsError(f"{source}: unknown component {component!r}")
            release = item.get("release")
            if release is not None:
                schema.resolve_release(str(release))
            settings.files.append((item["path"], component, str(release) if release else None))
        settings.ignore = list(data.get("ignore", []))
        settings.disable = {c.upper() for c in data.get("disable", [])}
        settings.severity = {k.upper(): v for k, v in data.get("severity", {}).items()}
        if any(v not in SEVERITY_RANK for v in settings.severity.values()):
            raise SettingsError(f"{source}: severity must be error, warning or info")
        settings.release = str(data["release"]) if "release" in data else None
        if settings.release:
            schema.resolve_release(settings.release)
    except (KeyError, TypeError, AttributeError) as err:
        raise SettingsError(f"{source}: malformed settings ({err})") from None
    except schema.ReleaseError as err:
        raise SettingsError(f"{source}: {err}") from None
    return settings


def _matches(path: str, pattern: str) -> bool:
    norm = path[2:] if path.startswith("./") else path
    return fnmatch.fnmatch(norm, pattern) or fnmatch.fnmatch(os.path.basename(norm), pattern)


def is_candidate(name: str) -> bool:
    base = name.lower()
    for suffix in TEMPLATE_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base.endswith(".cfg")


def discover(paths: Iterable[str], settings: Settings) -> Iterator[str]:
    """Files to check, in a stable order; explicit files are taken as given."""
    seen: set[str] = set()
    for given in paths:
        expanded = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        for path in expanded:
            if os.path.isdir(path):
                for root, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and
                                     not d.startswith("."))
                    for name in sorted(files):
                        full = os.path.normpath(os.path.join(root, name))
                        if is_candidate(name) and not _ignored(full, settings) and \
                                full not in seen:
                            seen.add(full)
                            yield full
            elif path not in seen and not _ignored(path, settings):
                seen.add(path)
                yield path


def _ignored(path: str, settings: Settings) -> bool:
    return any(_matches(path, pattern) for pattern in settings.ignore)


@dataclass(slots=True)
class FileResult:
    path: str
    component: str | None
    release: str | None
    diagnostics: list[Diagnostic]
    error: str | None = None
    """An input error (unreadable file...): reported on stderr, exit status 2."""


def place(path: str, data: bytes, settings: Settings) -> tuple[str | None, str | None]:
    from .suppress import hints

    found = hints(data)
    component = found.get("component")
    release = found.get("release")
    for pattern, mapped_component, mapped_release in settings.files:
        if _matches(path, pattern):
            component = component or mapped_component
            release = release or mapped_release
            break
    component = component or schema.component_for_filename(path)
    return component, release or settings.release


def lint_file(path: str, settings: Settings, release: str | None, unused: bool) -> FileResult:
    from .loader import InputError, read_bytes
    from .validate import run

    try:
        data = read_bytes(path)
    except InputError as err:
        return FileResult(path, None, None, [], str(err))
    component, file_release = place(path, data, settings)
    if component is None or component not in schema.component_names():
        why = f"unknown component {component!r}" if component else \
            "cannot tell which Kopano component this file configures"
        return FileResult(path, None, None, [make(
            "KC602", path, 1, 1, f"{why}; not checked",
            "Add '# kcconf: component=NAME' to the file, or map it in .kcconf.toml.")])
    chosen = release or file_release
    try:
        result = run(path, component, chosen, data=data, environ={})
    except schema.ReleaseError as err:
        return FileResult(path, component, None, [], f"{path}: {err}")
    except InputError as err:
        return FileResult(path, component, None, [], str(err))
    found = [_adjust(d, settings) for d in result.diagnostics if d.code not in settings.disable]
    if unused:
        for s in result.suppressions:
            for code in sorted(s.codes - s.used):
                found.append(make("KC603", s.file, s.line, 1,
                                  f"'kcconf: disable' of {code} suppresses nothing here",
                                  "Remove the code from the comment."))
    return FileResult(path, component, result.series, found)


def _adjust(d: Diagnostic, settings: Settings) -> Diagnostic:
    wanted = settings.severity.get(d.code)
    if wanted is None or wanted == d.severity:
        return d
    return make(d.code, d.file, d.line, d.col, d.message, d.hint, severity=wanted,
                option=d.option, end_col=d.end_col)


def _worker(job: tuple[list[str], Settings, str | None, bool]) -> list[FileResult]:
    paths, settings, release, unused = job
    return [lint_file(path, settings, release, unused) for path in paths]


def _batches(paths: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for path in paths:
        batch.append(path)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def lint(paths: Iterable[str], settings: Settings, release: str | None = None,
         jobs: int = 0, unused: bool = False) -> Iterator[FileResult]:
    """Results in discovery order. Few files run here; many run on all cores."""
    files = discover(paths, settings)
    head = list(islice(files, IN_PROCESS_BELOW))
    if len(head) < IN_PROCESS_BELOW:
        for path in head:
            yield lint_file(path, settings, release, unused)
        return
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    window = workers * 4  # batches in flight: memory stays bounded
    pending = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch in _batches(_chain(head, files), 32):
            pending.append(pool.submit(_worker, (batch, settings, release, unused)))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest
