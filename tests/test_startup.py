"""Start-up of `kcconf validate`: what it leaves out stays out, and what it short-cuts
behaves as before (its speed is measured in benchmarks/, not here)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcconf import cli

from .conftest import ROOT

NOT_ON_THE_VALIDATE_PATH = (
    # the parser: argparse asks shutil for the terminal width, gettext imports locale
    "shutil", "locale",
)


def modules_after(argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The modules a `kcconf ARGV` run has imported when it ends, in a fresh interpreter."""
    code = ("import importlib, re, sys; from kcconf.cli import main\n"
            "sys.argv = ['kcconf'] + sys.argv[1:]\n"
            "try:\n    main()\nfinally:\n    print(' '.join(sorted(sys.modules)))\n"
            "    compiled = {key[1] for key in re._cache}\n"
            f"    for name in {LAZY_PATTERNS!r}:\n"
            "        module, _, attribute = name.rpartition('.')\n"
            "        if getattr(importlib.import_module(module), attribute) in compiled:\n"
            "            print('compiled:' + name)\n")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                            text=True, cwd=ROOT, env=env, check=False)
    assert result.returncode in (0, 1), result.stderr
    return set(result.stdout.split())


LAZY_PATTERNS = (
    # kept as text and compiled by re on first use, which a plain config without kcconf
    # comments never needs
    "kcconf.escape.SURROGATE", "kcconf.escape.XML_UNSAFE", "kcconf.suppress.DIRECTIVE",
    "kcconf.suppress.PAIR", "kcconf.suppress.HINT_LINE", "kcconf.selection.CODE_PREFIX",
)


def c_locale() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return {**env, "LANG": "C"}


def test_validate_leaves_these_modules_out() -> None:
    loaded = modules_after(["validate", "-q", "etc/kopano/server.cfg"], c_locale())
    assert loaded.isdisjoint(NOT_ON_THE_VALIDATE_PATH), loaded & set(NOT_ON_THE_VALIDATE_PATH)
    assert not {m for m in loaded if m.startswith("compiled:")}


def test_validate_reads_its_json_files_without_json(tmp_path: Path) -> None:
    """Once the data files' copies exist (kcconf.datafile), json is not imported."""
    schemas = tmp_path / "schemas"
    no_copies = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "schemas", schemas, ignore=no_copies)
    env = {k: v for k, v in c_locale().items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KCCONF_SCHEMA_DIR"] = str(schemas)
    argv = ["validate", "-q", "etc/kopano/server.cfg"]
    modules_after(argv, env)  # writes the copies
    assert "json" not in modules_after(argv, env)
    shutil.copytree(ROOT / "schemas", tmp_path / "fresh", ignore=no_copies)  # none written
    fresh = {**env, "PYTHONDONTWRITEBYTECODE": "1", "KCCONF_SCHEMA_DIR": str(tmp_path / "fresh")}
    assert "json" in modules_after(argv, fresh) and "json" in modules_after(argv, fresh)


@pytest.mark.parametrize("columns", ["40", "80", "160"])
def test_help_is_laid_out_as_argparse_would(monkeypatch: pytest.MonkeyPatch,
                                            columns: str) -> None:
    """The formatter that finds the terminal width late lays help out at the same width
    as argparse's own (COLUMNS is what shutil reads first)."""
    monkeypatch.setenv("COLUMNS", columns)
    for only in (None, "validate", "lint"):
        ours = cli.build_parser(only=only)
        theirs = cli.build_parser(only=only)
        for parser in (theirs, *_subparsers(theirs)):
            parser.formatter_class = argparse.HelpFormatter
        for mine, plain in zip((ours, *_subparsers(ours)), (theirs, *_subparsers(theirs)),
                               strict=True):
            assert mine.format_help() == plain.format_help()
            assert mine.format_usage() == plain.format_usage()
    assert max(map(len, cli.build_parser(only="lint").format_help().splitlines())) <= int(
        columns)


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [p for a in actions for p in a.choices.values()]


@pytest.mark.parametrize(("env", "skipped"), [
    ({"LANG": "C"}, True),
    ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, True),
    ({"LANGUAGE": "de:C", "LANG": "C"}, False),  # gettext reads LANGUAGE first: de
])
def test_gettext_is_skipped_only_where_it_finds_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str],
        env: dict[str, str], skipped: bool) -> None:
    """argparse's words skip gettext only where gettext would search no catalogue; with
    a locale directory present and another language asked for, gettext stays."""
    import gettext

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(argparse, "_", gettext.gettext)
    domain = gettext.textdomain()
    before = gettext.bindtextdomain(domain)
    gettext.bindtextdomain(domain, os.fspath(tmp_path))  # a locale directory that exists
    try:
        cli.build_parser(only="validate")
        assert (argparse._ is cli._untranslated) is skipped  # type: ignore[attr-defined]
    finally:
        gettext.bindtextdomain(domain, before)


