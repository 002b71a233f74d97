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


# --- 18: globs and directory links -----------------------------------------------------

def _looping_tree(root):
    (root / "etc" / "kopano").mkdir(parents=True)
    (root / "etc" / "kopano" / "server.cfg").write_text("log_level = 9\n")
    (root / "etc" / "kopano" / "up").symlink_to("..")  # a loop through the parent
    (root / "self").symlink_to(".")  # a loop through itself
    (root / "gateway.cfg").write_text("log_level = 3\n")


def test_glob_does_not_follow_directory_links_into_loops(tmp_path):
    import json

    _looping_tree(tmp_path)
    result = run_kcconf("lint", "--format", "json", "./**/*.cfg", cwd=tmp_path, timeout=60)
    assert_no_internal_error(result)
    files = sorted(f["file"] for f in json.loads(result.stdout)["files"])
    assert files == ["etc/kopano/server.cfg", "gateway.cfg"]


def test_expand_glob_matches_what_glob_matches_without_links(tmp_path):
    import glob
    import os

    from kcconf.lint.discovery import expand_glob

    for name in ("a/x.cfg", "a/b/y.cfg", "z.cfg", ".hidden/h.cfg", "a/.q.cfg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        for pattern in ("**/*.cfg", "./**/*.cfg", "**", "a/*/*.cfg", "a/.*.cfg",
                        "a/**/y.cfg", "nope/*.cfg", "*/*.cfg", "z.cfg/*",
                        f"{tmp_path}/**/*.cfg"):
            assert expand_glob(pattern) == sorted(set(glob.glob(pattern, recursive=True))), \
                pattern
    finally:
        os.chdir(old)


# --- 19: -j and settings ------------------------------------------------------------

def test_jobs_are_capped_at_four_per_cpu(monkeypatch):
    from kcconf.lint import pool

    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    assert pool.max_jobs() == 8
    started = []

    def parallel(items, settings, release, unused, workers, fix=None):
        started.append(workers)
        return iter(())

    monkeypatch.setattr(pool, "_parallel", parallel)
    monkeypatch.setattr(pool, "IN_PROCESS_BELOW", 0)
    from kcconf.lint.settings import ProjectSettings

    list(pool.lint(["/nonexistent"], ProjectSettings(), jobs=100_000))
    assert started == [8]


def test_lint_with_a_huge_jobs_number_finishes(tmp_path):
    for i in range(3):
        (tmp_path / f"h{i}").mkdir()
        (tmp_path / f"h{i}" / "server.cfg").write_text("log_level = 3\n")
    result = run_kcconf("lint", "-j", "100000", str(tmp_path), timeout=120)
    assert_no_internal_error(result)
    assert result.returncode == 0


def test_deeply_nested_settings_toml_is_one_clear_line(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    result = run_kcconf("lint", "--config", str(deep), str(tmp_path / "server.cfg"))
    assert_no_internal_error(result)
    assert result.returncode == 2
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "deep.toml" in err[0]
