"""kcconf lint: find config files in a tree, place each one, check them in parallel.

A file's component and release come, in this order, from a ``# kcconf: component=...
release=...`` comment line in the file, from the project settings (``.kcconf.toml`` or
``[tool.kcconf]`` in ``pyproject.toml``), and from the file name; ``--release`` and the
settings' ``release`` are the defaults. Files that cannot be placed are reported
(KC602, a note), never guessed. Results come in the order files were found; only
results that arrive early are held back, and only a bounded number of files is in
flight, so memory does not grow with the size of the tree.
"""

from __future__ import annotations

import fnmatch
import functools
import gc
import glob
import os
import re
import signal
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice, pairwise
from typing import Any

from . import schema
from .diagnostics import SEVERITY_RANK, Diagnostic, make, sort_key
from .loader import InputError, read_bytes
from .suppress import hints
from .suppress import unused as unused_suppressions
from .validate import run as validate_run

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".erb", ".tmpl")
SKIP_DIRS = frozenset({"venv", "node_modules", "__pycache__"})
"""Besides every directory whose name starts with a dot (.git, .venv, .tox ...)."""
IN_PROCESS_BELOW = 20
"""Fewer files than this are checked here: a process pool costs more than it saves."""
HOST_DEPENDENT = frozenset({"KC313"})
"""Codes that depend on the machine the service runs on, which a repository check
cannot know ($VARIABLE values come from the service's environment)."""
SETTINGS_KEYS = frozenset({"release", "ignore", "disable", "severity", "files"})
FILE_KEYS = frozenset({"path", "component", "release"})

_TAG = rb"(?:\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\}|\{\{(?:(?!\}\}).)*\}\}|<%(?:(?!%>).)*%>)"
TEMPLATE_LINE = re.compile(rb"^[ \t]*" + _TAG + rb"(?:[ \t]*" + _TAG + rb")*[ \t]*(?=\r?$)",
                           re.MULTILINE)
"""A line that is nothing but template tags: control ({% if %}, <% end %}), comments
({# #}) or a whole-line expression. What it renders to is unknown, so it is masked."""
TEMPLATE_MARKERS = (b"{%", b"{{", b"{#", b"<%")
CONTROL_TAG = re.compile(rb"\{%|<%(?![=#])")
TEMPLATE_BRANCH_CODES = frozenset({"KC209"})
"""Not reported in templates with control flow: an option set in both branches of an
``{% if %}`` is set once in the rendered file."""


class SettingsError(Exception):
    """The project settings file is unusable: one line, exit status 2."""


@dataclass(frozen=True, slots=True)
class PathPattern:
    """gitignore-like: a pattern without '/' matches any path component (so a folder
    name covers everything in it); one with '/' matches the path from the root, or a
    folder that leads to it. ``*`` crosses '/' there; matching is case-sensitive."""

    text: str
    regex: re.Pattern[str] | None

    @classmethod
    def parse(cls, pattern: str) -> PathPattern:
        text = pattern.strip().removeprefix("./").strip("/")
        if "/" not in text:
            return cls(text, None)
        body = re.sub(r"\\[Zz]$", "", fnmatch.translate(text))
        return cls(text, re.compile(body + r"(?:/.*)?\Z", re.DOTALL))

    def matches(self, rel: str) -> bool:
        if not self.text:
            return False
        if self.regex is None:
            return any(fnmatch.fnmatchcase(part, self.text) for part in rel.split("/"))
        return self.regex.match(rel) is not None


def matches(rel: str, pattern: str) -> bool:
    """Whether ``rel`` (relative, forward slashes) matches a settings path pattern."""
    return PathPattern.parse(pattern).matches(rel)


@dataclass(slots=True)
class Settings:
    """Project settings; path patterns are relative to ``root`` (the settings' folder)."""

    files: list[tuple[PathPattern, str | None, str | None]] = field(default_factory=list)
    """(path pattern, component, release) in order; the first match wins."""
    ignore: list[PathPattern] = field(default_factory=list)
    disable: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    release: str | None = None
    source: str | None = None
    root: str = "."

    def relative(self, path: str) -> str:
        """The path the patterns see: relative to the root, with forward slashes."""
        if self.root == "." and not os.path.isabs(path) and not path.startswith(".."):
            rel = path
        else:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
            if rel.startswith(".."):
                rel = path
        return rel.replace(os.sep, "/")

    def ignored(self, rel: str) -> bool:
        return any(pattern.matches(rel) for pattern in self.ignore)

    def mapping(self, rel: str) -> tuple[str | None, str | None]:
        for pattern, component, release in self.files:
            if pattern.matches(rel):
                return component, release
        return None, None


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
        except OSError as err:
            raise SettingsError(f"{candidate}: cannot read: {err.strerror or err}") from None
        except tomllib.TOMLDecodeError as err:
            raise SettingsError(f"{candidate}: not valid TOML: {err}") from None
        if os.path.basename(candidate) == "pyproject.toml":
            data = data.get("tool", {}).get("kcconf")
            if data is None:
                if path:
                    raise SettingsError(f"{candidate}: no [tool.kcconf] table")
                continue
        elif isinstance(data.get("kcconf"), dict) and len(data) == 1:
            data = data["kcconf"]  # a [kcconf] table is accepted too
        return parse_settings(data, candidate)
    return Settings()


