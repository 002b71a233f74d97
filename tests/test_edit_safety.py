"""Files kcconf must never damage: what every writer keeps or refuses (issue 13, items 6
to 12): non-regular targets, locking, permissions and extended attributes, all-or-none
for several files, temporary files."""

from __future__ import annotations

import os
import socket
import stat
import struct
import subprocess
import sys

import pytest

from kcconf import atomic, envconfig
from kcconf.atomic import WriteError, write_atomic

from .conftest import ROOT, run_kcconf


def one_line(result) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- 6: only regular files are replaced ---------------------------------------------

def _make(kind: str, path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        os.mkdir(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null


KINDS = ["fifo", "directory", "socket", "device"]


@pytest.mark.parametrize("kind", KINDS)
def test_write_atomic_refuses_what_is_not_a_regular_file(tmp_path, kind):
    path = tmp_path / "server.cfg"
    _make(kind, path)
    before = os.lstat(path)
    with pytest.raises(WriteError, match="not a regular file"):
        write_atomic(str(path), b"log_level = 3\n")
    after = os.lstat(path)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino


@pytest.mark.parametrize("kind", KINDS)
def test_man_output_refuses_what_is_not_a_regular_file(tmp_path, kind):
    path = tmp_path / "page.5"
    _make(kind, path)
    result = run_kcconf("man", "server", "-o", str(path))
    assert result.returncode == 2
    assert "not a regular file" in one_line(result)
    assert not stat.S_ISREG(os.lstat(path).st_mode)


def test_man_output_into_dev_null_is_refused():
    result = run_kcconf("man", "server", "-o", "/dev/null")
    assert result.returncode == 2 and "a device" in one_line(result)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_generate_refuses_a_fifo_in_the_checkout(tmp_path):
    root = tmp_path / "checkout"
    (root / "etc" / "kopano").mkdir(parents=True)
    (root / "schemas").mkdir()
    (root / "schemas" / "kopano.json").write_text("{}")
    (root / "pyproject.toml").write_text("")
    os.mkfifo(root / "etc" / "kopano" / "server.cfg")
    result = run_kcconf("generate", "--root", str(root), timeout=120)
    assert result.returncode == 2, result.stderr
    assert "named pipe" in one_line(result)
    assert stat.S_ISFIFO(os.lstat(root / "etc" / "kopano" / "server.cfg").st_mode)


def test_set_on_a_symlink_to_a_fifo_in_the_same_directory_is_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "server.cfg").symlink_to("fifo")
    result = run_kcconf("set", str(tmp_path / "server.cfg"), "log_level=4", timeout=20)
    assert result.returncode == 2
    assert "named pipe" in one_line(result)


# --- 9: mode, special bits, owner, xattrs, ACLs ---------------------------------------

def test_setuid_setgid_and_sticky_bits_survive_an_owner_change(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("giving a file another owner needs root")
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o7640)
    write_atomic(str(path), b"log_level = 4\n")
    info = os.stat(path)
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert stat.S_IMODE(info.st_mode) == 0o7640


def _xattrs_supported(path) -> bool:
    try:
        os.setxattr(path, "user.kcconf-probe", b"1")
        os.removexattr(path, "user.kcconf-probe")
    except OSError:
        return False
    return True


def test_extended_attributes_are_kept(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    if not _xattrs_supported(path):
        pytest.skip(f"{tmp_path} does not support user.* extended attributes")
    os.setxattr(path, "user.origin", b"ansible")
    os.setxattr(path, "user.empty", b"")
    result = run_kcconf("set", str(path), "log_level=4")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == b"log_level = 4\n"
    assert os.getxattr(path, "user.origin") == b"ansible"
    assert os.getxattr(path, "user.empty") == b""


def _acl(entries: list[tuple[int, int, int]]) -> bytes:
    """The kernel's binary form of a POSIX ACL: version 2, then (tag, perm, id) entries."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)


USER_OBJ, USER, GROUP_OBJ, MASK, OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
UNDEFINED = 0xFFFFFFFF


def test_posix_acl_is_kept_and_the_group_gains_nothing(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    # Owner rw, user 65534 read, owning group nothing, mask read, others nothing: the
    # plain mode shows the mask as group bits (0640).
    acl = _acl([(USER_OBJ, 6, UNDEFINED), (USER, 4, 65534), (GROUP_OBJ, 0, UNDEFINED),
                (MASK, 4, UNDEFINED), (OTHER, 0, UNDEFINED)])
    try:
        os.setxattr(path, "system.posix_acl_access", acl)
    except OSError as err:
        pytest.skip(f"{tmp_path} does not take POSIX ACLs: {err.strerror}")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    write_atomic(str(path), b"log_level = 4\n")
    assert os.getxattr(path, "system.posix_acl_access") == acl
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


def test_an_attribute_that_cannot_be_kept_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    if not _xattrs_supported(path):
        pytest.skip(f"{tmp_path} does not support user.* extended attributes")
    os.setxattr(path, "user.origin", b"ansible")

    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "setxattr", refuse)
    with pytest.raises(WriteError, match=r"user\.origin"):
        write_atomic(str(path), b"log_level = 4\n")
    assert path.read_bytes() == b"log_level = 3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.cfg"]


# --- 12: temporary files ----------------------------------------------------------

def test_temporary_file_is_private_while_written_and_named_for_its_process(tmp_path,
                                                                          monkeypatch):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    path.chmod(0o644)
    seen = []
    real_fsync = os.fsync

    def spy(fd):
        name = os.readlink(f"/proc/self/fd/{fd}")
        seen.append((os.path.basename(name), stat.S_IMODE(os.fstat(fd).st_mode)))
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", spy)
    write_atomic(str(path), b"log_level = 4\n")
    files = [(n, m) for n, m in seen if n.startswith(".server.cfg")]
    assert files, seen
    name, mode = files[0]
    assert mode == 0o600
    assert name.startswith(f".server.cfg.kcconf-{os.getpid()}-") and name.endswith(".tmp")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    stale = tmp_path / f".server.cfg.kcconf-{_dead_pid()}-0123abcd.tmp"
    stale.write_bytes(b"half a")
    live = tmp_path / f".server.cfg.kcconf-{os.getppid()}-0123abcd.tmp"
    live.write_bytes(b"being written")
    unrelated = tmp_path / ".server.cfg.swp"
    unrelated.write_bytes(b"vim")
    result = run_kcconf("set", str(path), "log_level=4")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert live.exists() and unrelated.exists()


def test_kill_9_during_a_write_leaves_a_file_the_next_run_removes(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    path.chmod(0o640)
    # A child that stops for good right after its temporary file is written.
    code = (
        "import os, signal, sys\n"
        "from kcconf import atomic\n"
        "real = os.replace\n"
        "def die(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "atomic.os.replace = die\n"
        f"atomic.write_atomic({str(path)!r}, b'log_level = 5\\n')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False, timeout=60)
    left = [p for p in tmp_path.iterdir() if p.name != "server.cfg"]
    assert len(left) == 1 and stat.S_IMODE(left[0].stat().st_mode) == 0o640
    assert path.read_bytes() == b"log_level = 3\n"
    write_atomic(str(path), b"log_level = 4\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.cfg"]


# --- 8: locking and changes by others ------------------------------------------------

def test_a_change_after_the_read_is_refused(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    original = path.read_bytes()
    path.write_bytes(b"log_level = 3\nserver_name = other\n")  # an editor saved meanwhile
    with pytest.raises(WriteError, match="changed by another program"):
        write_atomic(str(path), b"log_level = 4\n", original=original)
    assert path.read_bytes() == b"log_level = 3\nserver_name = other\n"


def test_a_replacement_after_the_read_is_refused(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    original = path.read_bytes()
    (tmp_path / "new").write_bytes(b"log_level = 2\n")
    os.replace(tmp_path / "new", path)  # saved by an editor that renames
    with pytest.raises(WriteError, match="changed by another program"):
        write_atomic(str(path), b"log_level = 4\n", original=original)
    assert path.read_bytes() == b"log_level = 2\n"


def test_a_second_kcconf_waits_for_the_lock(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    with atomic.locked([str(path)]):
        child = subprocess.Popen([sys.executable, "-m", "kcconf", "set", str(path),
                                  "server_name=b"], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=1.5)  # blocked on our lock
        data = path.read_bytes()
        write_atomic(str(path), data + b"log_timestamp = no\n", original=data)
    assert child.wait(timeout=30) == 0, child.stderr.read()
    text = path.read_text()
    assert "log_timestamp = no" in text and "server_name = b" in text


def test_concurrent_sets_lose_no_update(tmp_path):
    """Pairs of kcconf set started together on one file: each pair ends with both values
    (the benchmark benchmarks/edit_benchmark.py runs 100 pairs and reports the figure)."""
    path = tmp_path / "server.cfg"
    lost = 0
    for _ in range(5):
        path.write_bytes(b"log_level = 3\nserver_name = a\n")
        children = [subprocess.Popen([sys.executable, "-m", "kcconf", "set", str(path), arg],
                                     cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                    for arg in ("log_level=5", "server_name=b")]
        codes = [c.wait(timeout=60) for c in children]
        text = path.read_text()
        both = "log_level = 5" in text and "server_name = b" in text
        assert codes == [0, 0]
        lost += not both
    assert lost == 0


# --- 10: env writes every file or none ------------------------------------------------

def test_env_refusing_one_file_writes_no_file(tmp_path):
    etc, outside = tmp_path / "etc", tmp_path / "outside"
    etc.mkdir()
    outside.mkdir()
    (etc / "ldap.cfg").write_text("ldap_uri = ldap://a\n")
    (outside / "server.cfg").write_text("log_level = 3\n")
    (etc / "server.cfg").symlink_to(outside / "server.cfg")
    env = {"KCCONF_LDAP_LDAP_URI": "ldap://b", "KCCONF_SERVER_LOG_LEVEL": "4"}
    result = run_kcconf("env", "--dir", str(etc), env=env)
    assert result.returncode == 2
    assert "symbolic link" in one_line(result)
    assert (etc / "ldap.cfg").read_text() == "ldap_uri = ldap://a\n"
    assert (outside / "server.cfg").read_text() == "log_level = 3\n"


def test_env_follow_symlinks_edits_the_target(tmp_path):
    etc, outside = tmp_path / "etc", tmp_path / "outside"
    etc.mkdir()
    outside.mkdir()
    (etc / "ldap.cfg").write_text("ldap_uri = ldap://a\n")
    (outside / "server.cfg").write_text("log_level = 3\n")
    (etc / "server.cfg").symlink_to(outside / "server.cfg")
    env = {"KCCONF_LDAP_LDAP_URI": "ldap://b", "KCCONF_SERVER_LOG_LEVEL": "4"}
    result = run_kcconf("env", "--dir", str(etc), "--follow-symlinks", env=env)
    assert result.returncode == 0, result.stderr
    assert (etc / "ldap.cfg").read_text() == "ldap_uri = ldap://b\n"
    assert (outside / "server.cfg").read_text() == "log_level = 4\n"
    assert (etc / "server.cfg").is_symlink()


def test_a_failed_rename_puts_back_the_files_already_written(tmp_path, monkeypatch):
    (tmp_path / "ldap.cfg").write_text("ldap_uri = ldap://a\n")
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    plans = envconfig.plan({"KCCONF_LDAP_LDAP_URI": "ldap://b",
                            "KCCONF_SERVER_LOG_LEVEL": "4"}, str(tmp_path), "11.0")
    real, calls = os.replace, []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", second_fails)
    with pytest.raises(WriteError, match="No space left"):
        envconfig.write(plans)
    assert (tmp_path / "ldap.cfg").read_text() == "ldap_uri = ldap://a\n"
    assert (tmp_path / "server.cfg").read_text() == "log_level = 3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ldap.cfg", "server.cfg"]
