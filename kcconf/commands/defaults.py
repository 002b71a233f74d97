"""``kcconf defaults COMPONENT [NAME...]``: the annotated default config on standard
output, or the defaults of the named options (like postconf -d NAME)."""

from __future__ import annotations

import argparse
import sys

from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..render import defaults
from ..schema import Component, ReleaseError, SchemaError, component_names, load, resolve_release


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
    if args.names:
        return _named(component, series, args.names)
    sys.stdout.write(defaults.render(component, series))
    return EXIT_OK


def _named(component: Component, series: str, names: list[str]) -> int:
    """``name = default`` for each option; unknown names on stderr, exit status 1."""
    from ..effective import canonical_name

    options = component.at(series)
    status = EXIT_OK
    for asked in names:
        name = canonical_name(options, asked)
        option = options.get(name) if name else None
        if option is None or not option.present:
            sys.stderr.write(f"kcconf: {asked}: unknown option of {component.file}"
                             f" in Kopano {series}\n")
            status = EXIT_FINDINGS
            continue
        shown = "***" if option.secret and option.default else (option.default or "")
        sys.stdout.write(f"{name} = {shown}\n")
    return status
