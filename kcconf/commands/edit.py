"""``kcconf set`` and ``kcconf unset``: validated, atomic, byte-preserving edits."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext

from .. import escape, schema
from ..atomic import WriteError, locked, write_atomic
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..edit import EditError, apply, redactor_for, unified_diff
from ..loader import InputError, read_bytes
from ..validate import ComponentError, pick_component
from . import error


def parse_assignments(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"{item!r}: write NAME=VALUE")
        name, value = item.split("=", 1)
        values[name.strip()] = value.strip()
    return values


def run(args: argparse.Namespace) -> int:
    try:
        component = pick_component(args.file, args.component)
        series = schema.resolve_release(args.release)
    except (ComponentError, schema.ReleaseError) as err:
        raise UsageError(str(err)) from None
    set_values = parse_assignments(args.assignments) if args.command == "set" else None
    unset = args.names if args.command == "unset" else None
    try:
        # Read, edit and write under one lock: a concurrent kcconf waits its turn.
        with nullcontext() if args.dry_run else locked([args.file], args.follow_symlinks):
            data = read_bytes(args.file)
            try:
                new, edits = apply(args.file, data, component, series, set_values, unset,
                                   force=getattr(args, "force", False))
            except EditError as err:
                masks = redactor_for(args.file, component, data)
                for name, value in (set_values or {}).items():
                    masks.learn_assignment(name, value)
                error(masks.text(f"{args.file}: {err}; nothing written"))
                return EXIT_FINDINGS
            if args.dry_run:
                sys.stdout.write(unified_diff(args.file, data, new,
                                              redactor_for(args.file, component, data, new)))
                return EXIT_OK
            if new != data:
                write_atomic(args.file, new, backup=args.backup,
                             follow_symlinks=args.follow_symlinks, original=data)
    except (WriteError, InputError) as err:
        raise UsageError(str(err)) from None
    for edit in edits:
        sys.stdout.write(escape.human(f"{args.file}:{edit.line}: {edit.option}: {edit.action}")
                         + "\n")
    return EXIT_OK
