"""The secret promise as one property: whatever the command, the format or the error
path, no secret of the file, its includes or the environment reaches stdout or stderr.

Secrets are planted everywhere an attack found them: secret options, misspelt and
differently cased secret names, the continuation of a line longer than 4095 bytes, a
value with a comment after it, an included file, environment values with blanks and
KCUNCOMMENT_ lines naming a secret. Commands run in-process (``cli.main``) so that
hypothesis can try many files in a few seconds.
"""

from __future__ import annotations

import io
import json
import os
import string
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcconf import cli, schema
from tests.conftest import ENV_COMMAND_PREFIXES, run_kcconf

SECRET_ALPHABET = string.ascii_letters + string.digits + "-_.:/@%+'\\ #"
MISSPELT = ("mysql_pasword", "MYSQL_PASSWORD", "Mysql_Password", "ldap_bind_password",
            "sslkey_pas", "mysql_passwd", "my_secret")
FORMATS = ("text", "json", "sarif", "github", "junit")
WINDOW = 12
"""No piece of a secret this long may show; messages shorten what they quote."""


def secret() -> st.SearchStrategy[str]:
    """A distinctive secret: it cannot be in a message by chance."""
    middle = st.text(SECRET_ALPHABET, min_size=8, max_size=20).map(str.strip)
    return st.builds(lambda m, tail: f"Zq{m}{tail}", middle,
                     st.text(string.ascii_letters + string.digits, min_size=4, max_size=6))


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, str, int]:
    """One kcconf command in this process: (stdout, stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_COMMAND_PREFIXES)}
    clean_env.update(env or {})
    with mock.patch.dict(os.environ, clean_env, clear=True), redirect_stdout(out), \
            redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = int(stop.code or 0)
    return out.getvalue(), err.getvalue(), code


def leaked(secrets: list[str], text: str) -> list[str]:
    """The secrets that appear in ``text``, whole or by their start (what a shortened
    quote shows; the start is distinctive, the rest may be any characters)."""
    return [s for s in secrets if s[:WINDOW] in text]


def plant(folder: Path, s: list[str], misspelt: str) -> dict[str, Path]:
    """server.cfg (and an include) full of secrets, and a second version of it."""
    folder.mkdir(parents=True, exist_ok=True)
    include = folder / "secret.cfg"
    include.write_text(f"server_ssl_key_pass = {s[0]}\n")
    long_value = s[1] + "x" * 4100 + f"{s[2]} = {s[3]}"
    text = (f"log_level = 3\n"
            f"mysql_password = {s[4]}\n"
            f"{misspelt} = {s[5]}\n"
            f"#mysql_password = {s[6]}\n"
            f"mysql_password = {long_value}\n"
            f"server_ssl_key_pass = {s[7]} # the key's pass phrase\n"
            f"!include {include.name}\n"
            "mysql_host = localhost\n")
    old = folder / "server.cfg"
    old.write_text(text)
    newer = folder / "new" / "server.cfg"
    newer.parent.mkdir(exist_ok=True)
    newer.write_text(text.replace("log_level = 3", "log_level = 5")
                     .replace(s[4], s[8]).replace(s[5], s[9]) + f"{misspelt}x = {s[10]}\n")
    (newer.parent / include.name).write_text(include.read_text())
    # A Python service's file: its own reader (lone CR ends a line there).
    (folder / "search.cfg").write_text(f"index_path = /x\rsslkey_pass = {s[16]}\n"
                                       f"{misspelt} = {s[17]}\nlog_level = 9\n")
    return {"old": old, "new": newer, "dir": folder}


def commands(files: dict[str, Path], s: list[str]) -> list[tuple[list[str], dict[str, str]]]:
    """Every command and format, with their error paths."""
    old, new, folder = str(files["old"]), str(files["new"]), str(files["dir"])
    env_secret = {"KCCONF_SERVER_MYSQL_PASSWORD": s[11]}
    blanks = {"KCCONF_SERVER_MYSQL_PASSWORD": f"  {s[12]} "}
    uncomment = {"KCUNCOMMENT_SERVER_A": f"mysql_password = {s[13]}"}
    comment = {"KCCOMMENT_SERVER_B": f"mysql_pasword = {s[14]}"}
    runs: list[tuple[list[str], dict[str, str]]] = []
    for fmt in ("text", "json"):
        runs.append((["validate", "-f", fmt, old], {}))
        runs.append((["diff", "-f", fmt, old, new], {}))
        runs.append((["diff", "-f", fmt, "--defaults", old], {}))
        runs.append((["env", "--dir", folder, "--dry-run", "-f", fmt], env_secret))
    runs += [(["lint", "-f", fmt, folder], {}) for fmt in FORMATS]
    runs += [
        (["show", old], {}), (["show", "--json", old], {}), (["show", "--origin", "-n", old], {}),
        (["set", "--dry-run", old, f"mysql_password={s[15]}"], {}),
        (["set", "--dry-run", old, "log_level=4"], {}),
        (["set", "--dry-run", old, f"mysql_password= {s[15]}x"], {}),
        (["unset", "--dry-run", old, "mysql_password"], {}),
        (["set", "--dry-run", old, f"mysql_pasword={s[15]}"], {}),
        (["set", "--dry-run", str(files["dir"] / "search.cfg"), "log_level=4"], {}),
        (["show", "--json", str(files["dir"] / "search.cfg")], {}),
        (["env", "--dir", folder, "--dry-run"], blanks),
        (["env", "--dir", folder, "--dry-run"], uncomment),
        (["env", "--dir", folder, "--dry-run"], comment),
        (["upgrade", "--dry-run", "--from", "8.7", old], {}),
        (["validate", "--component", "nonesuch", old], {}),
        (["validate", "--check-host", old], {}),
        (["lint", "--report-unused-suppressions", "-f", "github", folder], {}),
        (["upgrade", "--dry-run", "--from", "11.0", "--to", "8.7", old], {}),
        (["diff", old, folder], {}), (["show", "-c", "nonesuch", old], {}),
        (["lint", "--config", old, folder], {}), (["set", old, "mysql_password"], {}),
        (["validate", "-c", "server", str(files["dir"] / "secret.cfg")], {}),
    ]
    return runs


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(secret(), min_size=18, max_size=18, unique=True),
       st.sampled_from(MISSPELT))
def test_no_command_shows_any_secret(tmp_path_factory, secrets, misspelt):
    files = plant(tmp_path_factory.mktemp("planted"), secrets, misspelt)
    for argv, env in commands(files, secrets):
        out, err, _code = run(argv, env)
        assert not leaked(secrets, out), (argv, leaked(secrets, out), out[:2000])
        assert not leaked(secrets, err), (argv, leaked(secrets, err), err[:2000])


def test_masking_still_reports_the_findings(tmp_path):
    """Redaction hides values, not the findings themselves."""
    s = [f"ZqSecretNumber{n:02d}abc" for n in range(18)]
    files = plant(tmp_path, s, "mysql_pasword")
    out, _, _ = run(["validate", str(files["old"])])
    assert "unknown option 'mysql_pasword'" in out
    assert "line longer than 4095 bytes" in out
    assert "unknown option '***'" in out  # the continuation of the secret's line
    out, _, _ = run(["set", "--dry-run", str(files["old"]), f"mysql_password={s[15]}"])
    assert "-mysql_password = ***\n" in out and "+mysql_password = ***\n" in out
    assert "#mysql_password = ***\n" in out  # a context line


# -- the reported cases, one by one (each failed before the fix) -------------------------

def test_set_dry_run_diff_masks_old_new_and_context(write):
    path = write("server.cfg", "mysql_password = OldS3cretValue\nlog_level = 3\n")
    for args in (["mysql_password=NewS3cretValue"], ["log_level=4"]):
        result = run_kcconf("set", "--dry-run", str(path), *args)
        assert result.returncode == 0
        assert b"S3cretValue" not in result.stdout + result.stderr
    result = run_kcconf("unset", "--dry-run", str(path), "mysql_password")
    assert b"-mysql_password = ***\n+#mysql_password = ***\n" in result.stdout


def test_env_dry_run_and_messages_mask_secrets(tmp_path):
    (tmp_path / "server.cfg").write_text("mysql_password = OldS3cretValue\n")
    result = run_kcconf("env", "--dir", str(tmp_path), "--dry-run",
                        env={"KCCONF_SERVER_MYSQL_PASSWORD": "N3wS3cr3t"})
    assert result.returncode == 0 and b"mysql_password = ***" in result.stdout
    assert b"S3cr" not in result.stdout + result.stderr
    result = run_kcconf("env", "--dir", str(tmp_path), "--dry-run",
                        env={"KCCONF_SERVER_MYSQL_PASSWORD": " N3wS3cr3t"})
    assert result.returncode == 1 and b"N3wS3cr3t" not in result.stderr
    result = run_kcconf("env", "--dir", str(tmp_path), "--dry-run",
                        env={"KCUNCOMMENT_SERVER_A": "mysql_password = N0tTh3r3"})
    assert result.returncode == 1 and b"N0tTh3r3" not in result.stderr
    assert b"mysql_password = ***" in result.stderr


def test_continuation_of_a_long_secret_line_is_secret(write):
    path = write("server.cfg", "mysql_password = " + "a" * 4090 + "TailS3cret = M0reS3cret\n")
    for args in (["validate"], ["validate", "-f", "json"], ["lint", "-f", "sarif"],
                 ["diff", "-f", "json", "--defaults"]):
        result = run_kcconf(*args, str(path))
        assert b"S3cret" not in result.stdout + result.stderr, args
        assert b"aaaaaaaaaaaa" not in result.stdout, args


@pytest.mark.parametrize("name", ["mysql_pasword", "MYSQL_PASSWORD", "ldap_bind_password",
                                  "sslkey_pas"])
def test_misspelt_secret_names_are_masked_in_diff_json(write, name):
    path = write("server.cfg", f"{name} = Mi5sp3ltS3cret\n")
    result = run_kcconf("diff", "--defaults", "-f", "json", str(path))
    assert b"Mi5sp3ltS3cret" not in result.stdout
    change = json.loads(result.stdout)["files"][0]["changes"][0]
    assert change["option"] == name and change["secret"] is True and change["new"] is None


def test_secret_names():
    from kcconf import redact

    server = schema.load("server")
    for name in ("mysql_password", "server_ssl_key_pass", "mysql_pasword", "MYSQL_PASSWORD",
                 "ldap_bind_password", "sslkey_pas", "Some_Secret", "db_passwd"):
        assert redact.secret_name(server, name), name
    for name in ("log_level", "mysql_user", "mysql_host", "server_name"):
        assert not redact.secret_name(server, name), name
    # A name the component knows is secret exactly when its schema says so.
    assert not redact.secret_name(schema.load("ldap"), "ldap_password_attribute")


def test_redactor_masks_pieces_but_keeps_option_names():
    from kcconf import redact

    r = redact.Redactor(schema.load("server"))
    r.add("pa55word-mysql_password-0123456789")
    assert r.text("'pa55word-mysql_password-01...' is odd") == "'***...' is odd"
    assert r.text("mysql_password: x") == "mysql_password: x"


def test_include_of_a_private_key_is_named_not_quoted(tmp_path):
    # inside the repository: lint reads no absolute target outside it (KC120)
    repo = tmp_path / "repo"
    key = repo / "private" / "key.pem"
    key.parent.mkdir(parents=True)
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCB\n"
                   "K3yB0dyL1neWithPadding==\n-----END PRIVATE KEY-----\n")
    (repo / "server.cfg").write_text(f"log_level = 3\n!include {key}\n")
    for fmt in FORMATS:
        result = run_kcconf("lint", "-f", fmt, str(repo))
        assert b"MIIEvQ" not in result.stdout + result.stderr, fmt
        assert b"K3yB0dy" not in result.stdout + result.stderr, fmt
        assert b"KC121" in result.stdout, fmt
    result = run_kcconf("validate", str(repo / "server.cfg"))
    lines = [line for line in result.stdout.splitlines() if b"[KC" in line]
    assert len(lines) == 1 and b"key.pem is not a Kopano config" in lines[0]


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 8,                                  # binary (a DER key, say)
    b"root:$6$S4ltyH4shOfRoot:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
])
def test_include_of_other_files_is_named_not_quoted(tmp_path, content):
    target = tmp_path / "target"
    target.write_bytes(content)
    (tmp_path / "server.cfg").write_text(f"!include {target}\n")
    result = run_kcconf("validate", str(tmp_path / "server.cfg"))
    findings = [line for line in result.stdout.splitlines() if b"[KC" in line]
    assert len(findings) == 1 and str(target).encode() in findings[0], result.stdout
    assert b"S4lty" not in result.stdout and b"daemon" not in result.stdout


def test_text_lines_and_name_value_files_are_still_read(tmp_path):
    from kcconf.loader import not_a_config

    assert not_a_config(b"log_level = 3\n# comment\n!include x\nstray line\n") is None
    assert not_a_config(b"one\ntwo\nthree = 3\n") is not None
    assert not_a_config(b"") is None