def parse_settings(data: Any, source: str) -> Settings:
    """Check every key and value: a typo in the settings must not pass in silence."""
    def fail(message: str) -> SettingsError:
        return SettingsError(f"{source}: {message}")

    if not isinstance(data, dict):
        raise fail("the kcconf settings must be a table")
    unknown = sorted(set(data) - SETTINGS_KEYS)
    if unknown:
        raise fail(f"unknown setting {unknown[0]!r}; known: {', '.join(sorted(SETTINGS_KEYS))}")
    root = os.path.dirname(source) or "."
    settings = Settings(source=source, root=root)
    settings.release = _release(data.get("release"), fail, "release")
    settings.ignore = [PathPattern.parse(p) for p in _strings(data.get("ignore", []), fail,
                                                                "ignore")]
    codes = _strings(data.get("disable", []), fail, "disable")
    settings.disable = frozenset(c.upper() for c in codes)
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("'severity' must be a table of CODE = \"error\" | \"warning\" | \"info\"")
    for code, level in severity.items():
        if level not in SEVERITY_RANK:
            raise fail(f"severity of {code}: {level!r} is not error, warning or info")
        settings.severity[code.upper()] = level
    files = data.get("files", [])
    if not isinstance(files, list):
        raise fail("'files' must be an array of tables ([[files]])")
    for n, item in enumerate(files, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise fail(f"files entry {n}: needs path = \"PATTERN\"")
        extra = sorted(set(item) - FILE_KEYS)
        if extra:
            raise fail(f"files entry {n}: unknown key {extra[0]!r}; known: component, path,"
                       " release")
        component = item.get("component")
        if component is not None and component not in schema.component_names():
            raise fail(f"files entry {n}: unknown component {component!r}; known:"
                       f" {', '.join(schema.component_names())}")
        release = _release(item.get("release"), fail, f"files entry {n}: release")
        settings.files.append((PathPattern.parse(item["path"]), component, release))
    return settings


def _strings(value: Any, fail, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"'{key}' must be an array of strings")
    return value


def _release(value: Any, fail, what: str) -> str | None:
    if value is None:
        return None
    text = str(value)  # release = 8.7 (a TOML float) means "8.7"
    try:
        schema.resolve_release(text)
    except schema.ReleaseError as err:
        raise fail(f"{what}: {err}") from None
    return text


# -- finding files -----------------------------------------------------------------------

@dataclass(slots=True)
class FileResult:
    path: str
    component: str | None
    release: str | None
    diagnostics: list[Diagnostic]
    error: str | None = None
    """An input error (unreadable file, bad hint...): stderr, exit status 2."""

    @property
    def placed(self) -> bool:
        return self.error is None and self.component is not None


def is_candidate(name: str) -> bool:
    """A Kopano config by its name: *.cfg, or a template of one (*.cfg.j2 ...)."""
    base = name.lower()
    for suffix in TEMPLATE_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.endswith(".cfg")


def discover(paths: Iterable[str], settings: Settings) -> Iterator[str | FileResult]:
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


def _walk(top: str, settings: Settings) -> Iterator[str | FileResult]:
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


# -- checking one file -------------------------------------------------------------------

def is_template(path: str, data: bytes) -> bool:
    """A template by its name, or by template tags in it (most configs have no '{')."""
    if path.lower().endswith(TEMPLATE_SUFFIXES):
        return True
    if b"{" not in data and b"<%" not in data:
        return False
    return any(marker in data for marker in TEMPLATE_MARKERS)


@functools.lru_cache(maxsize=1024)
def _component_by_name(basename: str) -> str | None:
    """Cached: a repository repeats the same few file names thousands of times."""
    return schema.component_for_filename(basename)


def mask_template_lines(data: bytes) -> tuple[bytes, bool]:
    """Lines that are only template tags become bare comments, keeping line numbers;
    and whether any of them is control flow ({% if %}, <% end %>).

    ``{% if tls %}`` has no '=' (KC106) and ``{% set x = 1 %}`` would read as an
    unknown option; neither reaches the service as written.
    """
    control = False

    def blank(match: re.Match[bytes]) -> bytes:
        nonlocal control
        control = control or CONTROL_TAG.search(match.group()) is not None
        return b"#"

    return TEMPLATE_LINE.sub(blank, data), control


def lint_file(path: str, settings: Settings, release: str | None = None,
              unused: bool = False) -> FileResult:
    """Place and check one file; never raises for a problem with the file itself."""
    try:
        data = read_bytes(path)
    except InputError as err:
        return FileResult(path, None, None, [], str(err))
    found = hints(data)
    mapped_component, mapped_release = settings.mapping(settings.relative(path)) \
        if settings.files else (None, None)
    component = found.get("component") or mapped_component or \
        _component_by_name(os.path.basename(path))
    if component is None:
        note = make("KC602", path, 1, 1,
                    "cannot tell which Kopano component this file configures: not checked",
                    "Add '# kcconf: component=NAME' to the file, or map its path in"
                    " .kcconf.toml.")
        return FileResult(path, None, None, finish([note], settings))
    if component not in schema.component_names():
        return FileResult(path, None, None, [],
                          f"{path}: unknown component {component!r} in its 'kcconf:' comment;"
                          f" known: {', '.join(schema.component_names())}")
    chosen = found.get("release") or mapped_release or release or settings.release
    try:
        series = schema.resolve_release(chosen)
    except schema.ReleaseError as err:
        return FileResult(path, component, None, [], f"{path}: {err}")
    branching = False
    if is_template(path, data):
        data, branching = mask_template_lines(data)
    try:
        result = validate_run(path, component, series, data=data, environ={})
    except InputError as err:
        return FileResult(path, component, series, [], str(err))
    dropped = HOST_DEPENDENT | TEMPLATE_BRANCH_CODES if branching else HOST_DEPENDENT
    diagnostics = [d for d in result.diagnostics if d.code not in dropped]
    if unused:
        extra = unused_suppressions(result.suppressions)
        if extra:
            diagnostics = sorted(diagnostics + extra, key=sort_key)
    diagnostics = finish(diagnostics, settings)
    if diagnostics:
        end_columns(diagnostics, result.loaded.documents)
    return FileResult(path, component, series, diagnostics)


def finish(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Codes the settings disable are dropped; severity overrides applied."""
    if settings.disable:
        diagnostics = [d for d in diagnostics if d.code not in settings.disable]
    if settings.severity:
        for d in diagnostics:
            d.severity = settings.severity.get(d.code, d.severity)
    return diagnostics


def end_columns(diagnostics: list[Diagnostic], documents: Iterable[Any]) -> None:
    """Where each finding ends (exclusive), for SARIF and GitHub: the option's name or
    value when it starts there, else the rest of the line."""
    lines: dict[tuple[str, int], Any] = {}
    wanted = {(d.file, d.line) for d in diagnostics if d.end_col is None}
    for doc in documents:
        for entry in doc.entries:
            key = (doc.path, entry.line)
            if key in wanted and key not in lines:
                lines[key] = entry
    for d in diagnostics:
        if d.end_col is not None:
            continue
        entry = lines.get((d.file, d.line))
        end = d.col + 1
        if entry is not None:
            if entry.name is not None and d.col == entry.value_col and entry.value is not None:
                end = d.col + len(entry.value)
            elif entry.name is not None and d.col == entry.name_col:
                end = d.col + len(entry.name)
            else:
                end = len(entry.text.rstrip("\r")) + 1
        d.end_col = max(end, d.col + 1)


# -- many files --------------------------------------------------------------------------

_WORKER: tuple[Settings, str | None, bool] | None = None


def _init_worker(settings: Settings, release: str | None, unused: bool) -> None:
    """Once per worker (which has kcconf imported already, by fork or by unpickling)."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    # What the worker inherited (modules, schemas) lives as long as it does: keep the
    # cycle collector from walking it again and again.
    gc.freeze()
    _WORKER = (settings, release, unused)


def _check_batch(paths: list[str]) -> list[FileResult]:
    assert _WORKER is not None
    settings, release, unused = _WORKER
    return [safe_lint_file(path, settings, release, unused) for path in paths]


def safe_lint_file(path: str, settings: Settings, release: str | None,
                   unused: bool) -> FileResult:
    """An internal error on one file is reported for that file; the others go on."""
    try:
        return lint_file(path, settings, release, unused)
    except Exception as err:  # reported as one line; exit status 2
        return FileResult(path, None, None, [], f"{path}: internal error: {type(err).__name__}:"
                                                 f" {err} (please report this)")


def lint(paths: Iterable[str], settings: Settings, release: str | None = None,
         jobs: int = 0, unused: bool = False) -> Iterator[FileResult]:
    """Results in discovery order. Few files run here; many run on all cores."""
    items = discover(paths, settings)
    head = list(islice(items, IN_PROCESS_BELOW))
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    if len(head) < IN_PROCESS_BELOW or workers == 1:
        for item in chain(head, items):
            yield item if isinstance(item, FileResult) else \
                safe_lint_file(item, settings, release, unused)
        return
    yield from _parallel(chain(head, items), settings, release, unused, workers)


def _parallel(items: Iterator[str | FileResult], settings: Settings, release: str | None,
              unused: bool, workers: int) -> Iterator[FileResult]:
    window = workers * 4  # batches in flight: bounds memory and the reorder buffer
    pending: deque[tuple[list[str], Future | list[FileResult]]] = deque()
    pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(settings, release, unused))
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
        pending.append((batch, [safe_lint_file(p, settings, release, unused) for p in batch]))

    def take() -> list[FileResult]:
        nonlocal pool
        batch, work = pending.popleft()
        if isinstance(work, list):
            return work
        try:
            return work.result()
        except BrokenProcessPool:
            pool = None  # a worker died (killed, out of memory): go on without the pool
            return [safe_lint_file(p, settings, release, unused) for p in batch]

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
