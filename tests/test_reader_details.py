"""Reader details where kcconf and Kopano's own readers disagreed (issue 14, item 8).

Expected values are worked out by hand from the reading rules: SIZE values are
multiplied by powers of 1024 (1M = 1048576); a NUL byte ends its line; a byte order mark
stays glued to the first line; a line holds at most 4095 bytes; the Python services'
parser keeps a setting as it was when it refuses a value.
"""

from __future__ import annotations

import json

import pytest

import kcconf
from kcconf.validate import run as validate_run

from .conftest import run_kcconf


def found(text: bytes | str, component: str = "server", release: str = "11.0",
          environ: dict | None = None) -> list[tuple[str, str, int]]:
    return [(d.code, d.severity, d.line) for d in
            kcconf.validate_text(text, component, release, environ=environ or {})]


# -- (a) SIZE defaults as the service stores them ----------------------------------------

@pytest.mark.parametrize("release", ["8.7", "11.0"])
def test_show_prints_size_defaults_in_bytes(write, release):
    path = write("server.cfg", "log_level = 3\n")
    done = run_kcconf("show", "--release", release, str(path))
    assert b"# cache_user_size = 1048576\n" in done.stdout
    assert b"cache_user_size = 1M" not in done.stdout
    data = json.loads(run_kcconf("show", "--json", str(path)).stdout)
    assert data["settings"]["cache_user_size"]["default"] == "1048576"
    # --non-default lists what the file sets (postconf -n), equal to the default or not,
    # as written and as the service stores it
    path = write("server.cfg", "cache_user_size = 1M\n")
    shown = run_kcconf("show", "-n", str(path)).stdout
    assert shown == b"cache_user_size = 1M  (read as 1048576)\n"


# -- (b) SIZE from an unset $VARIABLE ---------------------------------------------------

def test_size_from_unset_variable_is_an_error():
    assert found("cache_cell_size = $CELL_SIZE\n") == [("KC313", "error", 1)]
    assert found("cache_cell_size = $CELL_SIZE\n", environ={"CELL_SIZE": "64M"}) == []
    # other options keep the text: a warning, as Kopano's
    assert found("server_name = $HOSTNAME_X\n") == [("KC313", "warning", 1)]


# -- (c) a NUL byte in a small text file ------------------------------------------------

def test_small_file_with_one_nul_is_read(write):
    path = write("server.cfg", b"log_level = 3\0 junk\n")
    result = validate_run(str(path), environ={})
    assert [(d.code, d.line) for d in result.diagnostics] == [("KC103", 1)]
    assert result.effective.value("log_level") == "3"


def test_included_small_file_with_one_nul_is_read(write):
    write("nul.cfg", b"log_level = 5\0\n")
    path = write("server.cfg", "!include nul.cfg\n")
    result = validate_run(str(path), environ={})
    assert [(d.code, d.file.rsplit("/", 1)[-1]) for d in result.diagnostics] == \
        [("KC103", "nul.cfg")]
    assert result.effective.value("log_level") == "5"


def test_binary_files_are_still_refused(write):
    path = write("server.cfg", bytes(range(256)) * 4)
    done = run_kcconf("validate", str(path))
    assert done.returncode == 2 and b"binary" in done.stderr


# -- (d) BOM and long lines: an error only where the reading changes ---------------------

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(("text", "expected"), [
    (BOM + b"# a comment\nlog_level = 3\n", [("KC102", "warning", 1)]),
    (BOM + b"\nlog_level = 3\n", [("KC102", "warning", 1)]),
    (BOM + b"log_level = 3\n", [("KC102", "error", 1), ("KC201", "error", 1)]),
    (BOM + b"!include other.cfg\n", [("KC102", "error", 1)]),
])
def test_byte_order_mark(text, expected):
    assert found(text) == expected


def test_long_comment_without_equals_is_a_warning_only():
    assert found("#" + "x" * 5000 + "\nlog_level = 3\n") == [("KC104", "warning", 1)]


def test_long_comment_that_creates_a_setting_is_an_error():
    # byte 4096 on is read as a line of its own: 'xxx... log_level = 6', an option
    assert found("#" + "x" * 5000 + " log_level = 6\n") == \
        [("KC104", "error", 1), ("KC201", "error", 1)]


def test_long_value_is_cut_to_1023_bytes_anyway():
    assert found("server_name = " + "v" * 5000 + "\n") == \
        [("KC312", "warning", 1), ("KC104", "warning", 1)]


def test_long_line_that_cuts_a_value_short_is_an_error():
    # the name takes 3500 bytes, so the buffer ends 587 bytes into the value
    assert ("KC104", "error", 1) in found("x" * 3500 + "_name = " + "v" * 1000 + "\n")


# -- (e) Python services -----------------------------------------------------------------

def test_relative_sslkey_file_stops_the_python_service():
    got = kcconf.validate_text("sslkey_file = ssl/search.pem\n", "search", "11.0", environ={})
    assert [(d.code, d.severity) for d in got] == [("KC401", "error")]
    assert "[sslkey-file-relative]" in got[0].message
    assert kcconf.validate_text("sslkey_file = /etc/kopano/ssl/search.pem\n", "search",
                                "11.0", environ={}) == []
    # before 9.0 sslkey_file was a plain string that nothing checked
    assert kcconf.validate_text("sslkey_file = ssl/search.pem\n", "search", "8.7",
                                environ={}) == []


@pytest.mark.parametrize("component", ["search", "spamd", "backup"])
def test_empty_running_path_stops_the_python_service(component):
    got = kcconf.validate_text("running_path =\n", component, "8.7", environ={})
    assert [(d.code, d.severity) for d in got] == [("KC401", "error")]
    assert "[running-path-empty]" in got[0].message


def test_show_prints_the_default_a_python_service_keeps(write):
    path = write("search.cfg", "index_attachments = Yes\nlimit_results = 10\n")
    result = validate_run(str(path), environ={})
    assert result.effective.value("index_attachments") == "no"  # the default stays
    assert result.effective.rejected["index_attachments"].value == "Yes"
    out = run_kcconf("show", "-n", str(path)).stdout.decode()
    assert out.splitlines() == [
        f"# {path}:1: the service rejects 'Yes' with an error at start-up and keeps the"
        " value below",
        "# index_attachments = no",
        "limit_results = 10"]
    data = json.loads(run_kcconf("show", "--json", str(path)).stdout)
    assert data["settings"]["index_attachments"]["rejected"] == \
        {"value": "Yes", "file": str(path), "line": 1}


def test_unknown_names_say_which_file_format_finding_they_follow_from():
    bom = kcconf.validate_text(BOM + b"log_level = 3\n", "server", environ={})
    assert "byte order mark" in bom[1].message and bom[1].code == "KC201"
    long = kcconf.validate_text("#" + "x" * 5000 + " log_level = 6\n", "server", environ={})
    assert long[1].code == "KC201" and "longer than 4095 bytes" in long[1].message


def test_a_comment_in_a_value_gives_one_explained_finding_per_kind():
    got = kcconf.validate_text("server_listen = *:236 # the old port\n"
                               "log_method = file # for now\n", "server", environ={})
    # KC303 is the cause; the listen check sees '#', 'the', 'old', 'port' as addresses,
    # but says so once, after the cause, naming it
    assert [(d.code, d.line) for d in got] == [("KC303", 1), ("KC315", 1), ("KC303", 2),
                                               ("KC310", 2)]
    assert all("the comment after it is part of the value" in d.message
               for d in got if d.code != "KC303")
