"""Kopano's readings of numbers, sizes and booleans (READER-RULES.md, stringutil.cpp)."""

from __future__ import annotations

import pytest

from kcconf import values


@pytest.mark.parametrize(("text", "base", "value", "end"), [
    ("010", 0, 8, 3), ("0x10", 0, 16, 4), ("08", 0, 0, 1), ("  -5x", 10, -5, 4),
    ("abc", 10, 0, 0), ("+7", 10, 7, 2), ("0x", 0, 0, 1),
])
def test_strtol(text, base, value, end):
    n = values.strtol(text, base)
    assert (n.value, n.end) == (value, end)


def test_atoi_wraps_to_32_bits_and_strtoul_wraps_negatives():
    assert values.atoi("4294967297").value == 1
    assert values.strtoul("-1").value == 2**64 - 1


@pytest.mark.parametrize(("text", "expected"), [
    ("512", 512), ("1M", 1 << 20), ("1m", 1 << 20), ("2 G", 2 << 30), ("3T", 3 << 40),
    ("512b", 0), ("1X", 0), ("2 # two", 0), ("1e3", 1 << 60), ("1.5M", 1572864),
    ("1Z", 2**64 - 1), ("-1", 2**64 - 1),
])
def test_sizes_from_10_0(text, expected):
    reading = values.cxx_size(text, humansize=True)
    assert reading.accepted and reading.value == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("512", 512), ("1M", 1 << 20), ("2g", 2 << 30), ("512b", 512), ("3T", 3), ("1.5M", 1),
])
def test_sizes_before_10_0(text, expected):
    reading = values.cxx_size(text, humansize=False)
    assert reading.accepted and reading.value == expected


@pytest.mark.parametrize("text", ["abc", "", ".5M", "-"])
def test_sizes_rejected(text):
    assert not values.cxx_size(text, humansize=True).accepted


@pytest.mark.parametrize(("text", "ci", "truth"), [
    ("no", True, False), ("No", True, False), ("No", False, True), ("FALSE", False, True),
    ("0", False, False), ("off", True, True), ("", True, True), ("no # x", True, True),
])
def test_cxx_booleans(text, ci, truth):
    assert values.cxx_bool(text, ci) is truth


@pytest.mark.parametrize(("text", "truth"), [
    ("yes", True), ("0", False), ("true", True), ("Yes", None), ("on", None), ("", None),
])
def test_python_booleans(text, truth):
    assert values.python_bool(text) is truth


@pytest.mark.parametrize(("text", "expected"), [
    ("16mb", 16 << 20), ("2 gib", 2 << 30), ("512b", 512), ("1.5k", 1536), ("x", None),
    ("5q", None),
    # human_to_bytes needs a unit: a bare number matches none of its unit lists
    ("512", None),
])
def test_python_sizes(text, expected):
    assert values.python_size(text) == expected


def test_a_value_found_clean_once_is_judged_afresh_for_another_release_or_environment():
    """Clean (option, value) pairs are remembered across files; a remembered pair must
    not hide a finding where the same text means something else."""
    from kcconf.validate import validate_text

    def codes(text, release=None, environ=None):
        return [d.code for d in validate_text(text, "server", release=release,
                                              environ=environ or {})]

    # 'No' is false from 10.0 on, and read as TRUE before (a case-sensitive compare).
    assert "KC302" not in codes("log_timestamp = No\n", "11.0")
    assert "KC302" in codes("log_timestamp = No\n", "8.7")
    assert "KC302" not in codes("log_timestamp = No\n", "11.0")
    # A $VARIABLE's value comes from the environment of each run.
    assert "KC313" not in codes("server_name = $KC_NAME\n", environ={"KC_NAME": "x"})
    assert "KC313" in codes("server_name = $KC_NAME\n")
    # The same option with another value, after a clean one.
    assert "KC305" not in codes("log_level = 3\n")
    assert "KC305" in codes("log_level = 9\n")
