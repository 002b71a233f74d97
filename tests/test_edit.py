"""Safe editing: kcconf set/unset/env/upgrade and atomic writes."""

from __future__ import annotations

import difflib
import os

import pytest

from kcconf import atomic, dialect, edit, envconfig, schema, upgrade, validate
from kcconf.atomic import WriteError, write_atomic

from .conftest import SHIPPED, needs_shared, run_kcconf

SERIES_DIRS = {"8.0.3": "8.0", "8.7.25": "8.7", "10.0.8": "10.0", "11.0.2": "11.0"}


def shipped_files():
    if not SHIPPED.is_dir():
        return []
    found = []
    for release_dir, series in SERIES_DIRS.items():
        for path in sorted((SHIPPED / release_dir).glob("*.cfg")):
            name = schema.component_for_filename(path.name)
            if name and path.name not in schema.load(name).propmap_files:
                found.append(pytest.param(path, name, series, id=f"{release_dir}/{path.name}"))
    return found


def changed_lines(old: bytes, new: bytes) -> list[str]:
    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    return [line for line in difflib.unified_diff(a, b, n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@needs_shared
@pytest.mark.parametrize(("path", "name", "series"), shipped_files())
def test_reading_and_writing_back_is_byte_identical(path, name, series):
    data = path.read_bytes()
    component = schema.load(name)
    doc = dialect.parse(data, str(path), validate.flavour_of(component))
    assert doc.to_bytes() == data
    new, edits = edit.apply(str(path), data, component, series, {}, [], environ={})
    assert new == data and edits == []


def first_settable(component: schema.Component, series: str) -> str | None:
    """An active option whose default is a plain word we can set and read back."""
    for name, option in component.present(series).items():
        if option.renamed_to or option.status != "active" or option.build or option.secret:
            continue
        if option.type in ("string", "path") and not option.nonempty:
            return name
    return None


@needs_shared
@pytest.mark.parametrize(("path", "name", "series"), shipped_files())
def test_set_touches_only_the_intended_line(path, name, series, tmp_path):
    component = schema.load(name)
    target = first_settable(component, series)
    if target is None:
        pytest.skip(f"{name} has no plain string option in {series}")
    data = path.read_bytes()
    copy = tmp_path / path.name
    copy.write_bytes(data)
    new, edits = edit.apply(str(copy), data, component, series, {target: "kcconf-test"},
                            environ={})
    changes = changed_lines(data, new)
    assert [e.option for e in edits] == [target]
    assert any(line.startswith("+") and target in line and "kcconf-test" in line
               for line in changes)
    assert len([c for c in changes if c.startswith("+")]) == 1
    copy.write_bytes(new)
    before = {(d.code, d.message) for d in validate.run(str(copy), name, series,
                                                        data=data, environ={}).diagnostics}
    after = validate.run(str(copy), name, series, environ={}).diagnostics
    # A cross-option rule may rightly fire on the new value (ldap_bind_user set without a
    # password); the edit must not make anything else fail.
    assert [d for d in after if (d.code, d.message) not in before and d.severity == "error"
            and d.code != "KC401"] == []


def test_set_replaces_in_place_and_keeps_crlf(write):
    path = write("server.cfg", b"# c\r\nlog_level   =  3\r\nlog_file = -\r\n")
    component = schema.load("server")
    new, _ = edit.apply(str(path), path.read_bytes(), component, "11.0", {"log_level": "5"},
                        environ={})
    assert new == b"# c\r\nlog_level   =  5\r\nlog_file = -\r\n"


def test_set_uncomments_the_default_line(write):
    path = write("server.cfg", "#log_level = 3\nlog_file = -\n")
    new, edits = edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                            {"log_level": "4"}, environ={})
    assert new == b"log_level = 4\nlog_file = -\n" and edits[0].action == "uncommented"


def test_set_appends_after_its_group_and_fixes_a_missing_newline(write):
    path = write("server.cfg", "log_file = -")
    new, _ = edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                        {"log_level": "4"}, environ={})
    assert new == b"log_file = -\nlog_level = 4\n"


