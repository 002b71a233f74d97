"""The editor addresses lines exactly as the component's reader splits them, and a set
that the service would not see fails (issue 13, items 7, 11 and 19's binary edit)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcconf import dialect, schema
from kcconf.edit import EditError, apply
from kcconf.validate import flavour_of

from .conftest import run_kcconf

LONE_CR = b"index_path = /x\rlog_level = 2\n"
"""An old-Mac line ending: kopano.Config reads two lines, index_path and log_level."""


def reader_view(data: bytes, component: schema.Component) -> list[tuple[str, str]]:
    """(name, value) of every assignment, as the component's own reader splits the file."""
    doc = dialect.parse(data, "x.cfg", flavour_of(component))
    return [(e.name, e.value) for e in doc.entries
            if e.kind is dialect.Kind.OPTION and e.name is not None and e.value is not None]


def test_set_on_a_lone_cr_python_file_changes_only_that_option(write):
    path = write("search.cfg", LONE_CR)
    result = run_kcconf("set", str(path), "log_level=4")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == b"index_path = /x\rlog_level = 4\n"


def test_unset_on_a_lone_cr_python_file_comments_out_only_that_option(write):
    path = write("search.cfg", LONE_CR)
    result = run_kcconf("unset", str(path), "log_level")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == b"index_path = /x\r#log_level = 2\n"


