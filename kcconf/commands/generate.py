"""``kcconf generate [--check]``: keep etc/kopano/, man/ and docs/reference/ in step."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..atomic import WriteError
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..generate import drift, write_all


def is_checkout(folder: Path) -> bool:
    return (folder / "schemas" / "kopano.json").is_file() and (folder / "pyproject.toml").is_file()


def checkout_root(given: str | None) -> Path:
    """--root, else the checkout the current folder is in (kcconf may be installed from it
    as a wheel, far from it), else the one an editable install runs from."""
    if given:
        root = Path(given)
        if not is_checkout(root):
            raise UsageError(f"{root}: not a kcconf checkout (no schemas/ and pyproject.toml)")
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    running = Path(__file__).resolve().parent.parent.parent
    if is_checkout(running):
        return running
    raise UsageError(f"{here}: not inside a kcconf checkout (no schemas/ and pyproject.toml"
                     " here or above); run it in one or give one with --root")


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
