"""Join a file with its component's schema and collect the diagnostics.

This is the library behind ``kcconf validate``: it returns data, prints nothing.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Mapping

from . import (
    effective,
    fragments,
    loader,
    packagefiles,
    placement,
    redact,
    schema,
    suppress,
    templates,
)
from .checks import Context, all_checks
from .diagnostics import Diagnostic, make, sort_in_place
from .dialect import Flavour
from .records import field, record


class ComponentError(ValueError):
    """The component of a file cannot be told from its name and was not given."""


@record(slots=True)
class Result:
    path: str
    component: schema.Component
    series: str
    loaded: loader.Loaded
    effective: effective.Effective
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    _redactor: redact.Redactor | None = None

    @property
    def redactor(self) -> redact.Redactor:
        """Masks this configuration's secrets in anything shown of it (learnt when first
        asked: most files of a repository have no finding, and nothing else is shown)."""
        if self._redactor is None:
            self._redactor = redact.for_documents(self.component, self.loaded.documents)
        return self._redactor


def pick_component(path: str, component: str | None) -> schema.Component:
    if component:
        if component not in schema.component_names():
            raise ComponentError(f"unknown component {component!r}; known:"
                                 f" {', '.join(schema.component_names())}")
        return schema.load(component)
    placed = placement.place(path)
    if placed.component is None:
        raise ComponentError(f"{path}: cannot tell the component from the file name"
                             f" ({placed.why}); give it with --component (e.g. --component"
                             " server)")
    return schema.load(placed.component)


def flavour_of(component: schema.Component) -> Flavour:
    return Flavour.PYTHON if component.python else Flavour.CXX


FINDINGS_PER_CODE = 1000
"""Findings of one code kept per file, as compilers limit their errors (gcc
-fmax-errors, clang -ferror-limit): a file of millions of bad lines would otherwise
keep an object per line. The rest are counted, not kept: one closing finding says how
many more there were and carries that number (``Diagnostic.more``), so counts and
verdicts stay exact. 0 keeps every finding."""

Wanted = Callable[[Diagnostic], bool]
"""Whether a finding is reported at all (lint's settings and --select/--ignore): asked
before the limit, so that findings nobody sees do not use it up."""


def check_loaded(loaded: loader.Loaded, component: schema.Component, series: str,
                 environ: Mapping[str, str] | None = None, check_host: bool = False,
                 template: templates.Masked | None = None,
                 max_findings: int = FINDINGS_PER_CODE, wanted: Wanted | None = None
                 ) -> Result:
    """Check what was loaded. Findings go one by one through the package-file rule, the
    suppressions and ``wanted``, then into a ``Findings`` that keeps ``max_findings`` of
    each code per file."""
    env = dict(os.environ) if environ is None else environ
    state = effective.build(loaded, component, series, env)
    ctx = Context(loaded, component, series, state, component.at(series), env, check_host,
                  template if template is not None and template.dialect else None)
    keep, suppressions = suppress.sieve(loaded.documents)
    passes = _chain(_outside_package_files(loaded), keep, wanted)
    gather = Findings(max_findings)
    for source in (state.diagnostics, *(check(ctx) for check in all_checks()),
                   release_fit(ctx)):
        gather.add_all(source if passes is None else filter(passes, source))
    typos = suppress.unknown_codes(suppressions)
    gather.add_all(typos if wanted is None else filter(wanted, typos))
    kept = gather.result()
    result = Result(loaded.root.path, component, series, loaded, state, kept, suppressions)
    if kept:
        redactor = result.redactor
        for d in kept:
            redactor.diagnostic(d)  # the only way out of the library, so secrets stay in
    return result


def _outside_package_files(loaded: loader.Loaded) -> Wanted:
    """Warnings and notes about lines of the files Kopano's packages install are not the
    administrator's to act on (a deprecated option Kopano itself sets; a package value
    that ldap.cfg overrides, as intended): only errors there are reported."""
    package = {doc.path for doc in loaded.documents[1:]  # not the file being checked
               if doc.bundled or packagefiles.known(doc.path)}
    if not package:
        return _anywhere
    return lambda d: d.file not in package or d.severity == "error"


def _anywhere(d: Diagnostic) -> bool:
    return True


def _chain(*tests: Wanted | None) -> Wanted | None:
    """One test asking ``tests`` in order (the first False wins), None when every one
    lets everything through: a big file's findings are asked one by one."""
    needed = [t for t in tests if t is not None and t is not _anywhere and
              t is not suppress.keep_all]
    if not needed:
        return None
    if len(needed) == 1:
        return needed[0]
    return lambda d: all(t(d) for t in needed)