def test_set_refuses_unknown_names_and_bad_values(write):
    path = write("server.cfg", "log_level = 3\n")
    with pytest.raises(edit.EditError, match="Did you mean log_level"):
        edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                   {"log_levl": "4"}, environ={})
    with pytest.raises(edit.EditError, match=r"0\.\.6"):
        edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                   {"mysql_port": "70000"}, environ={})
    with pytest.raises(edit.EditError, match="line break"):
        edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                   {"log_level": "4\nx = 1"}, environ={})


def test_set_names_every_refused_option_not_just_the_first(write):
    path = write("server.cfg", "log_level = 3\n")
    with pytest.raises(edit.EditError) as caught:
        edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                   {"log_levl": "4", "mysql_password": "a\nb", "threads": "8",
                    "softdelete_lifetime": "x", "mysql_port": "70000"}, environ={})
    messages = caught.value.messages
    assert len(messages) == 4, messages
    assert messages[0].startswith("log_levl: unknown option") and "log_level" in messages[0]
    assert messages[1] == "mysql_password: a value cannot hold a line break or NUL byte"
    assert any(m.startswith("mysql_port: 70000 is outside 0..65535") for m in messages[2:])
    assert any(m.startswith("softdelete_lifetime:") for m in messages[2:])


def test_set_writes_the_new_name_for_an_old_one(write):
    path = write("server.cfg", "unix_socket = /a.sock\n")
    new, _ = edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                        {"unix_socket": "/b.sock"}, environ={})
    assert new == b"server_pipe_name = /b.sock\n"


def test_unset_comments_out_every_active_line(write):
    path = write("server.cfg", "log_level = 3\nlog_file = -\n  log_level = 4\n")
    new, edits = edit.apply(str(path), path.read_bytes(), schema.load("server"), "11.0",
                            unset=["log_level"], environ={})
    assert new == b"#log_level = 3\nlog_file = -\n#log_level = 4\n" and len(edits) == 2


def test_cli_set_dry_run_writes_nothing(write):
    path = write("server.cfg", "log_level = 3\n")
    result = run_kcconf("set", "--dry-run", str(path), "log_level=6")
    assert result.returncode == 0 and b"+log_level = 6" in result.stdout
    assert path.read_bytes() == b"log_level = 3\n"


def test_cli_set_keeps_mode_and_makes_backup_only_when_asked(write):
    path = write("server.cfg", "log_level = 3\n")
    os.chmod(path, 0o640)
    assert run_kcconf("set", str(path), "log_level=6").returncode == 0
    assert path.read_bytes() == b"log_level = 6\n"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert not os.path.exists(str(path) + "~")
    assert run_kcconf("set", "--backup", str(path), "log_level=5").returncode == 0
    assert (path.parent / "server.cfg~").read_bytes() == b"log_level = 6\n"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_file_follows_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        write_atomic(str(tmp_path / "kopano-server.cfg.5"), b".TH X 5\n")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "kopano-server.cfg.5").st_mode & 0o777 == mode


def test_cli_set_bad_value_changes_nothing(write):
    path = write("server.cfg", "log_level = 3\n")
    result = run_kcconf("set", str(path), "mysql_port=70000")
    assert result.returncode == 1 and path.read_bytes() == b"log_level = 3\n"
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_symlink_out_of_directory_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "etc").mkdir()
    target = tmp_path / "real" / "server.cfg"
    target.write_text("log_level = 3\n")
    link = tmp_path / "etc" / "server.cfg"
    link.symlink_to(target)
    with pytest.raises(WriteError, match="symbolic link"):
        write_atomic(str(link), b"log_level = 4\n")
    write_atomic(str(link), b"log_level = 4\n", follow_symlinks=True)
    assert target.read_bytes() == b"log_level = 4\n" and link.is_symlink()


