"""``kcconf lint``: check a tree of config files for CI and pre-commit.

Findings go to standard output in the chosen format as files finish; input errors go to
standard error, one line each, and the other files are still checked. Exit status: 0
clean, 1 a finding at or above --fail-on, 2 a usage or input error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import Counter
from collections.abc import Iterator
from typing import TextIO

from .. import escape, formats, schema
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, check_include_root, use_colour
from ..diagnostics import CODES, FROM_WORD, SEVERITY_RANK
from ..lint import FileResult, SettingsError, lint, lint_file, list_files, load_settings
from ..selection import SelectionError, selected_codes
from . import error, fix_mode, read_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..fixing import FixMode


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
    if args.component:
        if args.component not in schema.component_names():
            raise UsageError(f"unknown component {args.component!r}; known:"
                             f" {', '.join(schema.component_names())}")
        settings.component = args.component
    try:
        wanted = selected_codes(args.select, args.extend_select, args.ignore)
    except SelectionError as err:
        raise UsageError(str(err)) from None
    settings.selection = wanted
    settings.max_findings = args.max_findings
    fix = fix_mode(args)
    if fix is not None and wanted is not None:
        fix = fix.only(wanted.codes())  # fixes of codes not reported are not applied either
    threshold = SEVERITY_RANK["warning" if args.strict else FROM_WORD[args.fail_on]]
    out = sys.stdout
    with contextlib.suppress(AttributeError, ValueError):
        # Bytes that are not UTF-8 show as escapes rather than stopping the output.
        out.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    formatter = formats.get(args.format, colour=use_colour(args.color, out), quiet=args.quiet,
                            hints=not args.no_hints)
    totals = formats.Totals(fixing=fix is not None)
    if fix is not None and fix.diff:
        return _show_diffs(args, settings, fix)
    per_code: Counter[str] = Counter()
    failing = False
    streaming = args.format in ("text", "github")
    formatter.begin(out)
    for result in _results(args, settings, fix):
        if wanted is not None:
            result.diagnostics = [d for d in result.diagnostics if d in wanted]
        totals.add(result)
        for d in result.diagnostics:
            per_code[d.code] += d.weight
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
    if args.statistics:
        # beside the findings for text; on stderr where stdout must stay one document
        _statistics(out if args.format == "text" else sys.stderr, per_code)
    out.flush()
    if not (totals.checked or totals.unplaced or totals.unreadable):
        error(f"warning: no config files found in {', '.join(args.paths or ['.'])}")
    if totals.unreadable:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


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


def _results(args: argparse.Namespace, settings, fix: FixMode | None = None
             ) -> Iterator[FileResult]:
    """Files from the paths, in parallel; '-' is standard input, named --stdin-filename."""
    if args.paths == ["-"]:
        name, data = read_input("-", args.stdin_filename)
        if fix is not None and not fix.diff:
            raise UsageError("--fix cannot write back to standard input; use --diff")
        yield lint_file(name, settings, args.release, args.report_unused_suppressions, data,
                        fix=fix)
        return
    if "-" in args.paths:
        raise UsageError("'-' (standard input) cannot be mixed with other paths")
    yield from lint(args.paths or ["."], settings, args.release, args.jobs,
                    args.report_unused_suppressions, fix)


def _statistics(out: TextIO, per_code: Counter[str]) -> None:
    """Findings per code, most first, as ruff --statistics prints them."""
    for code, count in sorted(per_code.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:5d}  {code}  {CODES[code].name if code in CODES else ''}\n")


def _show_diffs(args: argparse.Namespace, settings, fix: FixMode) -> int:
    """``--diff``: the fixes as one unified diff per file; nothing written. Exit 1 when
    there is something to fix, so a CI step can ask whether fixes are pending."""
    totals = formats.Totals(fixing=True)
    for result in _results(args, settings, fix):
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
