"""``kcconf defaults COMPONENT``: the annotated default config on standard output."""

from __future__ import annotations

import argparse
import sys

from ..cli import EXIT_OK, UsageError
from ..render import defaults
from ..schema import ReleaseError, SchemaError, component_names, load, resolve_release


def run(args: argparse.Namespace) -> int:
    if args.component not in component_names():
        raise UsageError(f"unknown component {args.component!r}; known:"
                         f" {', '.join(component_names())}")
    try:
        series = resolve_release(args.release)
    except ReleaseError as err:
        raise UsageError(str(err)) from None
    try:
        component = load(args.component)
    except SchemaError as err:
        raise UsageError(str(err)) from None
    if not component.present(series):
        raise UsageError(f"{args.component} does not exist in Kopano {series}"
                         f" (it starts in {component.first_series()})")
    sys.stdout.write(defaults.render(component, series))
    return EXIT_OK
