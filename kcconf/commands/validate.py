"""``kcconf validate``: diagnostics for config files, as text or JSON."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from .. import report
from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, UsageError, check_include_root, use_colour
from ..fragments import is_fragment_dir
from ..loader import InputError
from ..schema import ReleaseError, resolve_release
from ..validate import ComponentError
from ..validate import run as validate_one
from . import error, read_input

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


def run(args: argparse.Namespace) -> int:
    try:
        resolve_release(args.release)
    except ReleaseError as err:
        raise UsageError(str(err)) from None
    check_include_root(args.include_root)
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
                                  include_root=args.include_root)
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
        sys.stdout.write(report.summary(counts, checked) + "\n")
    if trouble:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if any(d.severity in failing for d in all_diagnostics) else EXIT_OK
