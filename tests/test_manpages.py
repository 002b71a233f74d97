"""The generated man pages: lint-clean for mandoc, groff and lexgrog, readable through
man(1), right about defaults and reloading, and in step with the schemas."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcconf import schema
from kcconf.render import manpage, rst

from .conftest import ROOT, run_kcconf

NEWEST = schema.newest_series()
COMPONENT_PAGES = [ROOT / "man" / "man5" / f"kopano-{n}.cfg.5" for n in schema.component_names()]
KCCONF_PAGE = ROOT / "man" / "man1" / "kcconf.1"
PAGES = [*COMPONENT_PAGES, KCCONF_PAGE]
CI_TOOLS = ".ci/run installs mandoc, groff-base and man-db"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed ({CI_TOOLS})")
    return path


def page_id(page: Path) -> str:
    return page.name


@cache
def rendered(page: Path) -> str:
    """The page as man(1) shows it on an 80-column terminal, without formatting."""
    env = {k: v for k, v in os.environ.items() if k != "MAN_KEEP_FORMATTING"}
    env.update(MANWIDTH="80", LC_ALL="C.UTF-8")
    result = subprocess.run([tool("man"), "-l", str(page)], capture_output=True, text=True,
                            env=env, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def terms(text: str) -> set[str]:
    """Entry names of definition lists (.TP at the section indent of 7 columns): alone on
    their line, or, when shorter than the 7-column body indent, followed by the body."""
    found = set()
    for line in text.splitlines():
        if not line.startswith(" " * 7) or line[7:8] in ("", " "):
            continue
        word = line[7:].split(" ", 1)[0]
        if line[7:] == word or (len(word) < 7 and line[7:14].rstrip() == word
                                and line[14:15] not in ("", " ")):
            found.add(word)
    return found


def section(text: str, title: str) -> str:
    """The body of one top-level section of a rendered page."""
    match = re.search(rf"^{re.escape(title)}\n(.*?)(?=^\S|\Z)", text, re.M | re.S)
    assert match, f"no section {title}"
    return match.group(1)


# --- quality gates, every page -----------------------------------------------------------

def test_every_component_has_a_page():
    assert all(p.is_file() for p in PAGES), "run 'kcconf generate'"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_mandoc_lint_is_silent(page):
    result = subprocess.run([tool("mandoc"), "-Tlint", "-W", "warning", str(page)],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_groff_prints_no_warning(page):
    # groff exits 0 even when it warns: any output on stderr is the failure.
    result = subprocess.run([tool("groff"), "-man", "-ww", "-z", str(page)],
                            capture_output=True, text=True, check=False)
    assert result.stderr == ""


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_lexgrog_finds_the_name_line(page):
    result = subprocess.run([tool("lexgrog"), str(page)], capture_output=True, text=True,
                            check=False)
    stem = page.name.rsplit(".", 1)[0]
    assert result.returncode == 0
    assert re.search(rf'"{re.escape(stem)} - \S', result.stdout), result.stdout


@pytest.mark.parametrize("name", schema.component_names())
def test_page_shows_every_option_of_the_newest_release(name):
    text = rendered(ROOT / "man" / "man5" / f"kopano-{name}.cfg.5")
    assert set(schema.load(name).present(NEWEST)) <= terms(text)
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "FILE FORMAT", "RELOADING", "FILES",
                    "ENVIRONMENT", "SEE ALSO"):
        assert re.search(rf"^{heading}$", text, re.M), heading


# --- what the pages say -------------------------------------------------------------------

def test_server_page_shows_the_real_default_of_softdelete_lifetime():
    text = rendered(ROOT / "man" / "man5" / "kopano-server.cfg.5")
    option = schema.load("server").option("softdelete_lifetime", NEWEST)
    assert option is not None and option.default is not None
    entry = re.search(r"^ {7}softdelete_lifetime\n(.*?)(?=^ {0,7}\S)", text, re.M | re.S)
    assert "softdelete_lifetime" in terms(text)
    assert entry, "softdelete_lifetime is not listed"
    assert f"Default: {option.default}." in flat(entry.group(1))


def reloadable(name: str) -> dict[str, str]:
    """Flagged options at the newest series, with the audited behaviour of each."""
    return {o.name: o.reload.behaviour for o in schema.load(name).present(NEWEST).values()
            if o.reloadable}


def listed(body: str, title: str) -> set[str]:
    match = re.search(rf"{re.escape(title)}: (.*?)\.(?: |$)", body)
    return {n.strip() for n in match.group(1).split(",")} if match else set()


@pytest.mark.parametrize("name", [n for n in schema.component_names()
                                  if not schema.load(n).python
                                  and not schema.load(n).runs_per_use])
def test_reloading_lists_the_flagged_options_by_what_a_reload_does(name):
    component = schema.load(name)
    body = flat(section(rendered(ROOT / "man" / "man5" / f"kopano-{name}.cfg.5"), "RELOADING"))
    expected = reloadable(name)
    assert f"service {component.service} reload" in body or not expected
    applied = listed(body, f"Applied by a reload in {NEWEST}")
    restart = listed(body, f"Accepted by a reload but not applied in {NEWEST} (restart needed)")
    start = body.find("only to new connections")
    end = min([i for i in (body.find("Accepted by a reload", start),
                           body.find("Not audited yet", start)) if i > 0] or [len(body)])
    segment = body[start:end] if start > 0 else ""
    # one bullet per audience: "to WHO: name, name." (WHO may hold ; and ,)
    new_connections = {n for names in re.findall(r"to .*?: ((?:\w+, )*\w+)\.(?: |$)", segment)
                       for n in names.split(", ")}
    assert applied == {n for n, b in expected.items() if b in ("applied", "unaudited")}
    assert restart == {n for n, b in expected.items() if b == "restart"}
    assert new_connections == {n for n, b in expected.items() if b == "new-connections"}


def test_python_services_and_programs_run_per_use_say_what_sighup_does():
    for name in schema.component_names():
        component = schema.load(name)
        if component.sighup:
            body = flat(section(rendered(ROOT / "man" / "man5" / f"kopano-{name}.cfg.5"),
                                "RELOADING"))
            if component.sighup["behaviour"] == "next-run":
                assert "each time it runs" in body
            elif component.python:
                assert "ignores SIGHUP" in body and "restart" in body
            else:
                assert "no SIGHUP handler" in body and "restart" in body


def test_plugin_pages_name_kopano_server_for_reloading():
    for name in ("ldap", "unix"):
        body = flat(section(rendered(ROOT / "man" / "man5" / f"kopano-{name}.cfg.5"),
                            "RELOADING"))
        assert "service kopano-server reload" in body


def test_server_page_describes_security_logging():
    text = rendered(ROOT / "man" / "man5" / "kopano-server.cfg.5")
    body = flat(section(text, "SECURITY LOGGING"))
    for words in ("user id", "signal", "authenticate spoofed", "impersonation",
                  "access denied", "1 a store, 3 a folder, 5 a message", "audit_log_level",
                  "audit_log_method", "audit_log_file", "authpriv"):
        assert words in body, words
    for name in schema.component_names():
        if name != "server":
            assert "SECURITY LOGGING" not in rendered(
                ROOT / "man" / "man5" / f"kopano-{name}.cfg.5")


def test_file_format_follows_the_reader_of_the_service():
    cpp = flat(section(rendered(ROOT / "man" / "man5" / "kopano-ldap.cfg.5"), "FILE FORMAT"))
    assert "!include" in cpp and "!propmap" in cpp and "1023 bytes" in cpp
    assert "very first character" in cpp
    python = flat(section(rendered(ROOT / "man" / "man5" / "kopano-search.cfg.5"),
                          "FILE FORMAT"))
    assert "other than white space is #" in python and "1023" not in python
    environment = flat(section(rendered(ROOT / "man" / "man5" / "kopano-search.cfg.5"),
                               "ENVIRONMENT"))
    assert "KOPANO_CFG_DIR" in environment


def test_pages_carry_a_fixed_date_not_today():
    for page in PAGES:
        header = next(line for line in page.read_text().splitlines() if line.startswith(".TH"))
        assert f'"{rst.MAN_DATE}"' in header


def test_kcconf1_documents_every_command_and_option():
    from kcconf.cli import build_parser

    text = rendered(KCCONF_PAGE)
    commands = manpage.commands(build_parser())
    assert commands
    for name, sub, _help in commands:
        assert re.search(rf"^ {{3}}kcconf {name}$", text, re.M), name
        body = text.split(f"   kcconf {name}\n", 1)[1]
        for action in sub._actions:
            for spelling in action.option_strings:
                assert spelling in body, f"{name} {spelling}"
    for heading in ("SYNOPSIS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"):
        assert re.search(rf"^{heading}$", text, re.M), heading
    environment = section(text, "ENVIRONMENT")
    assert "NO_COLOR" in environment and "KCCONF_SCHEMA_DIR" in environment


def test_generated_files_are_in_step():
    result = run_kcconf("generate", "--check", "--root", str(ROOT))
    assert result.returncode == 0, result.stdout.decode()


# --- kcconf man ------------------------------------------------------------------------------

def test_man_command_writes_roff():
    result = run_kcconf("man", "server")
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.decode() == (ROOT / "man/man5/kopano-server.cfg.5").read_text()


def test_man_command_for_an_older_release_and_as_rst(tmp_path):
    out = tmp_path / "page.5"
    result = run_kcconf("man", "server", "--release", "8.0.3", "-o", str(out))
    assert result.returncode == 0 and result.stdout == b""
    assert "Kopano 8.0;" in flat(out.read_text().replace("\\", ""))
    source = run_kcconf("man", "spooler", "--rst")
    assert source.returncode == 0 and source.stdout.startswith(b"=================")


@pytest.mark.parametrize("args", [("nosuch",), ("server", "--release", "7.0"),
                                  ("server", "--release", "eleven"),
                                  ("server", "-o", "/nonexistent/dir/page.5")])
def test_man_command_errors_are_one_line(args):
    result = run_kcconf("man", *args)
    assert result.returncode == 2 and result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kcconf: ") and "Traceback" not in lines[0]


# --- the generator's building blocks ----------------------------------------------------------

def test_tidy_fixes_what_mandoc_warns_about():
    roff = ('.\\" Man page generated from reStructuredText.\n.TH "x" "5" "d" "v" "g"\n'
            ".SH Name\nx \\- y\n.SH DESCRIPTION\n.sp\ntext\n\n.sp\n.sp\nmore\n"
            ".nf\nkeep\n\nblank\n.fi\n")
    assert manpage.tidy(roff) == ('.TH "x" "5" "d" "v" "g"\n.nr HY 0\n.nh\n.ad l\n'
                                  ".SH NAME\nx \\- y\n.SH DESCRIPTION\ntext\n.sp\nmore\n"
                                  ".nf\nkeep\n\nblank\n.fi\n")
    long_word = "DEFAULT:!LOW:!SSLv2:!SSLv3:!TLSv1.0:!TLSv1.1:!EXPORT:!DH"
    assert manpage.tidy(long_word) == long_word.replace(":", ":\\:") + "\n"
    assert manpage.tidy("short:word") == "short:word\n"


TRICKY = """\
=================
kopano-tricky.cfg
=================

