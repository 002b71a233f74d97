"""The limit on findings per code and file (validate.FINDINGS_PER_CODE): a file of
hundreds of thousands of bad lines keeps a bounded number of Diagnostic objects, and
every count and verdict stays exact, in every output format."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from kcconf import formats, report, suppress, validate
from kcconf.diagnostics import Diagnostic, make
from kcconf.fixing import FixMode
from kcconf.lint.check import check_bytes, fix_file
from kcconf.lint.settings import ProjectSettings
from kcconf.selection import selected_codes

from .conftest import run_kcconf

LINES = 200_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """200,000 unknown names (KC201, errors), then one bad value of a known option."""
    path = tmp_path_factory.mktemp("big") / "server.cfg"
    path.write_bytes(b"a=\n" * LINES + b"log_level = banana\n")
    return path


@pytest.fixture(scope="module")
def linted(big_file):
    return check_bytes(str(big_file), big_file.read_bytes(), "server", "11.0",
                       ProjectSettings())


def test_200000_unknown_names_keep_a_bounded_number_of_findings(big_file):
    found = validate.run(str(big_file)).diagnostics
    unknown = [d for d in found if d.code == "KC201"]
    assert len(found) < 1100  # not one object per line
    assert len(unknown) == 1001  # the first 1,000 and one closing finding
    kept, closing = unknown[:-1], unknown[-1]
    assert [d.line for d in kept] == list(range(1, 1001))  # the first ones by position
    assert all(d.more == 0 for d in kept)
    assert closing.more == LINES - 1000
    assert (closing.line, closing.col, closing.severity) == (1001, 1, "error")
    assert closing.message == "... and 199,000 more KC201 findings in this file"
    # Another code is not hidden behind the limit: the bad value is still reported.
    assert any(d.line == LINES + 1 and d.code.startswith("KC3") for d in found)
    assert report.count(found) == {"error": LINES + 1}  # every unknown name, the bad value


def test_validate_text_and_json_counts_are_exact(big_file):
    text = run_kcconf("validate", "--no-hints", str(big_file), timeout=300)
    assert text.returncode == 1
    out = text.stdout.decode()
    assert out.count("[KC201]") == 1001
    assert "server.cfg:1001:1: error: ... and 199,000 more KC201 findings in this file" in out
    assert out.endswith("1 file checked: 200001 error(s), 0 warning(s), 0 note(s)\n")
    as_json = run_kcconf("validate", "--format", "json", str(big_file), timeout=300)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["summary"] == {"errors": LINES + 1, "warnings": 0, "notes": 0}
    diagnostics = document["files"][0]["diagnostics"]
    assert len(diagnostics) < 1100
    assert [d["more"] for d in diagnostics if "more" in d] == [LINES - 1000]


def _formatted(name: str, result) -> str:
    out = io.StringIO()
    formatter = formats.get(name, hints=False)
    totals = formats.Totals()
    formatter.begin(out)
    totals.add(result)
    formatter.file(out, result)
    formatter.end(out, totals)
    return out.getvalue()


def test_every_lint_format_counts_every_finding(linted):
    assert len(linted.diagnostics) < 1100
    summary = "1 file checked: 200001 error(s), 0 warning(s), 0 note(s)"
    assert _formatted("text", linted).endswith(summary + "\n")
    assert _formatted("github", linted).endswith(summary + "\n")
    as_json = json.loads(_formatted("json", linted))
    assert (as_json["summary"]["errors"], as_json["summary"]["warnings"]) == (LINES + 1, 0)
    suite = ET.fromstring(_formatted("junit", linted))
    assert (suite.get("failures"), suite.get("tests")) == (str(LINES + 1), str(LINES + 1))
    sarif = json.loads(_formatted("sarif", linted))["runs"][0]["results"]
    assert sum(r.get("occurrenceCount", 1) for r in sarif) == LINES + 1
    gitlab = json.loads(_formatted("gitlab", linted))
    assert len(gitlab) == len(linted.diagnostics)
    assert sum("199,000 more KC201" in issue["description"] for issue in gitlab) == 1


def test_max_findings_0_keeps_every_finding(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"a=\n" * 2500)
    found = validate.run(str(path), max_findings=0).diagnostics
    assert [d.line for d in found] == list(range(1, 2501))
    shown = run_kcconf("validate", "--no-hints", "--max-findings", "0", str(path))
    assert shown.stdout.count(b"[KC201]") == 2500
    assert b"more KC201" not in shown.stdout
    refused = run_kcconf("validate", "--max-findings", "-1", str(path))
    assert refused.returncode == 2 and b"--max-findings" in refused.stderr


def test_suppressions_apply_before_the_limit(tmp_path):
    """A suppressed line past the limit is used (no KC603) and not counted."""
    path = tmp_path / "server.cfg"
    path.write_bytes(b"a=\n" * 10 + b"# kcconf: disable=KC201\nb=\n" + b"a=\n" * 10)
    result = validate.run(str(path), max_findings=3)
    assert [d.line for d in result.diagnostics] == [1, 2, 3, 4]
    assert result.diagnostics[-1].more == 17  # 21 unknown names, one suppressed, 3 shown
    assert report.count(result.diagnostics) == {"error": 20}
    assert suppress.unused(result.suppressions) == []


def test_ignored_codes_do_not_use_up_the_limit(tmp_path):
    """--ignore (and the settings' disable) are asked before the limit: findings of the
    other codes on later lines are all kept."""
    path = tmp_path / "server.cfg"
    path.write_bytes(b"a=\n" * 5 + b"log_level = banana\n" * 2)
    settings = ProjectSettings(max_findings=2)
    found = check_bytes(str(path), None, "server", "11.0", settings).diagnostics
    assert [d.more for d in found if d.code == "KC201"] == [0, 0, 3]
    settings.selection = selected_codes(None, None, ["KC201"])
    found = check_bytes(str(path), None, "server", "11.0", settings).diagnostics
    assert "KC201" not in {d.code for d in found}
    assert [d.line for d in found if d.code == "KC209"] == [6]
    settings = ProjectSettings(max_findings=2, disable=frozenset({"KC201"}))
    found = check_bytes(str(path), None, "server", "11.0", settings).diagnostics
    assert "KC201" not in {d.code for d in found} and all(d.more == 0 for d in found)


def test_fix_fixes_findings_past_the_limit(tmp_path):
    """lint --fix checks without the limit: every duplicate is commented out, not only
    the first ones kept for the report."""
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n" * 30)
    settings = ProjectSettings(max_findings=5)
    before = check_bytes(str(path), None, "server", "11.0", settings).diagnostics
    assert [d.more for d in before if d.code == "KC209"] == [0] * 5 + [24]
    done = fix_file(str(path), path.read_bytes(), "server", "11.0", settings, False,
                    FixMode())
    assert done.fixed == 29
    assert path.read_bytes().count(b"\nlog_level = 3\n") == 1
    assert path.read_bytes().endswith(b"\nlog_level = 3\n")
    assert check_bytes(str(path), None, "server", "11.0", settings).diagnostics == []


def test_the_first_findings_by_position_are_kept_whatever_the_order_found():
    gather = validate.Findings(3)
    lines = [9, 2, 7, 5, 1, 8, 3]
    gather.add_all(make("KC201", "f.cfg", line, 1, "x") for line in lines)
    gather.add_all([make("KC209", "f.cfg", 4, 1, "y"), make("KC201", "g.cfg", 6, 1, "z")])
    found = gather.result()
    assert [(d.file, d.line, d.code, d.more) for d in found] == [
        ("f.cfg", 1, "KC201", 0), ("f.cfg", 2, "KC201", 0), ("f.cfg", 3, "KC201", 0),
        ("f.cfg", 4, "KC209", 0), ("f.cfg", 5, "KC201", 4), ("g.cfg", 6, "KC201", 0)]
    assert report.count(found) == {"error": 8, "warning": 1}


def test_a_closing_finding_keeps_its_rule_and_counts_in_to_dict():
    gather = validate.Findings(1)
    gather.add_all(make("KC401", "f.cfg", n, 1, "r", rule="log-file-needed") for n in (1, 2))
    closing = gather.result()[-1]
    assert (closing.rule, closing.more, closing.weight) == ("log-file-needed", 1, 1)
    assert closing.to_dict()["more"] == 1
    assert "more" not in Diagnostic("KC201", "error", "f", 1, 1, "m").to_dict()
