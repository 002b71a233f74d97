"""``kcconf upgrade FILE --from X.Y --to X.Y``: rewrite for another release."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext

from .. import schema
from ..atomic import WriteError, locked, write_atomic
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..edit import EditError, edit_errors, unified_diff
from ..loader import InputError, read_bytes
from ..upgrade import upgrade
from ..validate import ComponentError, pick_component


def run(args: argparse.Namespace) -> int:
    try:
        with nullcontext() if args.dry_run else locked([args.file], args.follow_symlinks):
            return _run_locked(args)
    except WriteError as err:
        raise UsageError(str(err)) from None


def _run_locked(args: argparse.Namespace) -> int:
    try:
        component = pick_component(args.file, args.component)
        from_series = schema.resolve_release(args.from_release)
        to_series = schema.resolve_release(args.to_release)
        data = read_bytes(args.file)
        report = upgrade(args.file, data, component, from_series, to_series)
    except (ComponentError, schema.ReleaseError, InputError, EditError) as err:
        raise UsageError(str(err)) from None
    touched = {t for _, t, _ in report.converted} | {n for _, n, _ in report.renamed}
    problems = edit_errors(args.file, report.new, component, to_series, touched, None)
    if problems:
        for d in problems:
            sys.stderr.write(f"kcconf: {args.file}:{d.line}: {d.message}\n")
        sys.stderr.write(f"kcconf: {args.file}: the upgraded file would not be valid;"
                         " nothing written\n")
        return EXIT_FINDINGS
    out = sys.stdout
    if args.dry_run:
        out.write(unified_diff(args.file, data, report.new))
    elif report.new != data:
        try:
            write_atomic(args.file, report.new, backup=args.backup,
                         follow_symlinks=args.follow_symlinks, original=data)
        except WriteError as err:
            raise UsageError(str(err)) from None
    for old, new, line in report.renamed:
        out.write(f"{args.file}:{line}: {old} renamed to {new}\n")
    for name, why, line in report.removed:
        out.write(f"{args.file}:{line}: {name} commented out: {why}\n")
    for ident, target, value in report.converted:
        shown = "***" if component.option(target, to_series).secret else value
        out.write(f"{args.file}: {target} = {shown} written ({ident})\n")
    if report.defaults:
        out.write(f"defaults that change from {from_series} to {to_series}"
                  " (options not set in the file):\n")
        for name, old, new in report.defaults:
            secret = component.option(name, to_series).secret
            old_text = "***" if secret and old else repr(old)
            new_text = "***" if secret and new else repr(new)
            out.write(f"  {name}: {old_text} -> {new_text}\n")
    for decision in report.decisions:
        out.write(f"needs a decision: {decision}\n")
    return EXIT_OK