@pytest.mark.parametrize("step", ["open", "write", "fsync", "chmod", "replace"])
def test_failure_at_any_step_leaves_the_original(tmp_path, monkeypatch, step):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\n")
    real = {"open": os.open, "fsync": os.fsync, "chmod": os.chmod, "replace": os.replace}

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if step == "write":
        real_fdopen = os.fdopen

        class Broken:
            def __init__(self, fd, mode):
                self.handle = real_fdopen(fd, mode)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                self.handle.write(data[:3])
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(atomic.os, "fdopen", Broken)
    else:
        monkeypatch.setattr(atomic.os, step, boom)
    with pytest.raises(WriteError, match="No space left"):
        write_atomic(str(path), b"log_level = 6\n")
    assert path.read_bytes() == b"log_level = 3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.cfg"]
    del real


def test_env_applies_and_validates_everything_first(tmp_path):
    (tmp_path / "server.cfg").write_text("log_level = 3\n#softdelete_lifetime = 30\n")
    (tmp_path / "gateway.cfg").write_text("imap_listen = *:143\n")
    environ = {"KCCONF_SERVER_LOG_LEVEL": "6", "KCUNCOMMENT_SERVER_A": "softdelete_lifetime = 30",
               "KCCOMMENT_GATEWAY_B": "imap_listen = *:143", "PATH": "/bin"}
    plans = envconfig.plan(environ, str(tmp_path), "11.0")
    envconfig.write(plans)
    assert (tmp_path / "server.cfg").read_text() == "log_level = 6\nsoftdelete_lifetime = 30\n"
    assert (tmp_path / "gateway.cfg").read_text() == "#imap_listen = *:143\n"


@pytest.mark.parametrize(("variable", "message"), [
    ("KCCONF_SERVER_LOG_LEVLE", "Did you mean log_level"),
    ("KCCONF_SERVR_LOG_LEVEL", "no component"),
])
def test_env_bad_variable_names_it_and_changes_nothing(tmp_path, variable, message):
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    result = run_kcconf("env", "--dir", str(tmp_path),
                        env={variable: "6", "KCCONF_SERVER_LOG_FILE": "-"})
    assert result.returncode == 1
    err = result.stderr.decode()
    assert variable in err and message in err
    assert (tmp_path / "server.cfg").read_text() == "log_level = 3\n"


def test_env_names_every_bad_variable_at_once(tmp_path):
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    (tmp_path / "gateway.cfg").write_text("imap_listen = *:143\n")
    result = run_kcconf("env", "--dir", str(tmp_path),
                        env={"KCCONF_SERVER_LOG_LEVLE": "6", "KCCONF_SERVR_LOG_LEVEL": "6",
                             "KCCONF_GATEWAY_IMAP_LISTEN": "*:143", "KCCONF_SERVER_LOG_FILE": "-",
                             "KCCONF_SERVER_THREADS": "0x",
                             "KCCOMMENT_GATEWAY_X": "pop3_listen = *:110"})
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert lines[-1] == "kcconf: 4 problem(s); no file changed"
    named = [line for line in lines[:-1] if line.startswith("kcconf: KC")]
    assert len(named) == 4
    assert any(line.startswith("kcconf: KCCONF_SERVER_THREADS: threads:") for line in named)
    assert any("KCCONF_SERVR_LOG_LEVEL: no component" in line for line in named)
    assert any("KCCONF_SERVER_LOG_LEVLE" in line and "log_level" in line for line in named)
    assert any("KCCOMMENT_GATEWAY_X: gateway.cfg has no active line" in line for line in named)
    assert (tmp_path / "server.cfg").read_text() == "log_level = 3\n"
    assert (tmp_path / "gateway.cfg").read_text() == "imap_listen = *:143\n"


def test_upgrade_renames_and_comments_out_removed_options(write):
    path = write("server.cfg", "unix_socket = /x.sock\nserver_tcp_port = 236\nlog_level = 3\n")
    report = upgrade.upgrade(str(path), path.read_bytes(), schema.load("server"), "8.6", "11.0")
    text = report.new.decode()
    assert "server_pipe_name = /x.sock" in text
    assert "#server_tcp_port = 236" in text and "log_level = 3" in text
    found = validate.run(str(path), "server", "11.0", data=report.new, environ={})
    assert [d for d in found.diagnostics if d.severity == "error"] == []


