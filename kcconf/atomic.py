"""Replace files atomically, keeping everything about them but their content.

Every command that writes a file goes through here (``man -o``, ``generate``, ``set``,
``unset``, ``env``, ``upgrade``), so the promises are made once:

* Only a regular file is ever replaced: a device, fifo, socket or directory at the
  path is refused, as is a symbolic link pointing out of its directory unless the
  caller allows following it.
* The new content goes to a temporary file in the same directory, named
  ``.NAME.kcconf-PID-RANDOM.tmp`` and created 0600, so nobody else can read it while it
  is written; a later run removes such files whose process is gone (after kill -9).
* The temporary file gets the old file's owner, then its extended attributes (POSIX
  ACLs are the ``system.posix_acl_access`` attribute), then its mode with the setuid,
  setgid and sticky bits (chown clears those, so the mode comes last). What cannot be
  kept is refused before anything is replaced.
* A read-modify-write holds an advisory lock (``flock``) on the file from the read to
  the rename, so two kcconf runs take turns; a change by a program that does not lock
  (an editor) between the read and the rename is noticed and refused.
* Several files are written all or none: every temporary file is prepared and every
  original checked first, then all are renamed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

LOCK_TIMEOUT = 10.0
"""Seconds to wait for another kcconf (or a locking editor) to finish with a file."""

_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.kcconf-(?P<pid>[0-9]+)-[0-9a-f]+\.tmp$")


class WriteError(Exception):
    """The file could not be written; the original is unchanged. One line for the user."""


@dataclass(frozen=True, slots=True)
class Write:
    """One file to write: ``data`` replaces ``path``; ``original`` is what the caller
    read from it (None: not read, nothing to compare)."""

    path: str
    data: bytes
    original: bytes | None = None


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve_target(path: str, follow_symlinks: bool = False) -> str:
    """The file to write: ``path`` itself, or a symlink's target within the same directory
    (any target with ``follow_symlinks``)."""
    if not os.path.islink(path):
        return path
    target = os.path.realpath(path)
    if os.path.dirname(target) != os.path.realpath(os.path.dirname(os.path.abspath(path))) \
            and not follow_symlinks:
        raise WriteError(f"{path}: is a symbolic link to {target}, outside its directory;"
                         " use --follow-symlinks to edit the target")
    return target


def _existing(path: str, target: str) -> os.stat_result | None:
    """The target's status, None if it does not exist; refuses anything not regular."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise WriteError(f"{path}: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{path}: is {kind_of(info.st_mode)}, not a regular file;"
                         " kcconf replaces regular files only")
    return info


# --- locking ---------------------------------------------------------------------

