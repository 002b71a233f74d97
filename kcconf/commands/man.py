"""``kcconf man COMPONENT``: the man page kopano-COMPONENT.cfg(5), as roff or reST.

Without ``--release`` this is the installed page; with it, the page for that release,
which the installed pages cannot offer.
"""

from __future__ import annotations

import argparse
import sys

from .. import schema
from ..atomic import WriteError, write_atomic
from ..cli import EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    names = schema.component_names()
    if args.component not in names:
        raise UsageError(f"unknown component {args.component!r}; known: {', '.join(names)}")
    try:
        series = schema.resolve_release(args.release)
        component = schema.load(args.component)
    except (schema.ReleaseError, schema.SchemaError) as err:
        raise UsageError(str(err)) from None
    if not component.present(series):
        raise UsageError(f"{args.component} does not exist in Kopano {series}"
                         f" (it starts in {component.first_series()})")
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