def test_gettext_is_skipped_without_a_locale_directory(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: os.PathLike[str]) -> None:
    import gettext

    monkeypatch.setenv("LANGUAGE", "de")
    monkeypatch.setattr(argparse, "_", gettext.gettext)
    domain = gettext.textdomain()
    before = gettext.bindtextdomain(domain)
    gettext.bindtextdomain(domain, os.path.join(tmp_path, "absent"))
    try:
        cli.build_parser(only="validate")
        assert argparse._ is cli._untranslated  # type: ignore[attr-defined]
    finally:
        gettext.bindtextdomain(domain, before)


@pytest.mark.parametrize(("code", "output", "status"), [
    # no teardown needed: output flushed, status kept
    ("import sys; print('partial line', end=''); sys.stderr.write('err');"
     " from kcconf.cli import leave; leave(4)", "partial line", 4),
    # an atexit handler: Python's ordinary exit, which runs it
    ("import atexit; atexit.register(print, 'handler ran'); print('first');"
     " from kcconf.cli import leave; leave(3)", "first\nhandler ran\n", 3),
    # another thread: the ordinary exit waits for it
    ("import threading, time; threading.Thread(target=lambda: (time.sleep(0.2),"
     " print('thread done'))).start(); from kcconf.cli import leave; leave(5)",
     "thread done\n", 5),
])
def test_leave_skips_only_a_teardown_nothing_needs(code: str, output: str,
                                                   status: int) -> None:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert (result.stdout, result.returncode) == (output, status)
    assert result.stderr == ("err" if status == 4 else "")


def test_python_m_kcconf_reports_all_and_its_status(tmp_path: os.PathLike[str]) -> None:
    """Many findings through a pipe: every line arrives before the process ends."""
    config = os.path.join(tmp_path, "server.cfg")
    with open(config, "w", encoding="utf-8") as handle:
        handle.writelines(f"no_such_option_{n} = 1\n" for n in range(2000))
    result = subprocess.run([sys.executable, "-m", "kcconf", "validate", "--no-hints",
                             "--max-findings", "0", config],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2001 and lines[-1].startswith("1 file checked: 2000 error(s)")


def test_the_installed_command_ends_as_python_m_kcconf_does(tmp_path) -> None:
    """The console script is what users run: it leaves through ``leave`` too, with the
    status of ``main``, and pyproject.toml points at it."""
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["kcconf"] == "kcconf.cli:console"
    config = os.path.join(tmp_path, "server.cfg")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("log_levle = 3\n")
    code = ("import sys; sys.argv = ['kcconf', 'validate', '-q', sys.argv[1]]\n"
            "from kcconf.cli import console; console()")
    result = subprocess.run([sys.executable, "-c", code, config], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert result.returncode == 1 and "[KC201]" in result.stdout, result.stderr


def test_value_and_secret_patterns_are_not_compiled_at_import() -> None:
    """checks/values.py and redact.py keep their patterns as text, compiled by re when
    a value first needs one: importing them (every validate does) compiles none."""
    code = ("import re\nfrom kcconf import redact\nfrom kcconf.checks import values\n"
            "ours = {values.INLINE_COMMENT, values.HASH_COMMENT, values.ENV_NAME,"
            " values.LISTEN_ITEM, values.SOCKET, values.URL, values.HEX,"
            " redact.SECRET_PIECES, redact._ASSIGNMENT, redact._WORD}\n"
            "print(sorted(k[1] for k in re._cache if k[1] in ours))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.stdout.strip() == "[]", result.stderr
