"""``kcconf explain [CODE]``: a diagnostic code's documentation, offline."""

from __future__ import annotations

import argparse
import sys

from ..cli import EXIT_OK, UsageError
from ..render import codes


def run(args: argparse.Namespace) -> int:
    known = {e["code"]: e for e in codes.entries()}
    if not args.code:
        for entry in known.values():
            sys.stdout.write(f"{entry['code']}  {entry['severity']:<7}  {entry['name']}:"
                             f" {entry['summary']}\n")
        return EXIT_OK
    code = args.code.upper()
    if code not in known:
        raise UsageError(f"unknown code {args.code!r}; 'kcconf explain' lists them")
    sys.stdout.write(codes.explain(known[code]))
    return EXIT_OK
