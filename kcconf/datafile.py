"""The JSON data files kcconf reads at every start (the schemas, codes.json), through a
marshal copy kept beside each, as Python keeps .pyc files beside modules.

Importing json and parsing a component's schema was a tenth of the CPU time of
``kcconf validate`` of one file; reading the same values back with marshal takes a
fraction of it. The copy is made from the JSON file on the first read and holds that
file's bytes, and it is used only while the file has exactly those bytes: an edited,
replaced or regenerated file is parsed again, so the copy cannot go stale. It lives in
``__pycache__`` beside the file, is written only where Python writes bytecode (not under
``PYTHONDONTWRITEBYTECODE`` or ``-B``), and where the folder is not writable every read
parses the file, as before.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MAGIC = b"kcconf json copy 1\n"
"""Starts every copy; the Python version is in the file name (marshal's format)."""
_NONE = object()
"""What _read_copy returns for no usable copy (None is a JSON value)."""


def load(path: str) -> Any:
    """The value of the JSON file at ``path`` (UTF-8), as ``json.load`` gives it.

    Raises what reading and parsing raise: OSError, UnicodeDecodeError and
    json.JSONDecodeError (both ValueError)."""
    with open(path, "rb") as handle:
        data = handle.read()
    copy = _copy_path(path)
    head = _MAGIC + len(data).to_bytes(8, "little")
    if copy is not None:
        value = _read_copy(copy, head, data)
        if value is not _NONE:
            return value
    import json  # only here: most runs read every file from its copy

    value = json.loads(data.decode("utf-8"))
    if copy is not None and not sys.dont_write_bytecode:
        write_whole(copy, head + data + marshal.dumps(value))
    return value


def _copy_path(path: str) -> str | None:
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, "__pycache__", f"{name}.{tag}.marshal")


def _read_copy(copy: str, head: bytes, data: bytes) -> Any:
    """The copy's value if it was made from exactly ``data``, else _NONE."""
    try:
        with open(copy, "rb") as handle:
            stored = handle.read()
    except OSError:
        return _NONE
    start = len(head) + len(data)
    if not stored.startswith(head) or not stored.startswith(data, len(head)):  # no copying
        return _NONE
    try:
        return marshal.loads(memoryview(stored)[start:])
    except (EOFError, ValueError, TypeError):  # a truncated or damaged copy
        return _NONE


def write_whole(copy: str, content: bytes) -> None:
    """Write a cached copy whole or not at all (another process may be reading it), its
    folder made if need be; where that fails, nothing is written."""
    temporary = f"{copy}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, copy)
    except OSError:  # a read-only installation: parse each time, as before
        with contextlib.suppress(OSError):
            os.unlink(temporary)
