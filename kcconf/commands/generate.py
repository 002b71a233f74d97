"""``kcconf generate [--check]``: keep etc/kopano/, man/ and docs/reference/ in step."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..atomic import WriteError
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..generate import drift, write_all


def checkout_root(given: str | None) -> Path:
    root = Path(given) if given else Path(__file__).resolve().parent.parent.parent
    if not (root / "schemas" / "kopano.json").is_file() or not (root / "pyproject.toml").is_file():
        raise UsageError(f"{root}: not a kcconf checkout (no schemas/ and pyproject.toml);"
                         " give one with --root")
    return root


def run(args: argparse.Namespace) -> int:
    root = checkout_root(args.root)
    if args.check:
        changed = drift(root)
        for relative in changed:
            sys.stdout.write(f"{relative}: out of date; run 'kcconf generate'\n")
        return EXIT_FINDINGS if changed else EXIT_OK
    try:
        for relative in write_all(root):
            sys.stdout.write(f"wrote {relative}\n")
    except WriteError as err:
        raise UsageError(str(err)) from None
    return EXIT_OK
