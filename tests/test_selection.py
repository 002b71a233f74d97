"""Selectors (codes, prefixes, code names, schema rule ids): one matcher for suppression
comments, the settings' disable and severity, and lint's flags."""

from __future__ import annotations

import json

from kcconf import schema, validate
from kcconf.diagnostics import CODES, make
from kcconf.lint.check import finish
from kcconf.lint.settings import parse_settings
from kcconf.selection import known, lookup, matches
from kcconf.suppress import unused

from .conftest import run_kcconf

RULE_TEXT = b"log_method = file\nlog_file =\nsoftdelete_lifetime = 0\n"


def _rules(text: bytes) -> list[str]:
    found = validate.run("server.cfg", "server", "11.0", data=text, environ={}).diagnostics
    return sorted(d.rule for d in found if d.code == "KC401")


def test_a_rule_finding_carries_its_rule_id():
    assert _rules(RULE_TEXT) == ["log-file-needed", "softdelete-zero"]


def test_selectors_name_codes_prefixes_code_names_and_rule_ids():
    d = make("KC401", "f", 1, 1, "m", rule="log-file-needed")
    assert matches("KC401", d) and matches("kc401", d) and matches("KC4", d)
    assert matches("KC", d) and matches("rule", d) and matches("log-file-needed", d)
    assert matches("Log-File-Needed", d)
    assert not matches("KC40", make("KC209", "f", 1, 1, "m"))
    assert not matches("softdelete-zero", d) and not matches("KC3", d)
    assert matches("duplicate-option", make("KC209", "f", 1, 1, "m"))


def test_a_suppression_comment_takes_a_rule_id_and_silences_that_rule_alone():
    text = b"log_method = file\n# kcconf: disable=log-file-needed\nlog_file =\n" \
           b"softdelete_lifetime = 0\n"
    assert _rules(text) == ["softdelete-zero"]


def test_a_suppression_comment_takes_a_code_name():
    text = b"# kcconf: disable=duplicate-option\nlog_level = 3\nlog_level = 4\n"
    found = validate.run("server.cfg", "server", "11.0", data=text, environ={})
    assert [d.code for d in found.diagnostics] == []
    assert unused(found.suppressions) == []


def test_an_unused_rule_suppression_is_reported_by_its_id():
    text = b"# kcconf: disable=log-file-needed\nlog_level = 3\n"
    found = validate.run("server.cfg", "server", "11.0", data=text, environ={})
    notes = unused(found.suppressions)
    assert [n.code for n in notes] == ["KC603"] and "log-file-needed" in notes[0].message


def test_settings_disable_and_severity_take_rule_ids_the_narrowest_winning():
    settings = parse_settings({"disable": ["softdelete-zero"],
                               "severity": {"KC401": "note", "log-file-needed": "error"}},
                              "test.toml")
    found = validate.run("server.cfg", "server", "11.0", data=RULE_TEXT, environ={})
    kept = finish(list(found.diagnostics), settings)
    rules = {d.rule: d.severity for d in kept if d.code == "KC401"}
    assert rules == {"log-file-needed": "error"}
    other = make("KC401", "f", 1, 1, "m", rule="something-else")
    assert lookup(settings.severity, other) == "info"


def test_rule_ids_are_unique_and_never_a_code_name():
    names = {c.name for c in CODES.values()}
    for component in schema.component_names():
        ids = [r["id"] for r in schema.load(component).document.get("x-kc-rules", [])]
        assert len(ids) == len(set(ids)), component
        assert not set(ids) & names, component
        assert all(known(i, ids) for i in ids)
    assert not known("no-such-rule") and known("KC2") and not known("KC9")


def test_lint_flags_take_rule_ids(tmp_path):
    """--select/--ignore name one schema rule among the findings of KC401 (issue 17: a
    rule id is usable wherever a code is)."""
    (tmp_path / "server.cfg").write_text("log_method = file\nlog_file =\n"
                                         "threads = 8\nthread_limit = 4\n")

    def found(*flags: str) -> list[tuple[str, int]]:
        result = run_kcconf("lint", "-f", "json", *flags, cwd=tmp_path)
        data = json.loads(result.stdout)
        return sorted((d["rule"], d["line"]) for f in data["files"] for d in f["diagnostics"])

    both = [("log-file-needed", 2), ("thread-limit-below-threads", 4)]
    assert found() == both
    assert found("--ignore", "log-file-needed") == [("thread-limit-below-threads", 4)]
    assert found("--select", "thread-limit-below-threads") == [("thread-limit-below-threads", 4)]
    # the narrower selector wins: all of KC4 but this rule, or only this rule of KC4
    assert found("--select", "KC4", "--ignore", "thread-limit-below-threads") == both[:1]
    assert found("--ignore", "KC4", "--extend-select", "log-file-needed") == both[:1]
    result = run_kcconf("lint", "--select", "log-file-neded", cwd=tmp_path)
    assert result.returncode == 2 and b"no kcconf code, code prefix, name or rule id" in \
        result.stderr