----------------
a tricky summary
----------------

:Manual section: 5
:Manual group: Kopano Core
:Date: 2026-01-01

DESCRIPTION
===========

{}
"""


def test_awkward_prose_survives_docutils_and_roff(tmp_path):
    prose = ("'quoted' first\n\n.dot first and \\backslash\n\n* star\n\n1. one\n\n"
             "ends with::\n\nname_ and |sub| and `tick` and **bold**")
    page = tmp_path / "kopano-tricky.cfg.5"
    page.write_text(manpage.to_roff(TRICKY.format("\n\n".join(rst.paragraphs(prose)))))
    assert subprocess.run([tool("mandoc"), "-Tlint", "-W", "warning", str(page)],
                          capture_output=True, check=False).returncode == 0
    text = flat(rendered(page))
    for chunk in prose.split("\n\n"):
        assert chunk in text, chunk


def parse(source: str):
    from docutils.core import publish_doctree

    return publish_doctree(source, settings_overrides={"report_level": 2, "halt_level": 2,
                                                       "traceback": True})


CHARS = st.characters(min_codepoint=32, max_codepoint=0x17F, exclude_categories=("Cc", "Cs"))
PROSE = st.lists(CHARS | st.sampled_from(["\n", "\n\n", "::", "``", "_", "- ", "1. ", ".. ",
                                          "|", "*", "\\", "`"]),
                 max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(PROSE)
def test_paragraphs_read_back_as_the_same_plain_text(value):
    from docutils import nodes

    expected = [" ".join(line.strip() for line in chunk.splitlines() if line.strip())
                for chunk in re.split(r"\n[ \t]*\n", value.strip())]
    expected = [e for e in expected if e]
    doc = parse("\n\n".join(rst.paragraphs(value)))
    assert all(isinstance(child, nodes.paragraph) for child in doc.children)
    assert [child.astext() for child in doc.children] == expected


@settings(max_examples=100, deadline=None)
@given(st.text(CHARS, min_size=1, max_size=30))
def test_literal_values_read_back(value):
    shown = parse("Default: " + rst.literal(value) + ".").astext()
    assert shown in (f"Default: {value}.", f"Default: '{value}'.")
