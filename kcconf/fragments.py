"""e-smith/NethServer fragment directories: ``templates/etc/kopano/server.cfg/`` holds
fragments (``10base``, ``20ssl``, ``90daemon_and_log``) that are joined in name order
into the real ``/etc/kopano/server.cfg``. kcconf checks the joined text as one file and
reports each finding at the fragment and line it comes from.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable

from .diagnostics import Diagnostic
from .loader import InputError, read_bytes
from .placement import is_fragment_name, looks_like_config
from .records import field, record


def is_fragment_dir(path: str) -> bool:
    """A directory named like a config file (its fragments make that file)."""
    return os.path.isdir(path) and looks_like_config(os.path.basename(os.path.normpath(path)))


def fragment_names(path: str) -> list[str]:
    """The fragments of a directory in the order e-smith joins them (by name)."""
    try:
        names = sorted(os.listdir(path))
    except OSError as err:
        raise InputError(f"{path}: cannot read folder: {err.strerror or err}") from None
    return [n for n in names if is_fragment_name(n) and os.path.isfile(os.path.join(path, n))]


def has_fragments(path: str) -> bool:
    """Whether a directory holds at least one fragment: an empty folder named like a
    config (a mount point, a placeholder) is not a file to check."""
    try:
        return bool(fragment_names(path))
    except InputError:
        return True  # unreadable: let the check report it


@record(slots=True)
class Joined:
    """The joined text and where each of its lines comes from."""

    path: str
    data: bytes
    starts: list[int] = field(default_factory=list)
    """First line (1-based, in the joined text) of each fragment."""
    files: list[str] = field(default_factory=list)
    has_code: bool = False
    """A fragment holds a Perl Text::Template block (a line starting with '{')."""

    def locate(self, line: int) -> tuple[str, int]:
        """The fragment and its line for a line of the joined text."""
        if not self.files:
            return self.path, line
        index = max(bisect.bisect_right(self.starts, line) - 1, 0)
        return self.files[index], line - self.starts[index] + 1

    def relocate(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Point findings at the fragment lines they are about."""
        for d in diagnostics:
            if d.file == self.path:
                d.file, d.line = self.locate(d.line)


def join(path: str) -> Joined:
    """Read and join the fragments of ``path``; a fragment without a final newline
    still ends its line, as e-smith's expansion does."""
    joined = Joined(path, b"")
    parts: list[bytes] = []
    line = 1
    names = fragment_names(path)
    if not names:
        raise InputError(f"{path}: is a directory without fragment files, not a config file",
                         "not-file")
    for name in names:
        full = os.path.join(path, name)
        data = read_bytes(full)
        if data and not data.endswith(b"\n"):
            data += b"\n"
        joined.starts.append(line)
        joined.files.append(full)
        parts.append(data)
        line += data.count(b"\n")
        if data.startswith(b"{") or b"\n{" in data:
            joined.has_code = True
    joined.data = b"".join(parts)
    return joined
