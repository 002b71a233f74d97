"""Replace a file's content atomically, keeping its mode and owner.

The new content goes to a temporary file in the same directory, is flushed and
fsynced, gets the old file's mode and owner, and is renamed over the original; the
directory is fsynced last. Any failure removes the temporary file and leaves the
original untouched. A symbolic link pointing out of its directory is refused unless
the caller allows following it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


class WriteError(Exception):
    """The file could not be written; the original is unchanged. One line for the user."""


def resolve_target(path: str, follow_symlinks: bool = False) -> str:
    """The file to write: ``path`` itself, or a symlink's target within the same directory."""
    if not os.path.islink(path):
        return path
    target = os.path.realpath(path)
    if os.path.dirname(target) != os.path.realpath(os.path.dirname(os.path.abspath(path))) \
            and not follow_symlinks:
        raise WriteError(f"{path}: is a symbolic link to {target}, outside its directory;"
                         " use --follow-symlinks to edit the target")
    return target


def write_atomic(path: str, data: bytes, backup: bool = False,
                 follow_symlinks: bool = False) -> None:
    target = resolve_target(path, follow_symlinks)
    directory = os.path.dirname(os.path.abspath(target)) or "."
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise WriteError(f"{path}: {err.strerror}") from None
    if backup and info is not None:
        with open(target, "rb") as handle:
            _replace(target + "~", handle.read(), directory, info)
    _replace(target, data, directory, info)


def _replace(target: str, data: bytes, directory: str, info: os.stat_result | None) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".kcconf",
                                   dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is None:
            os.chmod(tmp, 0o666 & ~_current_umask())
        else:
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
            if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.chown(tmp, info.st_uid, info.st_gid)
                except PermissionError:
                    raise WriteError(f"{target}: cannot keep its owner"
                                     f" ({info.st_uid}:{info.st_gid}); run as that user or"
                                     " as root") from None
        os.replace(tmp, target)
        tmp = None
        _fsync_directory(directory)
    except WriteError:
        raise
    except OSError as err:
        raise WriteError(f"{target}: cannot write: {err.strerror or err}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _current_umask() -> int:
    """mkstemp makes files 0600; a new config file should get the mode any editor gives it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
