"""Checking one file for lint: place it (component, release), mask template lines,
validate, then apply the project settings."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from contextlib import nullcontext

from .. import fragments, placement, schema
from ..diagnostics import Diagnostic, make, sort_key
from ..fixing import FixMode
from ..loader import InputError, read_bytes
from ..records import record
from ..selection import first_match, lookup
from ..suppress import hints
from ..suppress import unused as unused_suppressions
from ..validate import FINDINGS_PER_CODE, Wanted
from ..validate import run as validate_run
from .result import FileResult
from .settings import ProjectSettings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HOST_DEPENDENT = frozenset({"KC313"})
"""Codes that depend on the machine the service runs on, which a repository check
cannot know ($VARIABLE values come from the service's environment)."""


def lint_file(path: str, settings: ProjectSettings, release: str | None = None,
              unused: bool = False, data: bytes | None = None,
              fix: FixMode | None = None) -> FileResult:
    """Place and check one file (``data``: its bytes, read from standard input under the
    name ``path``); never raises for a problem with the file itself."""
    placed = place(path, settings, release, data)
    if isinstance(placed, FileResult):
        return placed
    component, series, data = placed
    if fix is not None and data is not None:
        return fix_file(path, data, component, series, settings, unused, fix)
    return check_bytes(path, data, component, series, settings, unused)


def place(path: str, settings: ProjectSettings, release: str | None = None,
          data: bytes | None = None) -> tuple[str, str, bytes | None] | FileResult:
    """(component, release series, bytes) of a file as lint takes them, else the result
    to report (a KC602 note or an input error). The language server places an editor's
    buffer (``data``) with it, so the editor and lint agree."""
    placed, release_hint, data = place_file(path, settings, data)
    if isinstance(placed, FileResult):
        return placed
    component = settings.component or placed.component
    if component is None:
        note = make("KC602", path, 1, 1,
                    f"cannot tell which Kopano component this file configures ({placed.why}):"
                    " not checked",
                    "Add '# kcconf: component=NAME' to the file, or map its path in"
                    " .kcconf.toml.")
        return FileResult(path, None, None, finish([note], settings))
    if component not in schema.component_names():
        return FileResult(path, None, None, [],
                          f"{path}: unknown component {component!r} in its 'kcconf:' comment;"
                          f" known: {', '.join(schema.component_names())}")
    chosen = release_hint or release or settings.release
    try:
        series = schema.resolve_release(chosen)
    except schema.ReleaseError as err:
        return FileResult(path, component, None, [], f"{path}: {err}")
    return component, series, data


def place_file(path: str, settings: ProjectSettings, given: bytes | None = None
               ) -> tuple[placement.Placement | FileResult, str | None, bytes | None]:
    """Where a file belongs and for which release, by the shared placement rule:
    (placement or an input error, release from a hint or the settings, the bytes read,
    None for a fragment directory). ``given``: the bytes, read elsewhere (stdin)."""
    data: bytes | None
    is_dir = False
    try:
        if given is not None:
            probe = data = given
        else:
            try:
                probe = data = read_bytes(path)
            except InputError as err:
                # Tried second: one stat fewer for each of the many plain files.
                if err.kind != "not-file" or not fragments.is_fragment_dir(path):
                    raise
                probe, data, is_dir = fragments.join(path).data, None, True
    except InputError as err:
        return FileResult(path, None, None, [], str(err)), None, None
    found = hints(probe)
    mapped_component, mapped_release, pattern = settings.mapping_of(settings.relative(path)) \
        if settings.files else (None, None, None)
    placed = placement.place(path, hinted=found.get("component"), mapped=(
        (mapped_component, pattern) if mapped_component and pattern else None),
        fragments=is_dir)
    return placed, found.get("release") or mapped_release, data


@record(frozen=True, slots=True)
class Listed:
    """What ``kcconf lint --list-files`` says about one file."""

    path: str
    component: str | None
    release: str | None
    why: str
    error: str | None = None


def list_file(path: str, settings: ProjectSettings, release: str | None = None) -> Listed:
    """Where lint would place a file and why, without checking it."""
    placed, release_hint, _ = place_file(path, settings)
    if isinstance(placed, FileResult):
        return Listed(path, None, None, "", placed.error)
    if placed.component is None:
        return Listed(path, None, None, placed.why)
    chosen = release_hint or release or settings.release
    try:
        series = schema.resolve_release(chosen)
    except schema.ReleaseError as err:
        return Listed(path, placed.component, None, "", f"{path}: {err}")
    source = ("from its '# kcconf: release=' line or the settings' path" if release_hint else
              "from --release" if release else "from the settings" if settings.release else
              "the newest, by default")
    return Listed(path, placed.component, series, f"{placed.why}; release {source}")


def check_bytes(path: str, data: bytes | None, component: str, series: str,
                settings: ProjectSettings, unused: bool = False) -> FileResult:
    """Check a file's bytes as lint does, wherever they come from: a file on disk, or an
    editor's buffer (the same verdicts in CI and while typing); None reads ``path``
    (a fragment directory is joined)."""
    return _check(path, data, component, series, settings, unused)[0]


def _check(path: str, data: bytes | None, component: str, series: str,
           settings: ProjectSettings, unused: bool = False, fixing: bool = False
           ) -> tuple[FileResult, Any]:
    """``check_bytes``, with the validation result (None when fixes cannot address the
    bytes: a template, whose lines were masked before checking, or a joined fragment
    directory). ``fixing``: keep every finding, so that every fixable one is fixed."""
    limit = FINDINGS_PER_CODE if settings.max_findings is None else settings.max_findings
    try:
        result = validate_run(path, component, series, data=data, environ={},
                              include_root=settings.include_root, elsewhere=True,
                              repository=repository_of(path, settings),
                              max_findings=0 if fixing else limit,
                              wanted=reported(settings, HOST_DEPENDENT))
    except InputError as err:
        return FileResult(path, component, series, [], str(err)), None
    diagnostics = [d for d in result.diagnostics if d.code not in HOST_DEPENDENT]
    if unused:
        extra = unused_suppressions(result.suppressions)
        if extra:
            diagnostics = sorted(diagnostics + extra, key=sort_key)
    diagnostics = finish(diagnostics, settings)
    if diagnostics:
        end_columns(diagnostics, result.loaded.documents)
    addressable = data is not None and result.loaded.root.data == data
    return FileResult(path, component, series, diagnostics), result if addressable else None


def fix_file(path: str, data: bytes, component: str, series: str, settings: ProjectSettings,
             unused: bool, mode: FixMode) -> FileResult:
    """Check a file and apply its fixes (``lint --fix``): written atomically under the
    file's lock, or only shown as a diff."""
    first, result = _check(path, data, component, series, settings, unused, fixing=True)
    if result is None or first.error is not None or \
            not any(d.fixes and d.file == path for d in first.diagnostics):
        return first
    from ..atomic import WriteError, locked, write_atomic

    try:
        with nullcontext() if mode.diff else locked([path]):
            current = data if mode.diff else read_bytes(path)
            if current != data:  # changed since it was read: check what is there now
                data = current
                first, result = _check(path, data, component, series, settings, unused,
                                       fixing=True)
                if result is None or first.error is not None:
                    return first
            outcome = _fix_bytes(path, data, component, series, settings, unused, mode,
                                 (first.diagnostics, result.effective))
            done = FileResult(path, component, series, outcome.diagnostics,
                              fixed=outcome.fixed)
            if outcome.data == data:
                return done
            if mode.diff:
                from ..edit import redactor_for, unified_diff

                masks = redactor_for(path, schema.load(component), data, outcome.data)
                done.diff = unified_diff(path, data, outcome.data, masks)
                return done
            write_atomic(path, outcome.data, original=data)
            return done
    except (WriteError, InputError) as err:
        return FileResult(path, component, series, first.diagnostics, str(err))


def _fix_bytes(path: str, data: bytes, component: str, series: str,
               settings: ProjectSettings, unused: bool, mode: FixMode,
               first: tuple[list[Diagnostic], Any]) -> Any:
    from ..fixing import fix_loop

    def check(new: bytes) -> tuple[list[Diagnostic], Any]:
        found, result = _check(path, new, component, series, settings, unused, fixing=True)
        if found.error is not None or result is None:
            raise ValueError(found.error or "not checked")
        return found.diagnostics, result.effective

    return fix_loop(path, data, check, mode.unsafe, first, codes=mode.codes)


def repository_of(path: str, settings: ProjectSettings) -> str:
    """The folder whose absolute include targets are the repository's own (read, and
    missing there is missing); targets elsewhere live on the server. It is the settings
    file's folder, else the nearest folder above the file with a .git, else the file's
    own folder."""
    if settings.source is not None:
        return os.path.abspath(settings.root)
    return _checkout_of(os.path.dirname(os.path.abspath(path)))


@functools.lru_cache(maxsize=1024)
def _checkout_of(folder: str) -> str:
    probe = folder
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent


def reported(settings: ProjectSettings, hidden: frozenset[str] = frozenset()
             ) -> Wanted | None:
    """Whether lint reports a finding at all (the settings' disable, --select and
    --ignore, ``hidden`` codes), for the check to ask before its findings limit; None
    when every finding is reported. ``finish`` still applies the settings afterwards."""
    disable, selection = settings.disable, settings.selection
    if not disable and selection is None and not hidden:
        return None

    def wanted(d: Diagnostic) -> bool:
        if d.code in hidden:
            return False
        if disable and (d.code in disable or first_match(disable, d) is not None):
            return False
        return selection is None or d in selection

    return wanted


def finish(diagnostics: list[Diagnostic], settings: ProjectSettings) -> list[Diagnostic]:
    """Codes the settings disable are dropped; severity overrides applied."""
    if settings.disable:
        diagnostics = [d for d in diagnostics if d.code not in settings.disable and
                       first_match(settings.disable, d) is None]
    if settings.severity:
        for d in diagnostics:
            d.severity = lookup(settings.severity, d) or d.severity
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


def safe_lint_file(path: str, settings: ProjectSettings, release: str | None,
                   unused: bool, fix: FixMode | None = None) -> FileResult:
    """An internal error on one file is reported for that file; the others go on."""
    try:
        return lint_file(path, settings, release, unused, fix=fix)
    except Exception as err:  # reported as one line; exit status 2
        return FileResult(path, None, None, [], f"{path}: internal error: {type(err).__name__}:"
                                                 f" {err} (please report this)")
