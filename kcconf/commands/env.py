"""``kcconf env``: apply KCCONF_* variables to the files in a directory, validated first."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .. import escape, schema
from ..atomic import WriteError, locked
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..edit import redactor_for, unified_diff
from ..envconfig import EnvError, plan, redactor, write
from . import error


def run(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.dir):
        raise UsageError(f"{args.dir}: no such directory")
    try:
        series = schema.resolve_release(args.release)
    except schema.ReleaseError as err:
        raise UsageError(str(err)) from None
    try:
        plans = plan(os.environ, args.dir, series, args.prefix, args.force)
        if not args.dry_run:
            # Plan again under the locks of every file it touches, then write them all.
            with locked([p.path for p in plans], args.follow_symlinks):
                plans = plan(os.environ, args.dir, series, args.prefix, args.force)
                write(plans, backup=args.backup, follow_symlinks=args.follow_symlinks)
    except EnvError as err:
        masks = redactor(os.environ, args.prefix)
        for problem in err.problems:
            error(masks.text(problem))
        error(f"{len(err.problems)} problem(s); no file changed")
        return EXIT_FINDINGS
    except WriteError as err:
        raise UsageError(str(err)) from None
    if args.format == "json":
        files = [{"file": p.path, "variables": p.variables, "changed": p.new != p.old,
                  "edits": [{"option": e.option, "action": e.action, "line": e.line}
                            for e in p.edits]} for p in plans]
        json.dump(escape.machine_data({"files": files, "written": not args.dry_run}),
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.dry_run:
        for p in plans:
            sys.stdout.write(unified_diff(p.path, p.old, p.new,
                                          redactor_for(p.path, p.component, p.old, p.new)))
    if not args.dry_run and args.format == "text":
        for p in plans:
            for e in p.edits:
                sys.stdout.write(escape.human(f"{p.path}:{e.line}: {e.option}: {e.action}")
                                 + "\n")
    return EXIT_OK