Group = tuple[str, str, str, "str | None"]
"""(file, code, severity, rule): what the limit counts findings by."""


class Findings:
    """Gathers findings, keeping at most ``limit`` of each group (file, code, severity,
    rule): the first ones by position, whatever order the checks found them in; the
    others are counted, and ``result`` closes each such group with one finding that says
    how many more there were."""

    __slots__ = ("_dropped", "_elided", "_full", "_groups", "_kept", "limit")

    def __init__(self, limit: int = FINDINGS_PER_CODE) -> None:
        self.limit = limit
        self._kept: list[Diagnostic] = []
        """In the order found, so that equal positions keep the checks' order."""
        self._groups: dict[Group, list[Diagnostic]] = {}
        """The findings of each group while it is under the limit."""
        self._full: dict[Group, list[tuple[int, int, int, Diagnostic]]] = {}
        """A group at the limit: a heap of its kept findings, the last by position on top."""
        self._elided: dict[Group, list[int]] = {}
        """Per full group: [count, line, col] of the findings not kept (the first place)."""
        self._dropped: set[int] = set()
        """ids of findings kept first, then pushed out by one earlier in the file."""

    def add_all(self, found: Iterable[Diagnostic]) -> None:
        if not self.limit:
            self._kept.extend(found)
            return
        groups, elided_of, limit, kept = self._groups, self._elided, self.limit, self._kept
        for d in found:
            key = (d.file, d.code, d.severity, d.rule)
            elided = elided_of.get(key)
            if elided is None:
                group = groups.get(key)
                if group is None:
                    group = groups[key] = []
                group.append(d)
                kept.append(d)
                if len(group) == limit:
                    self._close(key)
                continue
            line, col = d.line, d.col
            top = self._full[key][0]
            if line > -top[0] or (line == -top[0] and col >= -top[1]):
                # Not before the last one kept (the usual case: checks report mostly in
                # line order): counted only.
                if not elided[0] or line < elided[1] or (line == elided[1] and col < elided[2]):
                    elided[1], elided[2] = line, col
                elided[0] += 1
            else:
                self._earlier(key, d)

    def _close(self, key: Group) -> None:
        """A group reached the limit: from now on its findings are counted."""
        group = self._groups.pop(key)
        # Ties by position go to the one found first: -(its place in the group).
        heap = [(-g.line, -g.col, -i, g) for i, g in enumerate(group)]
        heapq.heapify(heap)
        self._full[key] = heap
        self._elided[key] = [0, 0, 0]

    def _earlier(self, key: Group, d: Diagnostic) -> None:
        """A finding before the last one kept of its full group takes that one's place."""
        heap, elided = self._full[key], self._elided[key]
        top = heapq.heapreplace(heap, (-d.line, -d.col, -len(self._kept), d))
        self._kept.append(d)
        out = top[3]
        self._dropped.add(id(out))
        if not elided[0] or (out.line, out.col) < (elided[1], elided[2]):
            elided[1], elided[2] = out.line, out.col
        elided[0] += 1

    def result(self) -> list[Diagnostic]:
        """Every finding kept, the closing ones included, in report order."""
        found = self._kept
        if self._dropped:
            dropped = self._dropped
            found = [d for d in found if id(d) not in dropped]
        for (file, code, severity, rule), (count, line, col) in self._elided.items():
            if count:
                found.append(make(code, file, line, col,
                                  f"... and {count:,} more {code} findings in this file",
                                  f"kcconf keeps the first {self.limit:,} findings of each"
                                  " code in a file; the summary counts them all"
                                  " (--max-findings 0, of validate or lint, shows every one).",
                                  severity=severity, rule=rule, more=count))
        sort_in_place(found)
        return found


