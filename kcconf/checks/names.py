"""KC2xx: option names: unknown, renamed, removed, not yet added, repeated."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import fixes, schema
from ..diagnostics import Diagnostic, make
from ..fixes import Fix
from ..loader import Assignment, located
from ..spelling import SUGGEST_CUTOFF, closest  # noqa: F401 - SUGGEST_CUTOFF for callers
from . import Context

STATUS_CODES = {
    "obsolete": ("KC203", "is accepted but has no effect in {series}"),
    "unused": ("KC204", "is no longer used in {series}: the service ignores it"),
    "deprecated": ("KC205", "is deprecated in {series} and may be removed in a later release"),
}


def check(ctx: Context) -> Iterator[Diagnostic]:
    plain = _plain_names(ctx.component, ctx.series)
    every = ctx.loaded.assignments
    if type(every) is list:  # a usual file, unpacked: its assignments are made already
        for assignment in every:
            if assignment.name not in plain:
                yield from _name(ctx, assignment)
    else:
        yield from _compact(ctx, every, plain)
    yield from _duplicates(ctx)
    yield from _property_map_groups(ctx)


def _compact(ctx: Context, every, plain: frozenset[str]) -> Iterator[Diagnostic]:
    """The names of a large load, read without making an Assignment for each line."""
    options, python = ctx.options, ctx.python
    added = ctx.effective.propmap_added
    unknown_as: dict[str, Diagnostic] = {}
    """The finding about the first line of each unknown name, to repeat for the others:
    a file may set the same unknown name millions of times."""
    for index, name, propmap, file, line, col, chunk in located(every):
        if name in plain:
            continue
        option = options.get(name)
        if option is None or not option.present:
            if propmap or name in added or (name.startswith("#") and not python):
                continue  # a property map's own name; a '#' name is KC105
            first = unknown_as.get(name)
            if first is not None and not first.fixes and chunk == 0 and line != 1:
                yield Diagnostic(first.code, first.severity, file, line, col,
                                 first.message, first.hint, name)
                continue
            found = _unknown(ctx, every[index])
            if chunk == 0 and line != 1:  # no cause of its own in the message
                unknown_as.setdefault(name, found)
            yield found
            continue
        yield from _name(ctx, every[index])


@functools.lru_cache(maxsize=256)
def _plain_names(component: schema.Component, series: str) -> frozenset[str]:
    """The names about which ``_name`` has nothing to say at ``series``: present, not an
    old name, with no status and no build condition. Most lines of most files set one."""
    return frozenset(
        name for name, option in component.at(series).items()
        if option.present and option.renamed_to is None and option.status not in
        STATUS_CODES and not option.build and not (component.python and
                                                     option.status == "ignored"))


def _property_map_groups(ctx: Context) -> Iterator[Diagnostic]:
    """The LDAP plugin reads its property map as a group of settings; Kopano keeps a
    setting in that group only while !propmap files alone set it."""
    for a in ctx.effective.left_propmap:
        option = ctx.options.get(a.name)
        target = option.renamed_to if option is not None and option.renamed_to else None
        what = f"{a.name} (old name of {target})" if target else a.name
        yield make("KC211", a.file, a.entry.line, a.entry.name_col,
                   f"{what} is a property-map setting written outside a !propmap file:"
                   " Kopano takes it out of the property map, so the plugin no longer reads"
                   " this property from LDAP", "Move the line into the file named by !propmap"
                   " (ldap.propmap.cfg), under its 0x... name.", option=a.name)
    for a in ctx.effective.refused_by_group:
        yield make("KC212", a.file, a.entry.line, a.entry.name_col,
                   f"{a.name} cannot be set in a !propmap file: it is not a property-map"
                   " setting (any more), so Kopano reports an error and the LDAP plugin"
                   " refuses its configuration", "Set it in ldap.cfg itself, or remove the"
                   " other assignment outside the !propmap file.", option=a.name)


def _name(ctx: Context, a: Assignment) -> Iterator[Diagnostic]:
    entry = a.entry
    if a.name.startswith("#") and not ctx.python:
        return  # reported as KC105 with a better message
    option = ctx.options.get(a.name)
    series = ctx.series
    if option is None or not option.present:
        if a.propmap or a.name in ctx.effective.propmap_added:
            return
        yield _unknown(ctx, a)
        return
    if ctx.python and option.status == "ignored":
        yield make("KC208", a.file, entry.line, entry.name_col,
                   f"{a.name}: the service ignores this option", "Remove the line.",
                   option=a.name)
    if option.renamed_to is not None:
        target = ctx.options.get(option.renamed_to)
        if target is None or not target.present:
            yield make("KC201", a.file, entry.line, entry.name_col,
                       f"{a.name}: old name of {option.renamed_to}, which no longer exists in"
                       f" {series}: the service reports an unknown option",
                       _status_hint(ctx, option.renamed_to), option=a.name)
            return
        in_propmap = bool(target.spec.get("x-kc-propmap"))
        hint = (f"Remove it and set {option.renamed_to} in the file named by !propmap."
                if in_propmap else f"Write {option.renamed_to} instead.")
        found = () if in_propmap or a.propmap else \
            _rename_fix(ctx, a, option.renamed_to, "safe")
        yield make("KC202", a.file, entry.line, entry.name_col,
                   f"{a.name} is the old name of {option.renamed_to}", hint, option=a.name,
                   fixes=found)
    status = STATUS_CODES.get(option.status)
    if status:
        code, text = status
        yield make(code, a.file, entry.line, entry.name_col,
                   f"{a.name} {text.format(series=series)}",
                   _status_hint(ctx, a.name), option=a.name)
    if option.build:
        yield make("KC210", a.file, entry.line, entry.name_col,
                   f"{a.name} exists only when Kopano was built with {option.build} support",
                   "Without that feature the service reports an unknown option.", option=a.name)


def _rename_fix(ctx: Context, a: Assignment, name: str, applicability: str
                ) -> tuple[Fix, ...]:
    lines = ctx.lines_for(a)
    if lines is None:
        return ()
    return (Fix(f"Rename {a.name} to {name}", applicability,
                (fixes.rename(lines, a.entry.line, name),)),)


def _comment_fix(ctx: Context, a: Assignment, title: str, applicability: str,
                 note: str | None = None) -> tuple[Fix, ...]:
    lines = ctx.lines_for(a)
    if lines is None:
        return ()
    edits = fixes.comment_out_with_note(lines, a.entry.line, note) if note else \
        (fixes.comment_out(lines, a.entry.line),)
    return (Fix(title, applicability, edits),)


def _removed_note(ctx: Context, name: str, last: str) -> str | None:
    """What ``kcconf upgrade`` writes above a removed option it comments out: when it
    went and, from the schema, what replaces it."""
    order = schema.series_list()
    later = [s for s in order if schema.series_key(s) > schema.series_key(last)]
    if not later:
        return None
    see = ctx.component.specs.get(name, {}).get("x-kc-see-also")
    return f"{name}: removed in {later[0]}" + (f"; see {', '.join(see)}" if see else "")


def _status_hint(ctx: Context, name: str) -> str:
    see = ctx.component.specs.get(name, {}).get("x-kc-see-also")
    return f"Remove the line; see {', '.join(see)}." if see else "Remove the line."


def _unknown(ctx: Context, a: Assignment) -> Diagnostic:
    entry = a.entry
    severity = "warning" if ctx.python else "error"
    consequence = ("the service warns and ignores it" if ctx.python else
                   "the service reports an error and refuses to start")
    releases = ctx.component.releases_of(a.name)
    if releases:
        span = _span(releases)
        later = schema.series_key(releases[0]) > schema.series_key(ctx.series)
        code = "KC206" if later else "KC207"
        what = (f"is added in {releases[0]}" if later else f"was removed after {releases[-1]}")
        note = None if later else _removed_note(ctx, a.name, releases[-1])
        found = () if note is None else _comment_fix(
            ctx, a, f"Comment out {a.name}, removed in {ctx.series}", "unsafe", note)
        return make(code, a.file, entry.line, entry.name_col,
                    f"{a.name} {what}: unknown in {ctx.series}, {consequence}"
                    f" (valid in {span})",
                    "Choose the release you run with --release, or remove the line.",
                    severity=severity, option=a.name, fixes=found)
    hint = suggest(ctx.component, ctx.series, a.name) if len(a.name) <= 100 else \
        "Check the spelling against the component's manual page."
    meant = meant_name(ctx.component, ctx.series, a.name) if len(a.name) <= 100 else None
    found = _rename_fix(ctx, a, meant, "unsafe") if meant and not a.propmap else ()
    shown = a.name if len(a.name) <= 60 else a.name[:57] + "..."
    return make("KC201", a.file, entry.line, entry.name_col,
                f"unknown option {shown!r}{_cause(a)}: {consequence}", hint,
                severity=severity, option=a.name, fixes=found)


def _cause(a: Assignment) -> str:
    """Names the file-format finding an unknown name follows from (reported before it)."""
    if a.entry.chunk > 0:
        return f" (the rest of line {a.entry.line}, which is longer than 4095 bytes)"
    if a.entry.line == 1 and a.name.startswith("\ufeff"):
        return " (the byte order mark is glued to the name)"
    return ""


def _span(releases: list[str]) -> str:
    return releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"


def meant_name(component: schema.Component, series: str, name: str) -> str | None:
    """The one option of this component a misspelt name evidently means, or None."""
    meaning = _meaning(component, series, name)
    return meaning[0] if meaning is not None else None


@functools.lru_cache(maxsize=4096)
def _meaning(component: schema.Component, series: str, name: str
             ) -> tuple[str, bool] | None:
    """(the option meant, whether only the letter case differs), or None. Cached: the
    same misspellings recur across the files of a repository, and both the fix and the
    hint of a finding ask."""
    close = closest(name, _names_by_length(component, series))
    if close is not None:
        return close, False
    lowered = _lowered(component, series).get(name.lower())
    return (lowered, True) if lowered is not None else None


@functools.lru_cache(maxsize=256)
def _lowered(component: schema.Component, series: str) -> dict[str, str]:
    return {n.lower(): n for names in _names_by_length(component, series).values()
            for n in names}


@functools.lru_cache(maxsize=4096)
def suggest(component: schema.Component, series: str, name: str) -> str:
    """Did-you-mean from this component, then the component the option belongs to."""
    meaning = _meaning(component, series, name)
    if meaning is not None:
        meant, by_case = meaning
        return f"Did you mean {meant}?" + (" Option names are case-sensitive."
                                           if by_case else "")
    for other in schema.component_names():
        if other == component.name:
            continue
        candidate = schema.load(other)
        if name in candidate.specs and candidate.releases_of(name):
            return f"{name} belongs in {candidate.file} (kopano-{other}), not here."
    return "Check the spelling against the component's manual page."



@functools.lru_cache(maxsize=256)
def _names_by_length(component: schema.Component, series: str) -> dict[int, tuple[str, ...]]:
    by_length: dict[int, list[str]] = {}
    for name, option in component.at(series).items():
        if option.present:
            by_length.setdefault(len(name), []).append(name)
    return {length: tuple(names) for length, names in by_length.items()}


def _duplicates(ctx: Context) -> Iterator[Diagnostic]:
    refused = {a.index for a in ctx.effective.refused_by_group}  # objects are made anew
    for setting in ctx.effective.settings.touched():
        writes = [w for w in setting.assignments if w.index not in refused] if refused \
            else setting.assignments
        if len(writes) < 2:
            continue
        laters = _rendered_later(ctx, writes)
        for earlier, later in zip(writes[:-1], laters, strict=False):
            if later is None:
                continue
            same = earlier.name == later.name
            what = f"{earlier.name} is set again" if same else \
                f"{earlier.name} and {later.name} set the same option"
            yield make("KC209", earlier.file, earlier.entry.line, earlier.entry.name_col,
                       f"{what} at {_where(earlier, later)}; the later value wins",
                       "Keep one assignment.", option=earlier.name,
                       fixes=_comment_fix(ctx, earlier, f"Comment out this {earlier.name}:"
                                          " a later assignment wins", "safe"))


def _rendered_later(ctx: Context, writes: list[Assignment]) -> list[Assignment | None]:
    """For each write, the last later write that is rendered whenever it is. In a plain
    file that is the last write; in a template only a write under the same conditions
    (the same arms of the same ifs) is sure to be there too, and when the template's
    conditionals cannot be followed, none is."""
    template = ctx.template
    if template is None or not template.control:
        return [writes[-1]] * (len(writes) - 1)
    if not template.followed:
        return [None] * (len(writes) - 1)
    root = ctx.loaded.root.path
    last_by_path: dict[tuple, Assignment] = {}
    laters: list[Assignment | None] = [None] * len(writes)
    for index in range(len(writes) - 1, -1, -1):
        write = writes[index]
        key = template.conditions(write.entry.line) if write.file == root else ()
        laters[index] = last_by_path.get(key)
        last_by_path.setdefault(key, write)
    return laters[:-1]


def _where(earlier: Assignment, last: Assignment) -> str:
    if earlier.file == last.file:
        return f"line {last.entry.line}"
    return f"{last.file}:{last.entry.line}"
