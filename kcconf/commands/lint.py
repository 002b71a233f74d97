"""``kcconf lint``: check a tree of config files for CI and pre-commit."""

from __future__ import annotations

import argparse
import sys

from .. import formats, report, schema
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, use_colour
from ..diagnostics import SEVERITY_RANK
from ..lint import SettingsError, lint, load_settings


def run(args: argparse.Namespace) -> int:
    try:
        if args.release:
            schema.resolve_release(args.release)
        settings = load_settings(args.config)
    except (SettingsError, schema.ReleaseError) as err:
        raise UsageError(str(err)) from None
    fail_on = "warning" if args.strict else args.fail_on
    threshold = SEVERITY_RANK[fail_on]
    formatter = formats.get(args.format, use_colour(args.color, sys.stdout), args.quiet)
    out = sys.stdout
    counts: dict[str, int] = {}
    failing = trouble = False
    files = 0
    formatter.begin(out)
    for result in lint(args.paths or ["."], settings, args.release, args.jobs,
                       args.report_unused_suppressions):
        if result.error:
            sys.stderr.write(f"kcconf: {result.error}\n")
            trouble = True
            continue
        files += 1
        formatter.file(out, result)
        for severity, n in report.count(result.diagnostics).items():
            counts[severity] = counts.get(severity, 0) + n
        if any(SEVERITY_RANK[d.severity] >= threshold for d in result.diagnostics):
            failing = True
    formatter.end(out, counts, files)
    if trouble:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if failing else EXIT_OK