@contextlib.contextmanager
def locked(paths: Sequence[str], follow_symlinks: bool = False,
           timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive advisory lock on each existing file for a read-modify-write.

    The lock is on the file itself; since a write renames a new file over it, a waiter
    that gets the lock checks that the path still names the file it locked and
    otherwise locks the new one. Files are locked in a fixed order (no deadlock).
    """
    held: list[int] = []
    try:
        for path in sorted(set(paths)):
            fd = _lock_one(path, resolve_target(path, follow_symlinks), timeout)
            if fd is not None:
                held.append(fd)
        yield
    finally:
        for fd in held:
            os.close(fd)  # closing releases the lock


def _lock_one(path: str, target: str, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        if _existing(path, target) is None:
            return None
        try:
            fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            continue
        except OSError as err:
            raise WriteError(f"{path}: cannot open to lock: {err.strerror or err}") from None
        if not _flock(fd, path, target, deadline):
            continue  # replaced while waiting: lock the new file
        return fd


def _flock(fd: int, path: str, target: str, deadline: float) -> bool:
    """Lock ``fd``; True when it still is the file at ``target`` (else it is closed)."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise WriteError(f"{path}: locked by another program for more than"
                                 f" {LOCK_TIMEOUT:.0f} s; nothing written, try again") from None
            time.sleep(0.01)
        except OSError as err:
            if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                return True  # no locks on this file system: the change check still holds
            os.close(fd)
            raise WriteError(f"{path}: cannot lock: {err.strerror or err}") from None
    held = os.fstat(fd)
    try:
        now = os.stat(target)
    except OSError:
        now = None
    if now is None or (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
        os.close(fd)
        return False
    return True


# --- writing ---------------------------------------------------------------------

@dataclass(slots=True)
class _Prepared:
    path: str
    target: str
    tmp: str
    original: bytes | None
    info: os.stat_result | None


def write_atomic(path: str, data: bytes, backup: bool = False,
                 follow_symlinks: bool = False, original: bytes | None = None) -> None:
    """Replace ``path`` with ``data``; with ``original``, refuse if the file no longer
    holds it (changed since the caller read it)."""
    write_all([Write(path, data, original)], backup, follow_symlinks)


def write_all(writes: Sequence[Write], backup: bool = False,
              follow_symlinks: bool = False) -> None:
    """Write every file or none: all temporary files are made and all originals checked
    before the first rename."""
    prepared: list[_Prepared] = []
    try:
        for write in writes:
            target = resolve_target(write.path, follow_symlinks)
            info = _existing(write.path, target)
            directory = os.path.dirname(os.path.abspath(target)) or "."
            remove_stale(directory)
            if backup and info is not None:
                with open(target, "rb") as handle:
                    old = handle.read()
                prepared.append(_Prepared(write.path, target + "~",
                                          _prepare(write.path, target, old, directory, info),
                                          None, None))
            prepared.append(_Prepared(write.path, target,
                                      _prepare(write.path, target, write.data, directory, info),
                                      write.original, info))
        for item in prepared:
            _check_unchanged(item)
        done: list[_Prepared] = []
        for item in prepared:
            try:
                os.replace(item.tmp, item.target)
            except OSError as err:
                _undo(done)
                raise WriteError(f"{item.path}: cannot write: {err.strerror or err};"
                                 " nothing written") from None
            done.append(item)
            item.tmp = ""
        for directory in {os.path.dirname(os.path.abspath(i.target)) for i in prepared}:
            _fsync_directory(directory)
    finally:
        for item in prepared:
            if item.tmp:
                with contextlib.suppress(OSError):
                    os.unlink(item.tmp)


def _check_unchanged(item: _Prepared) -> None:
    if item.original is None:
        return
    why = None
    try:
        now = os.stat(item.target)
        with open(item.target, "rb") as handle:
            current = handle.read()
    except FileNotFoundError:
        why = "was removed"
    except OSError as err:
        raise WriteError(f"{item.path}: cannot read it again: {err.strerror or err}") from None
    else:
        if item.info is not None and (now.st_dev, now.st_ino) != \
                (item.info.st_dev, item.info.st_ino):
            why = "was replaced"
        elif current != item.original:
            why = "was changed"
    if why:
        raise WriteError(f"{item.path}: {why} by another program after kcconf read it;"
                         " nothing written, run the command again")


def _undo(done: list[_Prepared]) -> None:
    """Best effort after a failed rename: put back what the earlier renames replaced."""
    for item in reversed(done):
        if item.original is not None:
            with contextlib.suppress(OSError, WriteError):
                directory = os.path.dirname(os.path.abspath(item.target)) or "."
                tmp = _prepare(item.path, item.target, item.original, directory, item.info)
                os.replace(tmp, item.target)


def temp_name(target: str) -> str:
    """``.NAME.kcconf-PID-RANDOM.tmp`` beside the target: hidden, and telling a later run
    which process made it."""
    directory, name = os.path.split(os.path.abspath(target))
    return os.path.join(directory, f".{name}.kcconf-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def remove_stale(directory: str) -> list[str]:
    """Remove kcconf's temporary files in ``directory`` whose process is gone (a run
    killed mid-write); files of running processes and all other files stay."""
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TEMP_NAME.match(name)
        if not match or _alive(int(match.group("pid"))):
            continue
        path = os.path.join(directory, name)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
                removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's live process, or not ours to judge
    return True


def _prepare(path: str, target: str, data: bytes, directory: str,
             info: os.stat_result | None) -> str:
    """A temporary file holding ``data`` with everything of the original but its content."""
    tmp = temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o600)
    except OSError as err:
        raise WriteError(f"{path}: cannot write in {directory}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is None:
            os.chmod(tmp, 0o666 & ~_current_umask())
        else:
            _keep_attributes(path, target, tmp, info)
    except WriteError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"{path}: cannot write: {err.strerror or err}") from None
    return tmp


def _keep_attributes(path: str, target: str, tmp: str, info: os.stat_result) -> None:
    """Owner, extended attributes (ACLs included), then mode: chown clears setuid and
    setgid, and an ACL sets the group bits, so the mode goes last."""
    if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(tmp, info.st_uid, info.st_gid)
        except PermissionError:
            raise WriteError(f"{path}: cannot keep its owner ({info.st_uid}:{info.st_gid});"
                             " run as that user or as root; nothing written") from None
    for name, value in _xattrs(target):
        try:
            os.setxattr(tmp, name, value)
        except OSError as err:
            with contextlib.suppress(OSError):
                if os.getxattr(tmp, name) == value:
                    continue  # the new file has it already (an inherited label)
            raise WriteError(f"{path}: cannot keep its extended attribute {name}"
                             f" ({err.strerror or err}); nothing written") from None
    os.chmod(tmp, stat.S_IMODE(info.st_mode))
    if stat.S_IMODE(os.stat(tmp).st_mode) != stat.S_IMODE(info.st_mode):
        raise WriteError(f"{path}: cannot keep its mode {stat.S_IMODE(info.st_mode):o};"
                         " nothing written")


def _xattrs(target: str) -> list[tuple[str, bytes]]:
    try:
        names = os.listxattr(target)
    except OSError as err:
        if err.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return []
        raise WriteError(f"{target}: cannot read its extended attributes:"
                         f" {err.strerror or err}") from None
    found = []
    for name in names:
        try:
            found.append((name, os.getxattr(target, name)))
        except OSError as err:
            if err.errno == errno.ENODATA:
                continue
            raise WriteError(f"{target}: cannot read its extended attribute {name}:"
                             f" {err.strerror or err}") from None
    return found


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
    """The temporary file is 0600; a new file should get the mode any editor gives it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
