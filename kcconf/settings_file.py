"""Where the project settings are: ``.kcconf.toml`` or a ``pyproject.toml`` with a
``[tool.kcconf]`` table, in the checked path's folder or the nearest one above it, up
to the repository's top folder (the one holding ``.git``), as ruff, yamllint and
shellcheck find theirs. Kept apart from the lint package so that ``kcconf validate``
pays for reading settings only when a file exists.
"""

from __future__ import annotations

import os

NAMES = (".kcconf.toml", "pyproject.toml")


def _has_kcconf_table(path: str) -> bool:
    """A cheap look before parsing: most pyproject.toml files are not ours."""
    try:
        with open(path, "rb") as handle:
            return b"tool.kcconf" in handle.read()
    except OSError:
        return False


def find_settings_file(start: str = ".") -> str | None:
    """The settings file that applies to ``start`` (a file or a folder), or None."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and (name != "pyproject.toml"
                                              or _has_kcconf_table(candidate)):
                return candidate
        if os.path.exists(os.path.join(folder, ".git")):
            return None  # the repository's top: settings above it are another project's
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
