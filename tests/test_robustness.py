"""Robustness of every command on odd input: one clear line or a proper reading, never
an internal error (issue 13, items 16 to 19)."""

from __future__ import annotations

import pytest

from kcconf import values

from .conftest import run_kcconf

DOTTED_CAPITAL_I = "\u0130"
"""'İ': str.lower() turns it into two characters, C's tolower leaves its bytes alone."""


def assert_no_internal_error(result) -> None:
    err = result.stderr.decode("utf-8", "replace")
    assert "internal error" not in err and "Traceback" not in err, err


def test_c_digits_ignore_characters_whose_lowercase_is_longer():
    assert values.strtol(DOTTED_CAPITAL_I).found is False
    assert values.strtol("12" + DOTTED_CAPITAL_I).value == 12
    assert values.c_lower("A" + DOTTED_CAPITAL_I) == "a" + DOTTED_CAPITAL_I


def test_kelvin_sign_is_no_kilo_suffix_for_the_cxx_reader():
    # U+212A lower-cases to an ASCII k in Python, but its UTF-8 bytes are not 'k' to C.
    assert values.cxx_size("1\u212a", humansize=False).value == 1
    assert values.cxx_size("1\u212a", humansize=True).value == 0


@pytest.mark.parametrize("command", ["validate", "show", "diff", "lint", "set", "env"])
def test_dotted_capital_i_in_a_number_is_read_not_a_crash(tmp_path, command):
    path = tmp_path / "server.cfg"
    path.write_text(f"log_level = {DOTTED_CAPITAL_I}\n", encoding="utf-8")
    argv = {
        "validate": ["validate", str(path)],
        "show": ["show", str(path)],
        "diff": ["diff", "--defaults", str(path)],
        "lint": ["lint", str(path)],
        "set": ["set", str(path), "server_name=x"],
        "env": ["env", "--dir", str(tmp_path)],
    }[command]
    env = {"KCCONF_SERVER_SERVER_NAME": "x"} if command == "env" else None
    result = run_kcconf(*argv, env=env)
    assert_no_internal_error(result)
    assert result.returncode in (0, 1)
    if command == "validate":
        assert b"KC304" in result.stdout


# --- 17: the size limit is for the whole configuration ---------------------------------

def test_size_limit_counts_every_included_file(tmp_path, monkeypatch):
    from kcconf import loader
    from kcconf.dialect import Flavour

    monkeypatch.setattr(loader, "MAX_FILE_SIZE", 100)
    for name in ("a.cfg", "b.cfg", "c.cfg"):
        (tmp_path / name).write_text("log_level = 3\n" * 3)  # 42 bytes each: each fits
    root = tmp_path / "server.cfg"
    root.write_text("!include a.cfg\n!include b.cfg\n!include c.cfg\n")
    with pytest.raises(loader.InputError, match="with its includes") as caught:
        loader.load(str(root), Flavour.CXX)
    assert caught.value.kind == "too-large"
    root.write_text("!include a.cfg\n")
    assert loader.load(str(root), Flavour.CXX).size == len(root.read_bytes()) + 42


# --- 19: stdin, show, diff of directories ----------------------------------------------

def test_show_dash_reads_standard_input():
    result = run_kcconf("show", "--component", "server", "--non-default", "-",
                        stdin=b"log_level = 5\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"log_level = 5\n"


def test_standard_input_open_for_writing_only_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    with open(tmp_path / "out", "wb") as write_only:
        result = subprocess.run([sys.executable, "-m", "kcconf", "validate", "--component",
                                 "server", "-"], stdin=write_only, capture_output=True,
                                cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert_no_internal_error(result)
    assert len(err.strip().splitlines()) == 1 and "<stdin>" in err


def test_closed_standard_input_is_one_clear_line():
    import subprocess
    import sys

    from .conftest import ROOT

    result = subprocess.run([sys.executable, "-m", "kcconf", "show", "--component", "server",
                             "-"], stdin=subprocess.DEVNULL, capture_output=True, cwd=ROOT,
                            timeout=60, check=False, close_fds=True,
                            preexec_fn=lambda: __import__("os").close(0))
    assert_no_internal_error(result)
    assert result.returncode == 2
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_show_fails_when_loading_stopped_at_a_failing_include(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("log_level = 5\n!include missing.cfg\nserver_name = x\n")
    result = run_kcconf("show", str(path))
    assert result.returncode == 2
    assert result.stdout == b""
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "server.cfg:2" in err[0] and "missing.cfg" in err[0]


def test_diff_of_directories_reports_a_bad_file_and_goes_on(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "gateway.cfg").write_bytes(bytes(range(256)) * 40)  # binary: refused
    (new / "gateway.cfg").write_text("log_level = 3\n")
    (old / "server.cfg").write_text("log_level = 3\n")
    (new / "server.cfg").write_text("log_level = 4\n")
    result = run_kcconf("diff", "--format", "json", str(old), str(new))
    assert result.returncode == 2
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "gateway.cfg" in err[0] and "binary" in err[0]
    import json

    files = json.loads(result.stdout)["files"]
    assert [f["component"] for f in files] == ["server"]
    assert files[0]["changes"][0]["option"] == "log_level"


def test_sorting_findings_field_by_field_equals_sorting_by_the_key():
    import random

    from kcconf.diagnostics import make, sort_in_place, sort_key

    rng = random.Random(13)
    found = [make(rng.choice(["KC201", "KC106", "KC305"]), rng.choice(["a.cfg", "b.cfg"]),
                  rng.randint(1, 20), rng.randint(1, 5), "m") for _ in range(500)]
    expected = sorted(found, key=sort_key)
    sort_in_place(found)
    assert found == expected
