"""Join a file with its component's schema and collect the diagnostics.

This is the library behind ``kcconf validate``: it returns data, prints nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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


def check_loaded(loaded: loader.Loaded, component: schema.Component, series: str,
                 environ: Mapping[str, str] | None = None, check_host: bool = False,
                 template: templates.Masked | None = None) -> Result:
    env = dict(os.environ) if environ is None else environ
    state = effective.build(loaded, component, series, env)
    ctx = Context(loaded, component, series, state, component.at(series), env, check_host,
                  template if template is not None and template.dialect else None)
    found: list[Diagnostic] = list(state.diagnostics)
    for check in all_checks():
        found.extend(check(ctx))
    found.extend(release_fit(ctx))
    found = _outside_package_files(found, loaded)
    sort_in_place(found)
    kept, suppressions = suppress.apply(found, loaded.documents)
    result = Result(loaded.root.path, component, series, loaded, state, kept, suppressions)
    if kept:
        redactor = result.redactor
        for d in kept:
            redactor.diagnostic(d)  # the only way out of the library, so secrets stay in
    return result


def _outside_package_files(found: list[Diagnostic], loaded: loader.Loaded) -> list[Diagnostic]:
    """Warnings and notes about lines of the files Kopano's packages install are not the
    administrator's to act on (a deprecated option Kopano itself sets; a package value
    that ldap.cfg overrides, as intended): only errors there are reported."""
    package = {doc.path for doc in loaded.documents[1:]  # not the file being checked
               if doc.bundled or packagefiles.known(doc.path)}
    if not package:
        return found
    return [d for d in found if d.file not in package or d.severity == "error"]


def run(path: str, component: str | None = None, release: str | None = None, *,
        data: bytes | None = None, environ: Mapping[str, str] | None = None,
        check_host: bool = False, include_root: str | None = None,
        elsewhere: bool = False, repository: str | None = None) -> Result:
    """Validate one file; raises loader.InputError, ComponentError or ReleaseError.

    ``include_root`` maps absolute !include/!propmap targets into a directory;
    ``elsewhere``: missing absolute targets live on another machine (a repository),
    rather than being missing on this one, unless they lie in ``repository``.
    A template (by its name or its tags) has its template-only lines masked first, so
    validate and lint judge it alike; a fragment directory is checked as the file its
    fragments make, with positions in the fragments.
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
        result = check_loaded(loaded, comp, series, environ, check_host, masked)
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
    names = {a.name for a in ctx.loaded.assignments if not a.propmap}
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
