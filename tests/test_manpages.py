"""Quality gates for the generated man pages, and the Sphinx site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from kcconf import schema

from .conftest import ROOT, run_kcconf

PAGES = sorted((ROOT / "man").glob("man*/*.[15]"))


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (.ci/run installs mandoc, groff-base, man-db)")
    return path


def test_every_component_has_a_page():
    names = {p.name for p in PAGES}
    assert "kcconf.1" in names
    assert {f"kopano-{c}.cfg.5" for c in schema.component_names()} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_mandoc_lint_is_silent(page):
    result = subprocess.run([tool("mandoc"), "-Tlint", "-W", "warning", str(page)],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_groff_warnings_are_silent(page):
    result = subprocess.run([tool("groff"), "-man", "-ww", "-z", str(page)],
                            capture_output=True, text=True, check=False)
    assert result.stderr == ""


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_lexgrog_finds_the_name_line(page):
    result = subprocess.run([tool("lexgrog"), str(page)], capture_output=True, text=True,
                            check=False)
    stem = page.name.rsplit(".", 1)[0]
    assert result.returncode == 0 and f'"{stem} - ' in result.stdout


def render(page) -> str:
    env = {**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": ""}
    env.pop("MAN_KEEP_FORMATTING")
    result = subprocess.run([tool("man"), "-l", str(page)], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0
    return result.stdout


def test_server_page_shows_real_defaults_and_reload_list():
    text = render(ROOT / "man" / "man5" / "kopano-server.cfg.5")
    server = schema.load("server")
    newest = schema.newest_series()
    flat = re.sub(r"\s+", " ", text)
    soft = server.option("softdelete_lifetime", newest)
    assert "softdelete_lifetime" in flat and f"Default: {soft.default}." in flat
    reload_part = flat.split("RELOADING", 1)[1].split("SECURITY LOGGING", 1)[0]
    listed = re.search(r"Reloadable in [\d.]+: (.*?)\.\s*$", reload_part).group(1)
    names = {n.strip() for n in listed.split(",")}
    expected = {o.name for o in server.present(newest).values()
                if o.reloadable and not o.renamed_to}
    assert names == expected
    assert "SECURITY LOGGING" in text and "7 a message" in flat


def test_kcconf1_lists_every_command():
    text = render(ROOT / "man" / "man1" / "kcconf.1")
    from kcconf.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if hasattr(a, "choices") and a.choices).choices
    for name in commands:
        assert f"kcconf {name}" in text
    assert "EXIT STATUS" in text


def test_man_command():
    result = run_kcconf("man", "server", "--release", "8.0")
    assert result.returncode == 0 and result.stdout.startswith(b".")
    assert b"Kopano 8.0" in result.stdout
    bad = run_kcconf("man", "nosuch")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("builder", ["html", "man"])
def test_sphinx_build_is_warning_free(builder, tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", builder,
                             str(ROOT / "docs"), str(tmp_path / builder)],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    if builder == "html":
        page = (tmp_path / "html" / "reference" / "server.html").read_text()
        assert 'id="confval-server.log_level"' in page
