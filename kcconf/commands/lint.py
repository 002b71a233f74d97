"""``kcconf lint``: check a tree of config files for CI and pre-commit.

Findings go to standard output in the chosen format as files finish; input errors go to
standard error, one line each, and the other files are still checked. Exit status: 0
clean, 1 a finding at or above --fail-on, 2 a usage or input error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from .. import escape, formats, schema
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, check_include_root, use_colour
from ..diagnostics import FROM_WORD, SEVERITY_RANK
from ..lint import SettingsError, lint, list_files, load_settings
from . import error


def _start(paths: list[str]) -> str:
    """Where the settings search begins: the first path named (a glob: its fixed part)."""
    for path in paths:
        if path != "-":
            fixed = path.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
            return fixed or "."
    return "."


def run(args: argparse.Namespace) -> int:
    try:
        if args.release:
            schema.resolve_release(args.release)
        settings = load_settings(args.config, start=_start(args.paths))
        if args.include_root:
            settings.include_root = args.include_root
    except (SettingsError, schema.ReleaseError) as err:
        raise UsageError(str(err)) from None
    check_include_root(settings.include_root)
    if args.jobs < 0:
        raise UsageError(f"--jobs must be 0 (one per CPU) or more, not {args.jobs}")
    if args.list_files:
        return _list(args, settings)
    threshold = SEVERITY_RANK["warning" if args.strict else FROM_WORD[args.fail_on]]
    out = sys.stdout
    with contextlib.suppress(AttributeError, ValueError):
        # Bytes that are not UTF-8 show as escapes rather than stopping the output.
        out.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    formatter = formats.get(args.format, colour=use_colour(args.color, out), quiet=args.quiet)
    totals = formats.Totals()
    failing = False
    streaming = args.format in ("text", "github")
    formatter.begin(out)
    for result in lint(args.paths or ["."], settings, args.release, args.jobs,
                       args.report_unused_suppressions):
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


def _list(args: argparse.Namespace, settings) -> int:
    """One line per file lint would check: path, component, release and the reason."""
    out = sys.stdout
    placed = unplaced = trouble = 0
    for entry in list_files(args.paths or ["."], settings, args.release):
        if entry.error is not None:
            error(entry.error)
            trouble += 1
            continue
        path, why = escape.human(entry.path), escape.human(entry.why)
        if entry.component is None:
            unplaced += 1
            out.write(f"{path}: not placed: {why}\n")
        else:
            placed += 1
            out.write(f"{path}: {entry.component}, release {entry.release}: {why}\n")
    if not args.quiet:
        out.write(f"{placed + unplaced} file(s): {placed} placed, {unplaced} not placed\n")
    out.flush()
    return EXIT_TROUBLE if trouble else EXIT_OK
