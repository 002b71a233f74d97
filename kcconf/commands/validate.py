"""``kcconf validate``: diagnostics for config files, as text or JSON."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from .. import report
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, check_include_root, use_colour
from ..diagnostics import weighed
from ..fragments import is_fragment_dir
from ..loader import InputError
from ..schema import ReleaseError, resolve_release
from ..validate import ComponentError
from ..validate import run as validate_one
from . import error, fix_mode, read_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..lint import ProjectSettings


def _settings_for(path: str) -> ProjectSettings | None:
    """The project settings lint uses for this file (its disable, severity and release),
    or None where there are none; read only when a settings file exists."""
    from ..settings_file import find_settings_file

    found = find_settings_file(path)
    return None if found is None else _load(found)


@functools.lru_cache(maxsize=16)
def _load(found: str) -> ProjectSettings:
    from ..lint import SettingsError, load_settings

    try:
        return load_settings(os.path.relpath(found))
    except SettingsError as err:
        raise UsageError(str(err)) from None


def _limit(args: argparse.Namespace, fix: object) -> int:
    """Findings kept per code and file: all of them when fixing, so that every fixable
    finding is fixed and every one left is shown."""
    return 0 if fix is not None else args.max_findings


def _wanted(settings: ProjectSettings | None):
    """The settings' disable table, asked before the findings limit (see lint.check)."""
    if settings is None or not settings.disable:
        return None
    from ..lint.check import reported

    return reported(settings)


def run(args: argparse.Namespace) -> int:
    try:
        resolve_release(args.release)
    except ReleaseError as err:
        raise UsageError(str(err)) from None
    check_include_root(args.include_root)
    fix = fix_mode(args)
    if fix is not None and not fix.diff and "-" in args.files:
        raise UsageError("--fix cannot write back to standard input; use --diff")
    fixed = 0
    colour = use_colour(args.color, sys.stdout)
    failing = {"error", "warning"} if args.strict else {"error"}
    trouble = False
    all_diagnostics = []
    json_files = []
    checked = 0
    for path in args.files:
        if path != "-" and os.path.isdir(path) and not is_fragment_dir(path):
            # A folder named like a config (server.cfg/) is a fragment directory, checked as
            # the file its fragments make; any other folder is lint's job.
            error(f"{path}: is a directory; 'kcconf lint {path}' checks the config files"
                  " in it")
            trouble = True
            continue
        try:
            name, data = read_input(path, args.stdin_filename)
            settings = _settings_for(name if path != "-" or args.stdin_filename else ".")
            release = args.release or (settings.release if settings else None)
            result = validate_one(name, args.component, release, data=data,
                                  check_host=args.check_host,
                                  include_root=args.include_root,
                                  max_findings=_limit(args, fix),
                                  wanted=_wanted(settings))
            if fix is not None and any(d.fixes for d in result.diagnostics):
                result, count = _fix(args, name, data, result, fix, release)
                fixed += count
        except (InputError, ComponentError, UsageError) as err:
            error(str(err))
            trouble = True
            continue
        if settings is not None:
            from ..lint.check import finish

            result.diagnostics = finish(result.diagnostics, settings)
        checked += 1
        all_diagnostics.extend(result.diagnostics)
        if args.format == "json":
            json_files.append({"file": result.path, "component": result.component.name,
                               "release": result.series,
                               "diagnostics": [d.to_dict() for d in result.diagnostics]})
        else:
            report.write_text(sys.stdout, result.diagnostics, colour, hints=not args.no_hints)
    counts = report.count(all_diagnostics)
    if args.format == "json":
        report.write_json(sys.stdout, json_files, counts)
    elif not args.quiet:
        line = report.summary(counts, checked)
        if fix is not None:
            verb = "would fix" if fix.diff else "fixed"
            line += f"; {verb} {fixed}, {weighed(all_diagnostics)} remain"
        sys.stdout.write(line + "\n")
    if trouble:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if any(d.severity in failing for d in all_diagnostics) else EXIT_OK


def _fix(args: argparse.Namespace, path: str, data: bytes | None, result, fix,
         release: str | None):
    """Apply the file's fixes (``validate --fix``) under its lock, or print them as a
    diff; the result of checking the fixed file, and how many fixes were applied."""
    from ..atomic import WriteError
    from ..loader import read_bytes

    if data is None:
        if os.path.isdir(path):
            return result, 0  # a fragment directory: its files are fixed one by one
        data = read_bytes(path)
    if result.loaded.root.data != data:
        return result, 0  # a template, checked with its template lines masked

    def check(new: bytes):
        again = validate_one(path, args.component, release, data=new,
                             check_host=args.check_host, include_root=args.include_root,
                             max_findings=0)
        return again.diagnostics, again.effective

    try:
        return _fix_locked(args, path, data, result, fix, release, check)
    except WriteError as err:  # one line, like every input error (atomic stays lazy)
        raise UsageError(str(err)) from None


def _fix_locked(args, path, data, result, fix, release, check):
    """``_fix`` from reading the file under its lock to writing it."""
    from contextlib import nullcontext

    from ..atomic import locked, write_atomic
    from ..edit import redactor_for, unified_diff
    from ..fixing import fix_loop
    from ..loader import read_bytes

    with nullcontext() if fix.diff else locked([path]):
        if not fix.diff:
            current = read_bytes(path)
            if current != data:
                data = current
                result = validate_one(path, args.component, release, data=data,
                                      check_host=args.check_host,
                                      include_root=args.include_root, max_findings=0)
        outcome = fix_loop(path, data, check, fix.unsafe, (result.diagnostics,
                                                             result.effective))
        if outcome.data == data:
            return result, 0
        final = validate_one(path, args.component, release, data=outcome.data,
                             check_host=args.check_host, include_root=args.include_root,
                             max_findings=0)
        if fix.diff:
            masks = redactor_for(path, result.component, data, outcome.data)
            sys.stdout.write(unified_diff(path, data, outcome.data, masks))
        else:
            write_atomic(path, outcome.data, original=data)
        return final, outcome.fixed
