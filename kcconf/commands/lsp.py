"""``kcconf lsp``: the language server, over standard input and output.

pygls is an optional extra (``pip install 'kcconf[lsp]'``); it is imported only here,
when the command runs, so no other command pays for it.
"""

from __future__ import annotations

import argparse

from ..cli import EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    if args.debounce < 0:
        raise UsageError(f"--debounce must be 0 or more milliseconds, not {args.debounce}")
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError("kcconf lsp needs pygls: install kcconf with the 'lsp' extra"
                         " (pip install 'kcconf[lsp]')") from None
    from ..lsp.server import serve

    serve(args.debounce / 1000)
    return EXIT_OK
