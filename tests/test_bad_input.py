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


# --- large and hostile inputs: clear results, bounded time ---------------------------

def test_file_with_100000_options_is_checked(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("".join(f"log_level = {i % 7}\n" for i in range(100_000)))
    result = run_kcconf("validate", str(path), timeout=120)
    assert result.returncode == 0  # duplicates are warnings
    # The first 1,000 are shown, then one line for the rest; the summary counts them all.
    assert result.stdout.count(b"[KC209]") == 1_001
    assert b"... and 98,999 more KC209 findings in this file" in result.stdout
    assert b"0 error(s), 99999 warning(s), 0 note(s)" in result.stdout


def test_include_chain_1000_deep(tmp_path):
    for i in range(1000):
        (tmp_path / f"c{i}.cfg").write_text(f"!include c{i + 1}.cfg\n")
    (tmp_path / "c1000.cfg").write_text("mysql_port = 70000\n")
    (tmp_path / "server.cfg").write_text("!include c0.cfg\n")
    result = run_kcconf("validate", "--no-hints", str(tmp_path / "server.cfg"), timeout=60)
    assert result.returncode == 1
    assert b"c1000.cfg:1:14: error: mysql_port: 70000 is outside 0..65535 [KC305]" in result.stdout


def test_every_line_invalid(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("".join(f"nonsense line {i}\n" for i in range(5000)))
    result = run_kcconf("validate", "--quiet", "--max-findings", "0", str(path), timeout=60)
    assert result.returncode == 0
    assert result.stdout.count(b"[KC106]") == 5000


def test_option_name_of_10000_characters(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("x" * 10_000 + " = 1\n")
    result = run_kcconf("validate", "--no-hints", str(path), timeout=60)
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "[KC201]" in out and "[KC104]" in out and "Traceback" not in out


def test_a_file_that_changes_size_after_stat_is_read_whole(write):
    # read_bytes asks for the size stat reported; a file that grew or shrank meanwhile
    # must still be read to its end, and never past the size limit plus one byte.
    from kcconf import loader

    path = write("server.cfg", b"log_level = 3\n" * 1000)
    whole = path.read_bytes()
    assert loader._read_regular(str(path), 10) == whole
    assert loader._read_regular(str(path), len(whole) + 500) == whole
    assert loader._read_regular(str(path), len(whole)) == whole
