"""One module per command; each exposes ``run(args) -> exit status``."""

from __future__ import annotations

import sys

from .. import escape
from ..cli import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..fixing import FixMode


def error(message: str) -> None:
    """One line on standard error, escaped like all text for people (a newline in a
    file name cannot start a line of its own)."""
    sys.stderr.write(f"kcconf: {escape.human(message)}\n")


def read_input(path: str, stdin_name: str | None = None) -> tuple[str, bytes | None]:
    """The name to report and, for '-', the bytes of standard input."""
    if path != "-":
        return path, None
    try:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("'-' reads the config from standard input, but none is piped in")
        from ..loader import MAX_FILE_SIZE

        data = sys.stdin.buffer.read(MAX_FILE_SIZE + 1)
    except (OSError, ValueError) as err:  # closed, or open for writing only
        reason = getattr(err, "strerror", None) or str(err)
        raise UsageError(f"<stdin>: cannot read the config from standard input: {reason}"
                         ) from None
    if len(data) > MAX_FILE_SIZE:
        raise UsageError("<stdin>: too large for a Kopano config file")
    return stdin_name or "<stdin>", data


def fix_mode(args) -> FixMode | None:
    """The fix mode --fix, --unsafe-fixes and --diff ask for (lint and validate);
    --unsafe-fixes alone is a usage error."""
    if not (args.fix or args.diff):
        if args.unsafe_fixes:
            raise UsageError("--unsafe-fixes needs --fix or --diff")
        return None
    from ..fixing import FixMode

    return FixMode(unsafe=args.unsafe_fixes, diff=args.diff)