def run(path: str, component: str | None = None, release: str | None = None, *,
        data: bytes | None = None, environ: Mapping[str, str] | None = None,
        check_host: bool = False, include_root: str | None = None,
        elsewhere: bool = False, repository: str | None = None,
        max_findings: int = FINDINGS_PER_CODE, wanted: Wanted | None = None) -> Result:
    """Validate one file; raises loader.InputError, ComponentError or ReleaseError.

    ``include_root`` maps absolute !include/!propmap targets into a directory;
    ``elsewhere``: missing absolute targets live on another machine (a repository),
    rather than being missing on this one, unless they lie in ``repository``.
    A template (by its name or its tags) has its template-only lines masked first, so
    validate and lint judge it alike; a fragment directory is checked as the file its
    fragments make, with positions in the fragments. ``max_findings`` and ``wanted``:
    see ``check_loaded``.
    """
    comp = pick_component(path, component)
    series = schema.resolve_release(release)
    propmap = placement.is_propmap_name(path, comp)
    joined = None
    if data is None:
        if fragments.is_fragment_dir(path):
            joined = fragments.join(path)
            data = joined.data
        else:
            data = loader.read_bytes(path)
    masked = templates.mask(path, data, templates.PERL if joined is not None and
                            templates.dialect_of(path, data) is None and
                            joined.has_code else None)
    # A template's include names may be expressions: the loader, below templates in
    # the layers, is given the test rather than importing it.
    includes = loader.Includes(series=series, root=include_root, elsewhere=elsewhere,
                               repository=repository, unknowable=templates.is_expression
                               if masked.dialect is not None else None)
    with loader.no_cycle_collection():
        loaded = loader.load(path, flavour_of(comp), comp.directives, data=masked.data,
                             propmap=propmap, includes=includes)
        result = check_loaded(loaded, comp, series, environ, check_host, masked,
                              max_findings, wanted)
    if joined is not None:
        joined.relocate(result.diagnostics)
    if joined is not None or masked.data != data:
        # Fixes address the bytes that were checked: a template's with its template
        # lines masked, or the fragments joined. Applied to the file itself, their
        # offsets would land elsewhere and damage it.
        as_read = {doc.path for doc in loaded.documents[1:]}  # includes, read as they are
        for d in result.diagnostics:
            if d.fixes and d.file not in as_read:
                d.fixes = ()
    return result


def validate_file(path: str, component: str | None = None, release: str | None = None, *,
                  environ: Mapping[str, str] | None = None,
                  check_host: bool = False) -> list[Diagnostic]:
    """Diagnostics for a config file, following its includes.

    ``component`` defaults to the one named by the file (server.cfg, kopano-server.cfg);
    ``release`` is X.Y or X.Y.Z, default the newest. ``environ`` replaces os.environ for
    ``$VARIABLE`` values.
    """
    return run(path, component, release, environ=environ, check_host=check_host).diagnostics


def validate_text(text: str | bytes, component: str, release: str | None = None, *,
                  filename: str = "<text>",
                  environ: Mapping[str, str] | None = None) -> list[Diagnostic]:
    """Diagnostics for config text held in memory; includes resolve from the working directory."""
    data = text.encode("utf-8", errors="surrogateescape") if isinstance(text, str) else text
    return run(filename, component, release, data=data, environ=environ).diagnostics


def release_fit(ctx: Context) -> list[Diagnostic]:
    """When names are unknown here but all known in other releases, name those releases."""
    accepted = ctx.component.accepted(ctx.series)
    every = ctx.loaded.assignments
    names = every.names(propmap=False) if isinstance(every, loader.Assignments) else \
        {a.name for a in every if not a.propmap}
    if all(n in accepted for n in names):
        return []
    common = frozenset(schema.series_list())
    for name in names:
        common = common & ctx.component.series_accepting(name)
        if not common:
            return []
    fits = [s for s in schema.series_list() if s in common]
    span = fits[0] if len(fits) == 1 else f"{fits[0]} to {fits[-1]}" if _contiguous(fits) \
        else ", ".join(fits)
    return [make("KC601", ctx.loaded.root.path, 1, 1,
                 f"this file uses options of release {span}; checked against {ctx.series}",
                 f"Run with --release {fits[-1]} if that is the release you run.")]


def _contiguous(fits: list[str]) -> bool:
    order = schema.series_list()
    first = order.index(fits[0])
    return order[first : first + len(fits)] == fits
