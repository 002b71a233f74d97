"""kcconf lint over a repository mixing components, releases, templates and mistakes.

Each expected finding below is worked out from the input by hand: the line, and the code
the reading rules give.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from kcconf.lint import Settings, discover, lint, load_settings

from .conftest import run_kcconf

FILES = {
    # 1: typo -> KC201; 2: out of range -> KC305; 3: misread boolean -> KC302
    "etc/server.cfg": "log_levle = 3\nlog_level = 9\naudit_log_enabled = off\n",
    # indented comment read as an option -> KC105 at line 2
    "etc/gateway.cfg": "imap_listen = *:143\n   # pop3_listen = *:110\n",
    # removed in 8.7: fine for 8.6, named here by a comment line
    "old/legacy.cfg": "# kcconf: component=server release=8.6\nserver_tcp_port = 236\n",
    # template: value expressions skip value checks, control lines are no KC106
    "roles/templates/server.cfg.j2": "{% if tls %}\nlog_level = {{ level }}\n{% endif %}\n"
                                     "log_levl = 2\n",
    # suppression: the KC305 on line 3 is silenced, the one on line 4 is not
    "etc/spooler.cfg": "log_level = 3\n# kcconf: disable=KC305\nlog_level = 8\nlog_level = 7\n",
    # the Python reader: unknown option is a warning
    "etc/search.cfg": "limit_results = 10\nno_such = 1\n",
    # mapped by .kcconf.toml
    "custom/main-server.conf.cfg": "log_level = 5\nquota_hard = x\n",
    # cannot be placed -> KC602 note
    "etc/php-mapi.cfg": "x = 1\n",
    "notes.txt": "not a config\n",
}
TOML = ('[[files]]\npath = "custom/*.cfg"\ncomponent = "server"\nrelease = "11.0"\n'
        'ignore = []\n')

EXPECTED = {
    ("etc/server.cfg", 1, "KC201"), ("etc/server.cfg", 2, "KC305"),
    ("etc/server.cfg", 3, "KC302"),
    ("etc/gateway.cfg", 2, "KC105"),
    ("roles/templates/server.cfg.j2", 4, "KC201"),
    ("etc/spooler.cfg", 4, "KC305"), ("etc/spooler.cfg", 1, "KC209"),
    ("etc/spooler.cfg", 3, "KC209"),
    ("etc/search.cfg", 2, "KC201"),
    ("custom/main-server.conf.cfg", 2, "KC304"),
    ("etc/php-mapi.cfg", 1, "KC602"),
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / ".kcconf.toml").write_text(TOML)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def found(results) -> set[tuple[str, int, str]]:
    return {(d.file, d.line, d.code) for r in results for d in r.diagnostics}


def test_discovery_skips_non_configs_and_hidden_dirs(repo):
    (repo / ".git").mkdir()
    (repo / ".git" / "server.cfg").write_text("x\n")
    paths = list(discover(["."], Settings()))
    assert "notes.txt" not in paths and not any(".git" in p for p in paths)
    assert len(paths) == 8


def test_findings_in_process(repo):
    results = list(lint(["."], load_settings()))
    assert found(results) == EXPECTED
    placed = {r.path: (r.component, r.release) for r in results}
    assert placed["old/legacy.cfg"] == ("server", "8.6")
    assert placed["custom/main-server.conf.cfg"] == ("server", "11.0")


def test_findings_in_parallel_are_the_same_and_ordered(repo):
    for i in range(30):
        (repo / "many" / f"n{i:02}").mkdir(parents=True)
        (repo / "many" / f"n{i:02}" / "server.cfg").write_text("log_level = 9\n")
    results = list(lint(["."], load_settings(), jobs=2))
    extra = {(f"many/n{i:02}/server.cfg", 1, "KC305") for i in range(30)}
    assert found(results) == EXPECTED | extra
    paths = [r.path for r in results]
    assert paths == list(discover(["."], load_settings()))


def test_text_format_and_exit_status(repo):
    result = run_kcconf("lint", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert "etc/server.cfg:2:13: error: log_level: 9 is outside 0..6 [KC305]" in lines
    assert lines[-1] == "8 files checked: 6 error(s), 4 warning(s), 1 note(s)"


def test_fail_on_levels(repo):
    (repo / "etc" / "server.cfg").write_text("log_level 3\n")  # a warning only
    for name in ("gateway.cfg", "spooler.cfg", "php-mapi.cfg"):
        (repo / "etc" / name).unlink()
    for path in ("roles", "custom", "old"):
        for f in (repo / path).rglob("*.cfg*"):
            f.unlink()
    (repo / "etc" / "search.cfg").write_text("limit_results = 10\n")
    assert run_kcconf("lint", cwd=repo).returncode == 0
    assert run_kcconf("lint", "--strict", cwd=repo).returncode == 1
    assert run_kcconf("lint", "--fail-on", "info", cwd=repo).returncode == 1


def test_json_format(repo):
    data = json.loads(run_kcconf("lint", "-f", "json", cwd=repo).stdout)
    assert data["version"]
    got = {(f["file"], d["line"], d["code"]) for f in data["files"] for d in f["diagnostics"]}
    assert got == EXPECTED
    assert data["summary"] == {"files": 8, "errors": 6, "warnings": 4, "notes": 1}


def test_sarif_format(repo):
    data = json.loads(run_kcconf("lint", "-f", "sarif", cwd=repo).stdout)
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    sarif = pytest.importorskip("sarif_pydantic", reason="the test extra installs it")
    sarif.Sarif.model_validate(data)  # the SARIF 2.1.0 object model accepts the document
    run = data["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    got = set()
    for r in run["results"]:
        assert r["ruleId"] in rules and r["level"] in ("error", "warning", "note")
        location = r["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith(("/", "./"))
        region = location["region"]
        assert region["startLine"] >= 1 and region["endColumn"] > region["startColumn"]
        assert r["partialFingerprints"]
        got.add((location["artifactLocation"]["uri"], region["startLine"], r["ruleId"]))
    assert got == EXPECTED
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]


def test_junit_format(repo):
    root = ET.fromstring(run_kcconf("lint", "-f", "junit", cwd=repo).stdout)
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == len(failures) == 10  # errors and warnings
    assert any(c.get("name") == "KC305 etc/server.cfg:2" for c in failures)
    passing = {c.get("classname") for c in cases if c.find("failure") is None}
    assert "old/legacy.cfg" in passing


def test_github_format(repo):
    lines = run_kcconf("lint", "-f", "github", cwd=repo).stdout.decode().splitlines()
    assert "::error file=etc/server.cfg,line=2,col=13,endLine=2,endColumn=13,title=KC305::" \
           "log_level: 9 is outside 0..6" in lines
    assert any(line.startswith("::notice file=etc/php-mapi.cfg") for line in lines)
    assert lines[-1].startswith("8 files checked")


def test_unused_suppressions(repo):
    (repo / "etc" / "server.cfg").write_text("# kcconf: disable=KC303\nlog_level = 3\n")
    out = run_kcconf("lint", "--report-unused-suppressions", "etc/server.cfg",
                     cwd=repo).stdout.decode()
    assert "etc/server.cfg:1:1: warning:" in out and "[KC603]" in out


def test_settings_errors_are_one_line(repo):
    (repo / ".kcconf.toml").write_text("[[files]]\npath = 'x'\ncomponent = 'nosuch'\n")
    result = run_kcconf("lint", cwd=repo)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and b"nosuch" in result.stderr
