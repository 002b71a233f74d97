"""Output under attack: whatever bytes a config file and its name hold, text output
stays one line per diagnostic with no control character a terminal acts on, and every
machine format parses with a strict parser (UTF-8, JSON, XML, workflow commands)."""

from __future__ import annotations

import io
import json
import os
import re
import xml.dom.minidom
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcconf import formats
from kcconf.lint import ProjectSettings, lint_file
from tests.conftest import run_kcconf
from tests.test_lint import sarif_schema

HOSTILE = (b"# kcconf: component=server\n"
           b"log_level = 3\x1b[2J\n"
           b"\x1b]0;pwned\x07name\xff = v\xfe\x1b[31m\n"
           b"[sect\xef\xbf\xbe\xef\xbf\xbf]\n"          # U+FFFE U+FFFF
           b"!incl\x1bude x\n"
           b"server_name = \xc2\x9b31m\xe2\x80\xae\n"  # C1 CSI, right-to-left override
           b"\x7f\x01odd\n")
MACHINE = ("json", "sarif", "junit")
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]")
"""Control bytes in UTF-8 output: C0 but tab and newline, DEL, C1, LS/PS, bidi."""


def strict_json(data: bytes) -> object:
    """RFC 8259 as a strict reader takes it: UTF-8, no NaN, no lone surrogates."""
    def no_constant(name: str) -> None:
        raise ValueError(name)

    document = json.loads(data.decode("utf-8"), parse_constant=no_constant)
    json.dumps(document, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
    return document


def strict_xml(data: bytes) -> None:
    xml.dom.minidom.parseString(data)


def hostile_name(tmp_path: Path) -> Path:
    folder = tmp_path / "tree"
    folder.mkdir()
    return folder / "server\n::error title=x::injected\x1b]2;t\x07.cfg"


def test_every_machine_format_parses_whatever_the_bytes(tmp_path):
    path = hostile_name(tmp_path)
    path.write_bytes(HOSTILE)
    (path.parent / os.fsdecode(b"spooler\xff.cfg")).write_bytes(
        b"# kcconf: component=spooler\nbogus = \xff\n")
    for fmt in MACHINE:
        result = run_kcconf("lint", "-f", fmt, str(path.parent))
        assert result.returncode == 1, (fmt, result.stderr)
        document = (strict_xml if fmt == "junit" else strict_json)(result.stdout)
        if fmt == "sarif" and sarif_schema() is not None:
            import jsonschema

            errors = list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(document))
            assert errors == [], errors[0].message
    for args in (["validate", "-f", "json"], ["show", "--json"],
                 ["diff", "-f", "json", "--defaults"]):
        result = run_kcconf(*args, str(path), "-c", "server")
        assert result.returncode in (0, 1), (args, result.stderr)
        strict_json(result.stdout)


def test_undecodable_bytes_are_written_as_hex_escapes(write):
    path = write("server.cfg", b"server_name = caf\xe9\n")
    result = run_kcconf("show", "--json", str(path))
    assert strict_json(result.stdout)["settings"]["server_name"]["value"] == "caf\\xe9"
    result = run_kcconf("validate", "-f", "json", str(write(os.fsdecode(b"x\xff.cfg"), b"a = b\n")),
        "-c", "server")
    assert strict_json(result.stdout)["files"][0]["file"].endswith("x\\xff.cfg")


def test_junit_carries_noncharacters(write):
    path = write("server.cfg", "[head\ufffe\uffff]\nx\x01 = 1\n")
    result = run_kcconf("lint", "-f", "junit", str(path))
    strict_xml(result.stdout)
    assert b"\\ufffe\\uffff" in result.stdout


def test_text_output_escapes_control_characters(tmp_path):
    path = hostile_name(tmp_path)
    path.write_bytes(HOSTILE + b"!include sub\x1b[1m.cfg\n")
    # show stops at a missing include (one line, exit 2): show the same lines without it.
    shown = path.with_name(path.name + ".show")
    shown.write_bytes(HOSTILE)
    runs = [run_kcconf("validate", str(path), "-c", "server"),
            run_kcconf("lint", str(path.parent)),
            run_kcconf("show", "--origin", str(shown), "-c", "server"),
            run_kcconf("diff", "--defaults", str(path), "-c", "server"),
            run_kcconf("set", "--dry-run", str(path), "-c", "server", "log_level=4"),
            run_kcconf("validate", str(path.parent / "missing\n\x1b[2J.cfg"), "-c", "server")]
    for result in runs:
        for stream in (result.stdout, result.stderr):
            assert not CONTROL.search(stream), (result.args, stream)
    validate = runs[0].stdout.decode()
    assert "server\\x0a::error title=x::injected\\x1b]2;t\\x07.cfg:3:1:" in validate
    assert "\\x1b]0;pwned\\x07" in validate
    # One diagnostic, one line: every line is a diagnostic, a hint or the summary.
    for line in validate.splitlines():
        assert line.startswith((str(path.parent), "    hint: ", "1 file checked")), line
    assert "server_name = \\x9b31m\\u202e" in runs[2].stdout.decode()


def test_github_format_escapes_stderr_too(tmp_path):
    folder = tmp_path / "repo"
    folder.mkdir()
    bad = folder / "server\n::error file=x::injected.cfg"
    bad.mkdir()  # a folder named like a config: an input error on stderr
    (folder / "unreadable\n::warning::x.cfg").symlink_to(folder / "nowhere")
    result = run_kcconf("lint", "-f", "github", str(folder / "*.cfg"))
    for stream in (result.stdout, result.stderr):
        for line in stream.decode().splitlines():
            assert not line.startswith("::") or line.startswith(("::error file=", "::warning file=",
                                                                 "::notice file=")), line
            assert "::error file=x::injected" not in line.replace("%3A", ":")
    assert result.stderr.count(b"\n") == result.stderr.decode().count("kcconf: ")


SAFE_NAME = st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1,
                    max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), lines=st.lists(st.binary(max_size=60), max_size=8),
       name=SAFE_NAME)
def test_formatters_are_strict_on_any_bytes(tmp_path_factory, data, lines, name):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / (name.replace(".", "_") + ".cfg")
    path.write_bytes(data + b"\n" + b"\n".join(b"x" + line + b" = \xff" + line for line in lines))
    result = lint_file(str(path), ProjectSettings(), None)
    result.component = result.component or "server"
    for fmt in (*MACHINE, "github", "text"):
        out = io.StringIO()
        formatter = formats.get(fmt)
        formatter.begin(out)
        formatter.file(out, result)
        formatter.end(out, formats.Totals())
        raw = out.getvalue().encode("utf-8")  # strict: a lone surrogate fails here
        if fmt == "junit":
            strict_xml(raw)
        elif fmt in MACHINE:
            strict_json(raw)
        else:
            assert not CONTROL.search(raw), (fmt, raw)


@pytest.mark.parametrize("text,shown", [
    ("plain", "plain"), ("a\x1b[2Jb", "a\\x1b[2Jb"), ("new\nline", "new\\x0aline"),
    ("caf\udce9", "caf\\xe9"), ("\u202eevil", "\\u202eevil"), ("tab\t", "tab\\x09"),
    ("\x9b", "\\x9b"), ("\x7f", "\\x7f"),
])
def test_human_escaping(text, shown):
    from kcconf import escape

    assert escape.human(text) == shown
