"""kcconf diff: effective settings compared, each change classified reload or restart."""

from __future__ import annotations

import json

import pytest

from kcconf import diff, schema
from kcconf.schema import Option

from .conftest import run_kcconf


def other_value(option: Option) -> str:
    """A value the service reads differently from the option's default."""
    default = option.default or ""
    kind = option.py_type if option.py_type else option.type
    if kind == "boolean" or default.lower() in ("yes", "no", "true", "false"):
        return "no" if default.lower() in ("yes", "true", "1", "") else "yes"
    if option.py_options and kind == "integer":
        return next(c for c in option.py_options if c != default)  # others are refused
    if option.size or kind in ("integer", "duration", "loglevel", "size"):
        number = int(default) if default.isdigit() else 0
        # the Python services' sizes need a unit: '1' alone is refused, the setting unchanged
        return str(number + 1) + ("b" if option.py_type == "size" else "")
    if option.spec.get("enum"):
        choices = [c for c in option.spec["enum"] if c.lower() != default.lower()]
        return choices[0] if choices else default + "x"
    if option.py_options:
        return next(c for c in option.py_options if c != default)
    return default + "x" if default else "kcconf"


def settable(component: schema.Component, series: str) -> list[Option]:
    return [o for o in component.present(series).values()
            if o.renamed_to is None and o.status == "active"]


def diff_text(component, series, old_text: str, new_text: str, tmp_path, new_series=None):
    old = tmp_path / "old" / component.file
    new = tmp_path / "new" / component.file
    for path, text in ((old, old_text), (new, new_text)):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    return diff.diff_files(str(old), str(new), component.name, series, new_series or series,
                           environ={})


EXPECTED_ACTION = {"applied": "reload", "unaudited": "reload",
                   "new-connections": "new-connections", "restart": "restart",
                   "not-established": "restart", "no-effect": "no-effect"}
"""The verdict each audited behaviour must give (an unaudited flag keeps the flag's word)."""


def fixed_action(component: schema.Component) -> str:
    """A change of an option the reader does not re-read: restart, except for Python
    programs started per run, which read the file afresh each time."""
    return "next-run" if component.runs_per_use else "restart"


CASES = [pytest.param(c, s, id=f"{c}-{s}") for c in schema.component_names()
         for s in schema.series_list() if schema.load(c).present(s)]


@pytest.mark.parametrize(("name", "series"), CASES)
def test_one_reloadable_and_one_restart_option(name, series, tmp_path):
    component = schema.load(name)
    options = settable(component, series)
    reloadable = [o for o in options if o.reloadable and not component.python]
    fixed = [o for o in options if not o.reloadable or component.python]
    if reloadable:
        o = reloadable[0]
        expected = fixed_action(component) if component.runs_per_use else \
            EXPECTED_ACTION[o.reload.behaviour]
        result = diff_text(component, series, "", f"{o.name} = {other_value(o)}\n", tmp_path)
        assert [(c.option, c.action) for c in result.real_changes] == [(o.name, expected)]
        assert result.verdict == expected
        assert result.real_changes[0].verdict.reloadable
    o = fixed[0]
    expected = fixed_action(component)
    result = diff_text(component, series, "", f"{o.name} = {other_value(o)}\n", tmp_path)
    assert [(c.option, c.action) for c in result.real_changes] == [(o.name, expected)]
    assert result.verdict == expected
    assert not result.real_changes[0].verdict.reloadable
    assert result.restart_options == ([o.name] if expected == "restart" else [])


def in_linux_build(condition: str | None) -> bool:
    """Platform branches a Linux package does not compile (see schemas/kopano.json)."""
    if not condition:
        return True
    platform = schema.kopano()["build_profile"]["platform"]
    negate = condition.startswith("not(")
    inner = condition[4:-1] if negate else condition
    return inner not in platform or platform[inner] != negate


def test_reload_classification_matches_the_reference_for_every_option(reference, tmp_path):
    """Set every option at once, per component and release: the flag each change carries
    is Kopano's RELOADABLE, and only a flagged option can get more than a restart."""
    series_of = {r["facts_from"]: r["series"] for r in schema.kopano()["releases"]}
    checked = 0
    for name, comp in reference["components"].items():
        component = schema.load(name)
        for release, table in comp["releases"].items():
            series = series_of[release]
            options = settable(component, series)
            text = "".join(f"{o.name} = {other_value(o)}\n" for o in options)
            result = diff_text(component, series, "", text, tmp_path)
            changes = {c.option: c for c in result.real_changes}
            for entry in table["options"] + (table.get("base_options") or []):
                if not in_linux_build(entry.get("condition")):
                    continue
                option = component.option(entry["name"], series)
                if option is None or option not in options:
                    continue
                flagged = "RELOADABLE" in entry.get("flags", []) and comp["parser"] == "c++"
                change = changes[entry["name"]]
                assert change.verdict.reloadable == flagged, (name, release, entry["name"])
                expected = EXPECTED_ACTION[option.reload.behaviour] \
                    if flagged and not component.runs_per_use else fixed_action(component)
                assert change.action == expected, (name, release, entry["name"])
                checked += 1
    assert checked > 5000