def test_env_on_a_lone_cr_python_file(tmp_path):
    (tmp_path / "search.cfg").write_bytes(LONE_CR)
    result = run_kcconf("env", "--dir", str(tmp_path), env={"KCCONF_SEARCH_LOG_LEVEL": "4"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "search.cfg").read_bytes() == b"index_path = /x\rlog_level = 4\n"


def test_env_uncomment_on_a_lone_cr_python_file(tmp_path):
    (tmp_path / "search.cfg").write_bytes(b"index_path = /x\r#log_level = 2\r")
    result = run_kcconf("env", "--dir", str(tmp_path),
                        env={"KCUNCOMMENT_SEARCH_A": "log_level = 2"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "search.cfg").read_bytes() == b"index_path = /x\rlog_level = 2\r"


def test_upgrade_on_a_lone_cr_python_file_comments_out_only_the_removed_option(write):
    path = write("search.cfg", b"index_path = /x\roptimize_age = 5\n")
    result = run_kcconf("upgrade", str(path), "--from", "8.7", "--to", "11.0")
    assert result.returncode == 0, result.stderr
    search = schema.load("search")
    view = reader_view(path.read_bytes(), search)
    assert view == [("index_path", "/x")]


def test_insert_into_a_lone_cr_file_uses_a_lone_cr(write):
    search = schema.load("search")
    new, _ = apply("search.cfg", b"index_path = /x\rlog_level = 2\r", search, "11.0",
                   {"run_as_user": "kopano"})
    assert b"\n" not in new
    assert ("run_as_user", "kopano") in reader_view(new, search)


def test_a_cxx_file_splits_at_lf_only(write):
    # For kopano-server the CR is part of the line: index_path's value runs on.
    server = schema.load("server")
    data = b"server_name = a\rlog_level = 2\n"
    new, edits = apply("server.cfg", data, server, "11.0", {"log_level": "4"})
    assert new.startswith(data) and edits[0].action == "inserted"


# --- 11: a set the service would not see ---------------------------------------------

def test_set_overridden_by_a_later_include_fails(write):
    path = write("server.cfg", "log_level = 2\n!include more.cfg\n")
    write("more.cfg", "log_level = 5\n")
    result = run_kcconf("set", str(path), "log_level=4")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "more.cfg:1 sets it again" in err and "'5'" in err
    assert path.read_bytes() == b"log_level = 2\n!include more.cfg\n"


def test_set_to_the_value_a_later_include_sets_is_fine(write):
    path = write("server.cfg", "log_level = 2\n!include more.cfg\n")
    write("more.cfg", "log_level = 5\n")
    result = run_kcconf("set", str(path), "log_level=5")
    assert result.returncode == 0, result.stderr


def test_set_after_an_include_missing_here_is_written(write):
    # The file may be edited for another host, where the include exists.
    path = write("server.cfg", "log_level = 2\n!include /nonexistent/more.cfg\n")
    result = run_kcconf("set", str(path), "server_name=mail")
    assert result.returncode == 0, result.stderr


def test_set_overridden_by_the_continuation_of_a_long_line_fails(write):
    long_line = b"server_name = " + b"x" * (4095 - len(b"server_name = ")) + b"log_level = 6\n"
    path = write("server.cfg", b"log_level = 2\n" + long_line)
    result = run_kcconf("set", str(path), "log_level=4")
    assert result.returncode == 1
    assert "continuation of a line over 4095 bytes" in result.stderr.decode()


def test_a_secret_overridden_later_is_not_quoted(write):
    path = write("server.cfg", "mysql_password = a\n!include more.cfg\n")
    write("more.cfg", "mysql_password = S3cr3tValue\n")
    result = run_kcconf("set", str(path), "mysql_password=new")
    assert result.returncode == 1
    assert b"S3cr3tValue" not in result.stderr + result.stdout


# --- 19: an edit that would make the file look binary ---------------------------------

def test_an_edit_that_makes_the_file_look_binary_is_one_clear_line(write):
    path = write("server.cfg", "log_level = 3\n")
    result = run_kcconf("set", str(path), "server_name=" + "\x01\x02\x03" * 20)
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1
    assert "binary" in err
    assert path.read_bytes() == b"log_level = 3\n"


# --- the editor fuzzed -----------------------------------------------------------------

COMPONENTS = {"server": ["server_name", "server_hostname", "run_as_user", "mysql_host"],
              "search": ["run_as_user", "run_as_group", "search_engine"]}
ENDINGS = {"server": [b"\n", b"\r\n"], "search": [b"\n", b"\r\n", b"\r"]}

_text = st.text(st.sampled_from("ab =#\t\r x_/.\u00e9"), max_size=12)
_word = st.text(st.sampled_from("abcxyz019"), min_size=1, max_size=6)


@st.composite
def config_files(draw):
    name = draw(st.sampled_from(sorted(COMPONENTS)))
    names = COMPONENTS[name]
    python = name == "search"
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["option", "commented", "comment", "blank", "junk"]))
        if kind == "option":
            line = (draw(st.sampled_from(["", " ", "\t"])) + draw(st.sampled_from(names)) +
                    draw(st.sampled_from(["=", " = ", " =", "= "])) + draw(_word))
        elif kind == "commented":
            line = "#" + draw(st.sampled_from(names)) + " = " + draw(_word)
        elif kind == "comment":
            line = "#" + draw(_text)
        elif kind == "blank":
            line = draw(st.sampled_from(["", " ", "\t"]))
        else:
            line = draw(_text)
        if python:
            line = line.replace("\r", "")  # a CR ends a Python line: the ending says so
        lines.append(line.encode() + draw(st.sampled_from(ENDINGS[name])))
    if lines and draw(st.booleans()):
        lines[-1] = lines[-1].rstrip(b"\r\n")
    return name, b"".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config_files(), st.data())
def test_an_edit_changes_exactly_the_addressed_option_as_the_reader_sees_it(case, data):
    name, content = case
    component = schema.load(name)
    option = data.draw(st.sampled_from(COMPONENTS[name]))
    before = reader_view(content, component)
    path = f"/nonexistent/{component.file}"
    if data.draw(st.booleans()):
        value = data.draw(_word)
        try:
            new, _ = apply(path, content, component, "11.0", {option: value})
        except EditError as err:  # pragma: no cover - a refusal must say why
            pytest.fail(f"set refused: {err}")
        after = reader_view(new, component)
        assert [v for n, v in after if n == option][-1] == value
    else:
        new, _ = apply(path, content, component, "11.0", unset=[option])
        after = reader_view(new, component)
        assert option not in [n for n, _ in after]
    assert [e for e in before if e[0] != option] == [e for e in after if e[0] != option]
    # Nothing but the addressed line changes: same number of reader lines, or one more.
    old_lines = dialect.parse(content, path, flavour_of(component), reader_lines=True).lines
    new_lines = dialect.parse(new, path, flavour_of(component), reader_lines=True).lines
    assert len(new_lines) - len(old_lines) in (0, 1)
