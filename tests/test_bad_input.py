"""Bad input: one clear line naming the file, the right exit status, no traceback, no hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, run_kcconf


def one_line_error(result, path_text: str) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert path_text in lines[0]
    return lines[0]


def test_missing_file(tmp_path):
    result = run_kcconf("validate", str(tmp_path / "server.cfg"))
    assert result.returncode == 2
    assert "no such file" in one_line_error(result, "server.cfg")


def test_directory(tmp_path):
    (tmp_path / "server.cfg").mkdir()
    result = run_kcconf("validate", str(tmp_path / "server.cfg"))
    assert result.returncode == 2
    assert "directory" in one_line_error(result, "server.cfg")


def test_unreadable_file(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("log_level = 3\n")
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads every file: run kcconf as the unprivileged user 'nobody' instead.
        if not shutil.which("setpriv"):
            pytest.skip("running as root and setpriv is missing: cannot make a file unreadable")
        tmp_path.chmod(0o755)
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-m", "kcconf", "validate", str(path)],
            capture_output=True, timeout=60, check=False, cwd="/",
            env={**os.environ, "PYTHONPATH": str(ROOT)})
    else:
        result = run_kcconf("validate", str(path))
    assert result.returncode == 2
    assert "permission denied" in one_line_error(result, "server.cfg")


def test_binary_file(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(bytes(range(256)) * 64)
    result = run_kcconf("validate", str(path))
    assert result.returncode == 2
    assert "binary" in one_line_error(result, "server.cfg")


def test_dev_zero_is_refused_without_reading():
    result = run_kcconf("validate", "--component", "server", "/dev/zero", timeout=20)
    assert result.returncode == 2
    assert "device" in one_line_error(result, "/dev/zero")


def test_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "server.cfg"
    os.mkfifo(fifo)
    result = run_kcconf("validate", str(fifo), timeout=20)
    assert result.returncode == 2
    assert "named pipe" in one_line_error(result, "server.cfg")


def test_200_megabyte_file_is_refused_quickly(tmp_path):
    path = tmp_path / "server.cfg"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    result = run_kcconf("validate", str(path), timeout=20)
    assert result.returncode == 2
    assert "too large" in one_line_error(result, "server.cfg")


def test_include_cycle_is_a_note_not_a_hang(tmp_path):
    (tmp_path / "server.cfg").write_text("!include other.cfg\n")
    (tmp_path / "other.cfg").write_text("!include server.cfg\n")
    result = run_kcconf("validate", str(tmp_path / "server.cfg"), timeout=20)
    assert result.returncode == 0
    assert b"[KC112]" in result.stdout


def test_unknown_component_name(tmp_path):
    path = tmp_path / "whatever.cfg"
    path.write_text("a = 1\n")
    result = run_kcconf("validate", str(path))
    assert result.returncode == 2
    assert "--component" in one_line_error(result, "whatever.cfg")


def test_unknown_release(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("")
    result = run_kcconf("validate", "--release", "7.2", str(path))
    assert result.returncode == 2
    assert "7.2" in one_line_error(result, "7.2")


def test_bad_usage_exits_2():
    result = run_kcconf("validate")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


def test_other_files_still_checked_after_a_bad_one(tmp_path):
    good = tmp_path / "server.cfg"
    good.write_text("log_level = 3\n")
    result = run_kcconf("validate", str(tmp_path / "missing.cfg"), str(good))
    assert result.returncode == 2
    assert b"1 file checked" in result.stdout
