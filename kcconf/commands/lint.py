"""``kcconf lint``: check a tree of config files for CI and pre-commit.

Findings go to standard output in the chosen format as files finish; input errors go to
standard error, one line each, and the other files are still checked. Exit status: 0
clean, 1 a finding at or above --fail-on, 2 a usage or input error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from .. import formats, schema
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, check_include_root, use_colour
from ..diagnostics import SEVERITY_RANK
from ..lint import FixMode, SettingsError, lint, load_settings
from . import error, fix_mode


def run(args: argparse.Namespace) -> int:
    try:
        if args.release:
            schema.resolve_release(args.release)
        settings = load_settings(args.config)
        if args.include_root:
            settings.include_root = args.include_root
    except (SettingsError, schema.ReleaseError) as err:
        raise UsageError(str(err)) from None
    check_include_root(settings.include_root)
    if args.jobs < 0:
        raise UsageError(f"--jobs must be 0 (one per CPU) or more, not {args.jobs}")
    fix = fix_mode(args)
    threshold = SEVERITY_RANK["warning" if args.strict else args.fail_on]
    out = sys.stdout
    with contextlib.suppress(AttributeError, ValueError):
        # Bytes that are not UTF-8 show as escapes rather than stopping the output.
        out.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    formatter = formats.get(args.format, colour=use_colour(args.color, out), quiet=args.quiet)
    totals = formats.Totals(fixing=fix is not None)
    failing = False
    if fix is not None and fix.diff:
        return _show_diffs(args, settings, fix)
    streaming = args.format in ("text", "github")
    formatter.begin(out)
    for result in lint(args.paths or ["."], settings, args.release, args.jobs,
                       args.report_unused_suppressions, fix):
        totals.add(result)
        if result.error is not None:
            if args.format == "github":
                from ..formats.github import error_line

                sys.stderr.write(error_line(result.error) + "\n")
            else:
                error(result.error)
        elif not failing:
            failing = any(SEVERITY_RANK[d.severity] >= threshold for d in result.diagnostics)
        formatter.file(out, result)
        if streaming and (result.diagnostics or result.error):
            out.flush()  # CI logs show findings as they come
    formatter.end(out, totals)
    out.flush()
    if totals.unreadable:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if failing else EXIT_OK


def _show_diffs(args: argparse.Namespace, settings, fix: FixMode) -> int:
    """``--diff``: the fixes as one unified diff per file; nothing written. Exit 1 when
    there is something to fix, so a CI step can ask whether fixes are pending."""
    totals = formats.Totals(fixing=True)
    for result in lint(args.paths or ["."], settings, args.release, args.jobs,
                       args.report_unused_suppressions, fix):
        totals.add(result)
        if result.error is not None:
            error(result.error)
        if result.diff:
            sys.stdout.write(result.diff)
    if not args.quiet:
        files = "file" if totals.fixed_files == 1 else "files"
        remaining = sum(totals.counts.values())
        sys.stderr.write(f"would fix {totals.fixed} in {totals.fixed_files} {files};"
                         f" {remaining} findings remain after the fixes\n")
    if totals.unreadable:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if totals.fixed else EXIT_OK
