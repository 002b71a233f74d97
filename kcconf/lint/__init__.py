"""kcconf lint: find config files in a tree, place each one, check them in parallel.

A file's component and release come, in this order, from a ``# kcconf: component=...
release=...`` comment line in the file, from the project settings (``.kcconf.toml`` or
``[tool.kcconf]`` in ``pyproject.toml``), and from the file name; ``--release`` and the
settings' ``release`` are the defaults. Files that cannot be placed are reported
(KC602, a note), never guessed. Results come in the order files were found; only
results that arrive early are held back, and only a bounded number of files is in
flight, so memory does not grow with the size of the tree.

The modules: ``settings`` (the project settings), ``discovery`` (finding files),
``templates`` (masking template lines), ``check`` (one file), ``pool`` (many files).
"""

from .check import (
    FixMode,
    Listed,
    check_bytes,
    fix_file,
    lint_file,
    list_file,
    place,
    safe_lint_file,
)
from .discovery import discover, is_candidate, list_files
from .pool import lint
from .result import FileResult
from .settings import (
           PathPattern,
           ProjectSettings,
           SettingsError,
           load_settings,
           matches,
           parse_settings,
)
from .templates import is_template, mask_template_lines

__all__ = [
           "FileResult",
           "FixMode",
           "Listed",
           "PathPattern",
           "ProjectSettings",
           "SettingsError",
           "check_bytes",
           "discover",
           "fix_file",
           "is_candidate",
           "is_template",
           "lint",
           "lint_file",
           "list_file",
           "list_files",
           "load_settings",
           "mask_template_lines",
           "matches",
           "parse_settings",
           "place",
           "safe_lint_file",
]
