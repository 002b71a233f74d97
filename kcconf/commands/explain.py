"""``kcconf explain [CODE|NAME]``: a diagnostic code's documentation, offline; the code
or its name (``KC303`` or ``inline-comment``), as ``ruff rule`` takes either."""

from __future__ import annotations

import argparse
import sys

from ..cli import EXIT_OK, UsageError
from ..diagnostics import WORD
from ..render import codes


def run(args: argparse.Namespace) -> int:
    known = {e["code"]: e for e in codes.entries()}
    if not args.code:
        for entry in known.values():
            sys.stdout.write(f"{entry['code']}  {WORD[entry['severity']]:<7}  {entry['name']}:"
                             f" {entry['summary']}\n")
        return EXIT_OK
    by_name = {e["name"]: e for e in known.values()}
    entry = known.get(args.code.upper()) or by_name.get(args.code.lower())
    if entry is None:
        raise UsageError(f"unknown code or name {args.code!r}; 'kcconf explain' lists them")
    sys.stdout.write(codes.explain(entry))
    return EXIT_OK