def test_upgrade_converts_listeners_exactly(write):
    path = write("server.cfg", "server_tcp_port = 236\nserver_bind = 127.0.0.1\n"
                               "server_tcp_enabled = yes\nserver_ssl_enabled = yes\n"
                               "server_ssl_port = 8237\n")
    report = upgrade.upgrade(str(path), path.read_bytes(), schema.load("server"), "8.6", "11.0")
    text = report.new.decode()
    assert "\nserver_listen = 127.0.0.1:236\n" in text
    assert "\nserver_listen_tls = 127.0.0.1:8237\n" in text
    assert "#server_tcp_port = 236" in text and "#server_ssl_port = 8237" in text


def test_upgrade_keeps_tcp_off_when_it_was_off(write):
    path = write("server.cfg", "server_tcp_enabled = no\n")
    report = upgrade.upgrade(str(path), path.read_bytes(), schema.load("server"), "8.6", "11.0")
    assert report.new.decode().endswith("#server_tcp_enabled = no\nserver_listen =\n")


def test_upgrade_lists_changed_defaults(write):
    path = write("server.cfg", "log_level = 3\n")
    report = upgrade.upgrade(str(path), path.read_bytes(), schema.load("server"), "8.0", "11.0")
    assert ("softdelete_lifetime", "0", "30") in report.defaults


def shipped_pairs():
    """(old shipped file, its series) for releases older than the newest."""
    return [p for p in shipped_files() if p.values[2] != schema.newest_series()]


@needs_shared
@pytest.mark.parametrize(("path", "name", "series"), shipped_pairs())
def test_upgrade_of_shipped_configs_validates_and_touches_only_its_options(path, name, series):
    component = schema.load(name)
    data = path.read_bytes()
    newest = schema.newest_series()
    if not component.present(newest):
        pytest.skip(f"{name} does not exist in {newest}")
    report = upgrade.upgrade(str(path), data, component, series, newest)
    touched = ({old for old, _, _ in report.renamed} | {new for _, new, _ in report.renamed}
               | {n for n, _, _ in report.removed} | {t for _, t, _ in report.converted})
    for line in changed_lines(data, report.new):
        body = line[1:].lstrip("#").strip()
        assert body.startswith("kcconf upgrade:") or body.split("=")[0].strip() in touched, line
    after = validate.run(str(path), name, newest, data=report.new, environ={}).diagnostics
    before = validate.run(str(path), name, series, data=data, environ={}).diagnostics
    # 8.x ships ldap_uri empty (ldap_host is the fallback); from 9.0 the admin must set
    # it: a true finding about the file, which upgrade cannot know the answer to.
    after = [d for d in after if "[ldap-uri-empty]" not in d.message]
    new_errors = {d.code for d in after if d.severity == "error"} - \
        {d.code for d in before if d.severity == "error"}
    assert new_errors == set(), [d.message for d in after if d.severity == "error"]
    # nothing unknown to the new release stays active
    assert not [d for d in after if d.code in ("KC201", "KC206", "KC207")]


@needs_shared
@pytest.mark.parametrize(("path", "name", "series"), shipped_files())
def test_unset_of_shipped_configs_touches_only_that_option(path, name, series):
    component = schema.load(name)
    data = path.read_bytes()
    doc = dialect.parse(data, str(path), validate.flavour_of(component))
    active = [e.name for e in doc.entries if e.kind is dialect.Kind.OPTION
              and component.option(e.name, series) and component.option(e.name, series).present
              and not component.option(e.name, series).nonempty]
    if not active:
        # Everything is commented out (as most shipped files are): unset changes nothing.
        name_of = {o.name for o in component.present(series).values() if not o.renamed_to}
        commented = [n for n in name_of if f"#{n} =".encode() in data]
        assert commented
        new, edits = edit.apply(str(path), data, component, series, unset=[commented[0]],
                                environ={})
        assert new == data and edits == []
        return
    new, edits = edit.apply(str(path), data, component, series, unset=[active[0]], environ={})
    changes = changed_lines(data, new)
    assert changes and all(active[0] in line for line in changes)
    assert all(e.option == active[0] for e in edits)


