"""``kcconf man COMPONENT``: the man page kopano-COMPONENT.cfg(5), as roff or reST."""

from __future__ import annotations

import argparse
import sys

from .. import schema
from ..atomic import WriteError, write_atomic
from ..cli import EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    if args.component not in schema.component_names():
        raise UsageError(f"unknown component {args.component!r}; known:"
                         f" {', '.join(schema.component_names())}")
    try:
        series = schema.resolve_release(args.release)
    except schema.ReleaseError as err:
        raise UsageError(str(err)) from None
    component = schema.load(args.component)
    if not component.present(series):
        raise UsageError(f"{args.component} does not exist in Kopano {series}")
    from ..render import manpage, rst

    source = rst.render_component(component, series)
    text = source if args.rst else manpage.to_roff(source)
    if args.output:
        try:
            write_atomic(args.output, text.encode("utf-8"))
        except WriteError as err:
            raise UsageError(str(err)) from None
    else:
        sys.stdout.write(text)
    return EXIT_OK
