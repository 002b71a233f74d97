"""``kcconf upgrade FILE --from X.Y --to X.Y``: rewrite for another release."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext

from .. import escape, schema
from ..atomic import WriteError, locked, write_atomic
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..edit import EditError, edit_errors, redactor_for, unified_diff
from ..loader import InputError, read_bytes
from ..upgrade import upgrade
from ..validate import ComponentError, pick_component
from . import error


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
    masks = redactor_for(args.file, component, data, report.new)
    if problems:
        for d in problems:
            error(masks.text(f"{args.file}:{d.line}: {d.message}"))
        error(f"{args.file}: the upgraded file would not be valid; nothing written")
        return EXIT_FINDINGS
    if args.dry_run:
        sys.stdout.write(unified_diff(args.file, data, report.new, masks))
    elif report.new != data:
        try:
            write_atomic(args.file, report.new, backup=args.backup,
                         follow_symlinks=args.follow_symlinks, original=data)
        except WriteError as err:
            raise UsageError(str(err)) from None

    def say(line: str) -> None:
        sys.stdout.write(escape.human(masks.text(line)) + "\n")

    for old, new, line in report.renamed:
        say(f"{args.file}:{line}: {old} renamed to {new}")
    for name, why, line in report.removed:
        say(f"{args.file}:{line}: {name} commented out: {why}")
    for ident, target, value in report.converted:
        say(f"{args.file}: {target} = {masks.value(target, value)} written ({ident})")
    if report.defaults:
        say(f"defaults that change from {from_series} to {to_series}"
            " (options not set in the file):")
        for name, old, new in report.defaults:
            old_text = masks.value(name, repr(old)) if old else repr(old)
            new_text = masks.value(name, repr(new)) if new else repr(new)
            say(f"  {name}: {old_text} -> {new_text}")
    for decision in report.decisions:
        say(f"needs a decision: {decision}")
    return EXIT_OK
