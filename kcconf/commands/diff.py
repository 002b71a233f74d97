"""``kcconf diff``: changes between two configs and whether reload or restart applies them."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .. import effective, escape, redact, schema
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError
from ..diff import DiffResult, compare, loaded_of
from ..loader import InputError
from ..schema import ReleaseError
from ..validate import ComponentError, pick_component
from . import error, read_input

VERDICT_TEXT = {
    "nothing": "nothing to do: the service reads the same settings",
    "no-effect": "nothing to do: {service} does not read the changed options",
    "next-run": "nothing to reload or restart: {service} reads the file at each run,"
                " so its next run uses the changes",
    "reload": "a reload applies every change: service {service} reload (or SIGHUP)",
    "new-connections": "a reload applies the changes, but {names} only to new connections:"
                       " service {service} reload; existing connections keep the old values"
                       " until they end (a restart applies them everywhere)",
    "restart": "restart needed: service {service} restart",
}


def run(args: argparse.Namespace) -> int:
    if args.defaults:
        if args.old is not None:
            raise UsageError("--defaults compares one file with the built-in defaults;"
                             " give only NEW")
        pairs = [(None, args.new)]
    else:
        if args.old is None:
            raise UsageError("diff needs OLD and NEW (or --defaults NEW)")
        pairs = _pairs(args.old, args.new)
    try:
        old_series = schema.resolve_release(args.release_old or args.release_new)
        new_series = schema.resolve_release(args.release_new or args.release_old)
    except ReleaseError as err:
        raise UsageError(str(err)) from None
    results = []
    trouble = False
    for old_path, new_path in pairs:
        try:
            results.append(_one(args, old_path, new_path, old_series, new_series))
        except UsageError as err:
            if len(pairs) == 1:
                raise
            # One bad file of a directory: say so and compare the others.
            error(str(err))
            trouble = True
    if args.format == "json":
        json.dump(escape.machine_data({"files": [r for r in results if r is not None]}),
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    if trouble:
        return EXIT_TROUBLE
    changed = any(r and r["changes"] for r in results)
    return EXIT_FINDINGS if changed else EXIT_OK


def _pairs(old: str, new: str) -> list[tuple[str | None, str | None]]:
    if os.path.isdir(old) and os.path.isdir(new):
        names = sorted({n for d in (old, new) for n in os.listdir(d)
                        if n.endswith(".cfg") and schema.component_for_filename(n)})
        return [(os.path.join(old, n) if os.path.exists(os.path.join(old, n)) else None,
                 os.path.join(new, n) if os.path.exists(os.path.join(new, n)) else None)
                for n in names]
    if os.path.isdir(old) != os.path.isdir(new) and old != "-":
        raise UsageError("diff compares two files or two directories, not one of each")
    return [(old, new)]


def _one(args, old_path, new_path, old_series, new_series) -> dict | None:
    try:
        component = (schema.load(args.component) if args.component else
                     _component_of(old_path, new_path))
    except ComponentError as err:
        raise UsageError(str(err)) from None
    except schema.SchemaError as err:
        raise UsageError(str(err)) from None
    if old_path is not None and new_path is not None and \
            not component.present(new_series) and not component.present(old_series):
        raise UsageError(f"{component.name} does not exist in {new_series}")
    try:
        old_loaded = _loaded(old_path, component, old_series)
        new_loaded = _loaded(new_path, component, new_series)
    except InputError as err:
        raise UsageError(str(err)) from None
    redactor = redact.for_documents(component, [*old_loaded.documents,
                                                *new_loaded.documents])
    environ = dict(os.environ)
    result = compare(effective.build(old_loaded, component, old_series, environ),
                     effective.build(new_loaded, component, new_series, environ), redactor)
    label = new_path or old_path or component.file
    if args.format == "json":
        return _json(result, label, args.cosmetic)
    _text(result, label, args.cosmetic, only_one_side=(old_path is None) != (new_path is None)
          and not args.defaults)
    return {"changes": result.real_changes}


def _component_of(old_path: str | None, new_path: str | None) -> schema.Component:
    """From either file's name (``diff server.cfg server.cfg.new``); both must agree."""
    named = [p for p in (new_path, old_path) if p not in (None, "-")]
    found = {p: schema.component_for_filename(p) for p in named}
    known = {name for name in found.values() if name}
    if len(known) > 1:
        told = ", ".join(f"{p} is {n}'s" for p, n in found.items() if n)
        raise ComponentError(f"the files are of different components ({told});"
                             " give the one to compare as with --component")
    if not known:
        if len(named) > 1:
            raise ComponentError(f"cannot tell the component from the file names {named[1]}"
                                 f" and {named[0]}; give it with --component"
                                 " (e.g. --component server)")
        return pick_component(named[0] if named else "-", None)
    return schema.load(known.pop())


def _loaded(path, component, series):
    if path is None:
        return loaded_of(None, component)
    name, data = read_input(path, "<dump>" if path == "-" else None)
    return loaded_of(name, component, data, series)


def _json(result: DiffResult, label: str, cosmetic: bool) -> dict:
    changes = [c for c in result.changes if cosmetic or c.kind != "cosmetic"]
    return {"file": label, "component": result.component.name,
            "release_old": result.old_series, "release_new": result.new_series,
            "verdict": result.verdict, "restart_options": result.restart_options,
            "new_connection_options": result.new_connection_options,
            "changes": [c.to_dict() for c in changes]}


class _HumanOut:
    """Standard output for people: every line escaped (see escape.human)."""

    def write(self, text: str) -> None:
        sys.stdout.write(escape.human(text.removesuffix("\n")) + "\n")


def _text(result: DiffResult, label: str, cosmetic: bool, only_one_side: bool) -> None:
    out = _HumanOut()
    service = result.component.service
    if only_one_side:
        out.write(f"{label}: only on one side\n")
    for c in result.changes:
        if c.kind == "cosmetic" and not cosmetic:
            continue
        where = ""
        if c.new_where:
            where = f"  ({c.new_where[0]}:{c.new_where[1]})"
        elif c.old_where:
            where = f"  (was {c.old_where[0]}:{c.old_where[1]})"
        if c.kind == "changed":
            what = "changed (secret)" if c.secret else f"{c.shown('old')} -> {c.shown('new')}"
            out.write(f"{label}: {c.option}: {what} [{c.action}]{where}\n")
            if c.verdict.reason:
                out.write(f"    {c.verdict.reason}\n")
        elif c.kind == "cosmetic":
            what = "written differently (secret)" if c.secret else \
                f"{c.shown('old')} -> {c.shown('new')}"
            out.write(f"{label}: {c.option}: {what} [same reading]{where}\n")
        elif c.kind == "unknown-added":
            out.write(f"{label}: {c.option}: added, but unknown to the service"
                      f" {result.new_series}{where}\n")
        else:
            out.write(f"{label}: {c.option}: unknown option removed{where}\n")
    verdict = result.verdict
    text = VERDICT_TEXT[verdict].format(service=service,
                                        names=", ".join(result.new_connection_options))
    if verdict == "restart" and result.restart_options:
        text += f" (for {', '.join(result.restart_options)})"
    if result.old_series != result.new_series and result.real_changes:
        text += f"; {result.old_series} -> {result.new_series} is an upgrade"
    out.write(f"{label}: {text}\n")
