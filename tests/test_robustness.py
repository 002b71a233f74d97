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