@needs_shared
def test_env_over_shipped_configs(tmp_path):
    for release in ("8.7.25", "11.0.2"):
        target = tmp_path / release
        target.mkdir()
        for source in (SHIPPED / release).glob("*.cfg"):
            (target / source.name).write_bytes(source.read_bytes())
        environ = {"KCCONF_SERVER_LOG_LEVEL": "5", "KCCONF_GATEWAY_LOG_LEVEL": "4"}
        series = SERIES_DIRS[release]
        plans = envconfig.plan(environ, str(target), series)
        envconfig.write(plans)
        for name, level in (("server", "5"), ("gateway", "4")):
            path = target / f"{name}.cfg"
            original = (SHIPPED / release / f"{name}.cfg").read_bytes()
            changes = changed_lines(original, path.read_bytes())
            assert [c for c in changes if c.startswith("+")] == [f"+log_level = {level}\n"]
            errors = [d for d in validate.validate_file(str(path), release=series, environ={})
                      if d.severity == "error"]
            assert errors == []


@pytest.mark.parametrize(("assignment", "code"), [
    ("audit_log_enabled=off", "KC302"),      # read as true
    ("log_level=3 # debug", "KC303"),        # the comment is part of the value
    ("softdelete_lifetime=30d", "KC306"),    # read as 30
])
def test_set_refuses_a_value_that_gets_a_warning(tmp_path, assignment, code):
    """Each of these wrote silently before and validate warned straight after."""
    path = tmp_path / "server.cfg"
    path.write_text("log_level = 3\n")
    result = run_kcconf("set", str(path), assignment)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert len(err.splitlines()) == 1 and f"[{code}]" in err and "--force" in err
    assert err.endswith("; nothing written\n")
    assert path.read_text() == "log_level = 3\n"
    result = run_kcconf("set", "--force", str(path), assignment)
    assert result.returncode == 0, result.stderr
    name, value = assignment.split("=", 1)
    assert f"{name} = {value}\n" in path.read_text()


def test_set_lets_a_suppressed_warning_through(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("# kcconf: disable=KC306\nsoftdelete_lifetime = 7\n")
    assert run_kcconf("set", str(path), "softdelete_lifetime=30d").returncode == 0
    assert path.read_text().endswith("softdelete_lifetime = 30d\n")


def test_env_refuses_a_value_that_gets_a_warning(tmp_path):
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    env = {"KCCONF_SERVER_AUDIT_LOG_ENABLED": "off"}
    result = run_kcconf("env", "--dir", str(tmp_path), env=env)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert lines[0].startswith("kcconf: KCCONF_SERVER_AUDIT_LOG_ENABLED: audit_log_enabled:")
    assert "[KC302]" in lines[0] and lines[-1] == "kcconf: 1 problem(s); no file changed"
    assert (tmp_path / "server.cfg").read_text() == "log_level = 3\n"
    result = run_kcconf("env", "--force", "--dir", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "server.cfg").read_text() == "log_level = 3\naudit_log_enabled = off\n"


def test_set_refuses_only_warnings_the_edit_brings(tmp_path):
    """A warning the file had already (log_level set again in an include) is not the
    new value's fault; a different misread value of the same option is."""
    path = tmp_path / "server.cfg"
    path.write_text("audit_log_enabled = off\n!include more.cfg\n")
    (tmp_path / "more.cfg").write_text("log_level = 5\n")
    assert run_kcconf("set", str(path), "log_level=5").returncode == 0
    result = run_kcconf("set", str(path), "audit_log_enabled=disabled")
    assert result.returncode == 1 and b"'disabled' is read as TRUE" in result.stderr
