"""Every code's example in codes.json, run: the code is reported at the stated line and
column, the fix kcconf carries (if any) clears it, and the fixed form validates clean.

Each code's ``check`` holds the example as data: the file's text (``<BOM>``, ``<NUL>``,
``<xFC>`` stand for those bytes, ``<x*N>`` for N times x, ``{dir}`` for the test's
directory), the component, release, other files beside it, how it is checked
(``validate``, ``lint`` or ``host`` for --check-host) and the expected (line, column).
``fixed`` is the corrected file, None where there is nothing to fix (a note).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kcconf import validate
from kcconf.diagnostics import Diagnostic
from kcconf.fixes import apply_fixes, choose
from kcconf.lint import ProjectSettings, lint_file
from kcconf.render.codes import entries

_SPECIAL = {"BOM": b"\xef\xbb\xbf", "NUL": b"\0", "xFC": b"\xfc"}
_PLACEHOLDER = re.compile(r"<(BOM|NUL|xFC)>|<(.)\*(\d+)>|<(NUL)\*(\d+)>")


def expand(text: str, directory: Path) -> bytes:
    out, at = [], 0
    text = text.replace("{dir}", str(directory))
    for match in _PLACEHOLDER.finditer(text):
        out.append(text[at : match.start()].encode())
        if match.group(1):
            out.append(_SPECIAL[match.group(1)])
        elif match.group(4):
            out.append(b"\0" * int(match.group(5)))
        else:
            out.append(match.group(2).encode() * int(match.group(3)))
        at = match.end()
    out.append(text[at:].encode())
    return b"".join(out)


def _check(case: dict, directory: Path, fixed: bool, text: bytes | None = None
           ) -> tuple[list[Diagnostic], Path]:
    component = case.get("component", "server")
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in case.get("files", {}).items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(expand(content, directory))
    for name, mode in case.get("fixed_modes" if fixed else "file_modes", {}).items():
        os.chmod(directory / name, int(mode, 8))
    root = directory / case.get("filename", f"{component}.cfg")
    if text is None:
        text = expand(case["fixed"] if fixed else case["text"], directory)
    root.write_bytes(text)
    mode = case.get("fixed_root_mode" if fixed else "root_mode")
    if mode:
        os.chmod(root, int(mode, 8))
    release = case.get("fixed_release", case.get("release")) if fixed else case.get("release")
    how = case.get("mode", "validate")
    if how == "lint":
        settings = ProjectSettings(root=str(directory))
        result = lint_file(str(root), settings, release, unused=True)
        assert result.error is None, result.error
        return result.diagnostics, root
    found = validate.run(str(root), component, release, environ={},
                         check_host=how == "host").diagnostics
    return found, root


CODES = [pytest.param(e, id=e["code"]) for e in entries()]


def _baseline(case: dict, directory: Path) -> set[str]:
    """Errors and warnings of an empty file of the component: what every file of it has
    (an LDAP config without a server URI), which a fixed example need not remove."""
    found, _ = _check({**case, "files": {}, "file_modes": {}, "root_mode": None}, directory,
                      False, b"")
    return {d.code for d in found if d.severity != "info"}


@pytest.mark.parametrize("entry", CODES)
def test_code_example_is_reported_where_it_says(entry: dict, tmp_path: Path):
    case = entry["check"]
    if "skip" in case:
        pytest.skip(case["skip"])
    found, root = _check(case, tmp_path / "example", False)
    ours = [d for d in found if d.code == entry["code"] and d.file == str(root)]
    assert ours, [(d.code, d.line, d.col, d.message) for d in found]
    assert tuple(case["at"]) in [(d.line, d.col) for d in ours], \
        [(d.code, d.line, d.col) for d in ours]


@pytest.mark.parametrize("entry", CODES)
def test_fixed_example_validates_clean(entry: dict, tmp_path: Path):
    case = entry["check"]
    if "skip" in case or case.get("fixed") is None:
        pytest.skip(case.get("skip", "a note: nothing to fix"))
    found, _ = _check(case, tmp_path / "fixed", True)
    baseline = _baseline(case, tmp_path / "empty")
    at = tuple(case["at"])
    left = [d for d in found if (d.code == entry["code"] and (d.line, d.col) == at) or
            (d.severity != "info" and d.code not in baseline)]
    assert not left, [(d.code, d.line, d.col, d.message) for d in left]


@pytest.mark.parametrize("entry", CODES)
def test_fix_of_the_example_clears_the_code(entry: dict, tmp_path: Path):
    """Where kcconf carries a fix for the example, batch mode's choice (or each
    alternative) clears the finding; the code's declared fixability agrees."""
    case = entry["check"]
    if "skip" in case:
        pytest.skip(case["skip"])
    found, root = _check(case, tmp_path / "example", False)
    ours = [d for d in found if d.code == entry["code"]]
    with_fixes = [d for d in ours if d.fixes]
    if entry["fixable"] == "never":
        assert not with_fixes
        return
    if entry["fixable"] == "always":
        assert with_fixes and len(with_fixes) == len(ours)
    for d in with_fixes:
        assert choose(d.fixes, unsafe=True) is not None or len(d.fixes) > 1
        for fix in d.fixes:
            new = apply_fixes(root.read_bytes(), [fix])
            after, _ = _check(case, tmp_path / f"fixed-{fix.title[:10]}", False, new)
            assert not [a for a in after if a.code == entry["code"] and a.line == d.line], \
                fix.title


def test_every_code_declares_how_fixable_it_is_and_has_an_example_to_run():
    for entry in entries():
        assert entry["fixable"] in ("always", "sometimes", "never"), entry["code"]
        assert entry["fix-safety"], entry["code"]
        assert "check" in entry and ("skip" in entry["check"] or "at" in entry["check"]), \
            entry["code"]