def test_moving_an_option_into_an_include_is_no_change(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "server.cfg").write_text("log_level = 5\nserver_name = a\n")
    (tmp_path / "new" / "server.cfg").write_text("server_name = a\n!include logging.cfg\n")
    (tmp_path / "new" / "logging.cfg").write_text("log_level = 5\n")
    result = diff.diff_files(str(tmp_path / "old" / "server.cfg"),
                             str(tmp_path / "new" / "server.cfg"), environ={})
    assert result.real_changes == [] and result.verdict == "nothing"


def test_reordering_and_writing_the_default_is_no_change(tmp_path):
    server = schema.load("server")
    result = diff_text(server, "11.0", "log_level = 5\nserver_name = a\n",
                       "server_name = a\nlog_level = 5\nsoftdelete_lifetime = 30\n", tmp_path)
    assert result.real_changes == []


def test_same_reading_is_cosmetic(tmp_path):
    server = schema.load("server")
    result = diff_text(server, "11.0", "cache_cell_size = 1M\naudit_log_enabled = yes\n",
                       "cache_cell_size = 1048576\naudit_log_enabled = true\n", tmp_path)
    assert result.real_changes == []
    assert {c.option for c in result.changes if c.kind == "cosmetic"} == {"audit_log_enabled",
                                                                         "cache_cell_size"}


def test_default_change_between_releases_is_visible(tmp_path):
    server = schema.load("server")
    result = diff_text(server, "8.0", "", "", tmp_path, new_series="11.0")
    changed = {c.option: (c.old, c.new) for c in result.real_changes}
    assert changed["softdelete_lifetime"] == ("0", "30")
    assert result.verdict == "restart"


def test_python_daemons_need_a_restart(tmp_path):
    search = schema.load("search")
    result = diff_text(search, "11.0", "", "limit_results = 5\n", tmp_path)
    assert [c.action for c in result.real_changes] == ["restart"]
    assert "ignores SIGHUP" in result.real_changes[0].verdict.reason


def test_python_programs_run_per_use_take_a_change_at_their_next_run(tmp_path):
    autorespond = schema.load("autorespond")
    result = diff_text(autorespond, "11.0", "", "timelimit = 60\n", tmp_path)
    assert [c.action for c in result.real_changes] == ["next-run"]
    assert result.verdict == "next-run" and result.restart_options == []


def test_cli_diff_text_json_and_secrets(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "server.cfg").write_text("mysql_password = old-secret\nlog_level = 3\n")
    (tmp_path / "b" / "server.cfg").write_text("mysql_password = new-secret\nlog_level = 6\n")
    result = run_kcconf("diff", str(tmp_path / "a" / "server.cfg"),
                        str(tmp_path / "b" / "server.cfg"))
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "secret" not in out.replace("changed (secret)", "")
    assert "mysql_password: changed (secret) [restart]" in out
    assert "log_level: '3' -> '6' [reload]" in out
    assert "restart needed" in out
    data = json.loads(run_kcconf("diff", "-f", "json", str(tmp_path / "a"),
                                 str(tmp_path / "b")).stdout)
    assert "old-secret" not in json.dumps(data)
    assert data["files"][0]["verdict"] == "restart"


def test_cli_no_change_exits_0_and_dump_config_on_stdin(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("log_level = 4\n")
    # kopano-server --dump-config marks defaults with '# '
    dump = b"# server_name = \nlog_level = 4\n# softdelete_lifetime = 30\n"
    result = run_kcconf("diff", "-c", "server", "-", str(path), stdin=dump)
    assert result.returncode == 0, result.stdout
    assert b"nothing to do" in result.stdout


def test_cli_defaults_mode(tmp_path):
    path = tmp_path / "server.cfg"
    path.write_text("log_level = 4\n")
    result = run_kcconf("diff", "--defaults", str(path))
    assert result.returncode == 1 and b"log_level: '3' -> '4' [reload]" in result.stdout


def test_diff_takes_the_component_from_either_file(tmp_path):
    """docs/commands/diff.rst: 'kcconf diff /etc/kopano/server.cfg server.cfg.new'."""
    (tmp_path / "server.cfg").write_text("log_level = 3\n")
    (tmp_path / "server.cfg.new").write_text("log_level = 4\n")
    for pair in (("server.cfg", "server.cfg.new"), ("server.cfg.new", "server.cfg")):
        result = run_kcconf("diff", *pair, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert b"log_level: '" in result.stdout and b"[reload]" in result.stdout
    (tmp_path / "gateway.cfg").write_text("log_level = 3\n")
    result = run_kcconf("diff", "server.cfg", "gateway.cfg", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == (
        b"kcconf: the files are of different components (gateway.cfg is gateway's,"
        b" server.cfg is server's); give the one to compare as with --component\n")
    result = run_kcconf("diff", "a.old", "server.cfg.new", cwd=tmp_path)
    assert result.returncode == 2 and b"file names a.old and server.cfg.new" in result.stderr
