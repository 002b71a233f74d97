"""KC5xx: checks against this machine, run only with ``--check-host``.

Paths named by options must exist with the right kind (from ``x-kc-path-kind``) when
the effective configuration uses them (``x-kc-used-when``: without a TLS listener the
key file is never opened), the directory of a log file must be writable, and a config
file that holds a secret must not be readable by every user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from ..diagnostics import Diagnostic, make
from . import Context
from .rules import used

KIND_TEST = {
    "file": (stat.S_ISREG, "a regular file"),
    "directory": (stat.S_ISDIR, "a directory"),
    "socket": (stat.S_ISSOCK, "a socket"),
}


def check(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.check_host:
        return
    yield from _paths(ctx)
    yield from _secrets(ctx)


def _paths(ctx: Context) -> Iterator[Diagnostic]:
    for setting in ctx.effective.settings.values():
        option = setting.option
        if option is None or not setting.value or option.type != "path":
            continue
        kind = option.spec.get("x-kc-path-kind")
        must_exist = kind is not None or option.py_check_path
        if not must_exist or "%" in setting.value or not setting.value.startswith("/"):
            continue  # relative paths depend on the service's working directory; words
            # such as 'internal' (built-in user scripts) are not paths
        if not used(ctx, option.spec):
            continue
        a = setting.assignment
        file, line, col = (a.file, a.entry.line, a.entry.value_col) if a else (
            ctx.commented_default(option.name) or (ctx.loaded.root.path, 1, 1))
        path = setting.value
        try:
            info = os.stat(path)
        except OSError:
            if kind == "file" and option.group == "logging":
                parent = os.path.dirname(path) or "."
                if os.path.isdir(parent) and os.access(parent, os.W_OK):
                    continue  # the service creates its log file
            yield make("KC501", file, line, col,
                       f"{option.name}: {path} does not exist on this machine",
                       "Create it, or correct the path.", option=option.name)
            continue
        if kind == "executable":
            if not (stat.S_ISREG(info.st_mode) and os.access(path, os.X_OK)):
                yield make("KC502", file, line, col,
                           f"{option.name}: {path} is not an executable file",
                           f"chmod +x {path}", option=option.name)
        elif kind in KIND_TEST and not KIND_TEST[kind][0](info.st_mode):
            yield make("KC502", file, line, col,
                       f"{option.name}: {path} is not {KIND_TEST[kind][1]}",
                       "Correct the path.", option=option.name)
        elif kind == "file" and not os.access(path, os.R_OK):
            yield make("KC502", file, line, col,
                       f"{option.name}: {path} is not readable by this user",
                       "Check its owner and mode.", option=option.name)


def _secrets(ctx: Context) -> Iterator[Diagnostic]:
    holders: dict[str, str] = {}
    for setting in ctx.effective.settings.values():
        option = setting.option
        a = setting.assignment
        if option is not None and option.secret and a is not None and setting.value:
            holders.setdefault(a.file, option.name)
    for file, name in holders.items():
        try:
            mode = os.stat(file).st_mode
        except OSError:
            continue
        if mode & stat.S_IROTH:
            yield make("KC503", file, 1, 1,
                       f"this file holds {name} and every user on the machine can read it",
                       f"chmod o-r {file}", option=name)
