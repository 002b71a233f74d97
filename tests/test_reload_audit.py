"""The reload audit (x-kc-reload): complete per component, well-formed, and what
``kcconf diff``, the man pages and docs/reload-audit.rst say follows from it."""

from __future__ import annotations

import json
import re

import pytest

from kcconf import schema
from kcconf.render import audit, rst
from kcconf.schema import Reload, resolve_reload

from .conftest import run_kcconf
from .test_diff import EXPECTED_ACTION, diff_text, other_value

CXX = [n for n in schema.component_names() if not schema.load(n).python]


def flagged_series(component: schema.Component, name: str) -> list[str]:
    return [s for s in schema.series_list()
            if (o := component.option(name, s)) is not None and o.present and o.reloadable]


def uncovered(name: str) -> list[str]:
    """option@series pairs flagged reloadable with no audit entry in force."""
    component = schema.load(name)
    missing = []
    for option in component.specs:
        for series in flagged_series(component, option):
            if component.option(option, series).reload.behaviour == schema.UNAUDITED:
                missing.append(f"{option}@{series}")
    return missing


@pytest.mark.parametrize("name", CXX)
def test_every_flagged_option_has_an_audit_entry_for_each_flagged_series(name):
    assert uncovered(name) == []


@pytest.mark.parametrize("name", schema.component_names())
def test_audit_entries_are_ordered_and_well_formed(name):
    component = schema.load(name)
    order = schema.series_list()
    for option, spec in component.specs.items():
        entries = spec.get("x-kc-reload")
        if entries is None:
            continue
        assert not component.python, option
        # A property-map setting is re-read by every reload whatever its flag (the LDAP
        # plugin's !propmap file is read with the right to overwrite): audited too.
        assert flagged_series(component, option) or spec.get("x-kc-propmap"), \
            f"{option}: audited but never flagged"
        sinces = [e["since"] for e in entries]
        assert all(s in order for s in sinces), option
        assert sinces == sorted(sinces, key=order.index) and len(set(sinces)) == len(sinces)
        for entry in entries:
            if entry["behaviour"] == "new-connections":
                assert entry.get("applies-to"), option
            assert len(entry["evidence"]) > 40, option


@pytest.mark.parametrize("name", [n for n in schema.component_names()
                                  if schema.load(n).python])
def test_python_services_record_what_sighup_does(name):
    sighup = schema.load(name).sighup
    assert sighup["behaviour"] in ("restart", "next-run") and sighup["evidence"]


def test_a_program_run_per_use_takes_a_change_at_its_next_run(tmp_path):
    """kopano-archiver has no SIGHUP handler: the flag on log_level means nothing, the
    next run reads the file."""
    archiver = schema.load("archiver")
    assert archiver.runs_per_use and not archiver.python
    result = diff_text(archiver, "11.0", "", "log_level = 6\n", tmp_path)
    (change,) = result.real_changes
    assert change.action == "next-run" and change.verdict.reloadable
    assert result.verdict == "next-run"
    assert "ends a running kopano-archiver" in rst.reloading(archiver, "11.0")


def test_an_entry_holds_until_the_next_one():
    entries = [{"since": "8.0", "behaviour": "restart", "evidence": "a"},
               {"since": "10.0", "behaviour": "applied", "evidence": "b"}]
    assert resolve_reload(entries, "8.7", True) == Reload("restart", "a", audited=True)
    assert resolve_reload(entries, "10.0", True).behaviour == "applied"
    assert resolve_reload(entries, "11.0", True).evidence == "b"
    assert resolve_reload(entries[1:], "9.1", True).behaviour == schema.UNAUDITED
    assert resolve_reload(entries, "11.0", False) == schema.NOT_RELOADABLE


def audited_cases() -> list:
    cases = []
    for name in CXX:
        component = schema.load(name)
        for series in schema.series_list():
            options = [o for o in component.present(series).values()
                       if o.reloadable and o.reload.audited and o.renamed_to is None]
            if options:
                cases.append(pytest.param(name, series, id=f"{name}-{series}"))
    return cases


@pytest.mark.parametrize(("name", "series"), audited_cases())
def test_changing_each_audited_option_gives_the_recorded_verdict(name, series, tmp_path):
    """Every audited option set to a value the service reads differently from its
    default, in one file: each change carries the flag, the recorded behaviour and a
    reason that names the option and says why."""
    component = schema.load(name)
    options = [o for o in component.present(series).values()
               if o.reloadable and o.reload.audited and o.renamed_to is None]
    text = "".join(f"{o.name} = {other_value(o)}\n" for o in options)
    result = diff_text(component, series, "", text, tmp_path)
    changes = {c.option: c for c in result.real_changes}
    why = {"applied": "uses the new value", "new-connections": "existing ones keep the old",
           "restart": "only at start, although a reload accepts the new value",
           "not-established": "not established", "no-effect": "does not read"}
    for option in options:
        change = changes[option.name]
        behaviour = option.reload.behaviour
        if component.runs_per_use:
            assert change.action == "next-run", option.name
            continue
        assert change.action == EXPECTED_ACTION[behaviour], option.name
        assert change.verdict.reloadable and change.verdict.behaviour == behaviour
        assert option.name in change.verdict.reason and why[behaviour] in change.verdict.reason
        assert change.verdict.evidence == option.reload.evidence
        if behaviour == "new-connections":
            assert option.reload.applies_to in change.verdict.reason


def test_spooler_smtp_port_needs_a_restart_although_flagged(tmp_path):
    """Issue 15's example: the port is parsed once in main(); the server name is a kept
    pointer into the text a reload rewrites."""
    old, new = tmp_path / "a" / "spooler.cfg", tmp_path / "b" / "spooler.cfg"
    for path, text in ((old, "smtp_server = mx1\nsmtp_port = 25\n"),
                       (new, "smtp_server = mx2\nsmtp_port = 2525\n")):
        path.parent.mkdir()
        path.write_text(text)
    result = run_kcconf("diff", str(old), str(new))
    out = result.stdout.decode()
    assert "restart: kopano-spooler reads smtp_port only at start, although a reload" \
           " accepts the new value" in out
    assert "reload: kopano-spooler uses the new value of smtp_server after a reload" in out
    assert out.rstrip().endswith("restart needed: service kopano-spooler restart"
                                 " (for smtp_port)")
    data = json.loads(run_kcconf("diff", "-f", "json", str(old), str(new)).stdout)
    changes = {c["option"]: c for c in data["files"][0]["changes"]}
    assert changes["smtp_port"]["reloadable"] is True
    assert changes["smtp_port"]["reload_behaviour"] == "restart"
    assert changes["smtp_port"]["action"] == "restart"
    assert "atoui" not in changes["smtp_port"]["evidence"]  # our words, not the code
    assert changes["smtp_server"]["reload_behaviour"] == "applied"
    assert data["files"][0]["verdict"] == "restart"


def test_the_strongest_verdict_wins(tmp_path):
    spooler = schema.load("spooler")
    result = diff_text(spooler, "11.0", "", "max_threads = 9\n", tmp_path)
    assert result.verdict == "reload"
    result = diff_text(spooler, "11.0", "", "max_threads = 9\ncharset_upgrade = utf-8\n",
                       tmp_path)
    assert result.verdict == "reload"
    result = diff_text(spooler, "11.0", "", "charset_upgrade = utf-8\n", tmp_path)
    assert result.verdict == "no-effect"
    result = diff_text(spooler, "11.0", "", "max_threads = 9\nsmtp_port = 26\n", tmp_path)
    assert result.verdict == "restart" and result.restart_options == ["smtp_port"]


@pytest.mark.parametrize("name", CXX)
def test_man_page_reloading_and_option_entries_follow_the_audit(name):
    component = schema.load(name)
    series = schema.newest_series()
    body = rst.reloading(component, series)
    if component.runs_per_use:
        assert "each time it runs" in body
        return
    for option in component.present(series).values():
        if not option.reloadable:
            continue
        assert option.name in body
        fact = rst.reload_fact(component, option)
        if option.reload.behaviour == "restart":
            assert fact.startswith("Needs a restart: a reload accepts")
        elif option.reload.applies:
            assert fact == "A reload applies it."


def test_audit_page_has_a_row_per_flagged_option():
    page = audit.page()
    for name in CXX:
        component = schema.load(name)
        for option in component.specs:
            if flagged_series(component, option):
                assert f"   * - {name}\n     - ``{option}``\n" in page, (name, option)


def test_new_connections_verdict_names_the_options_and_the_consequence(tmp_path):
    path = tmp_path / "gateway.cfg"
    path.write_text("imap_public_folders = no\nimap_max_messagesize = 1000\n")
    out = run_kcconf("diff", "--defaults", str(path)).stdout.decode()
    assert "imap_public_folders: 'yes' -> 'no' [new-connections]" in out
    assert "a reload applies imap_public_folders to IMAP connections opened after the" \
           " reload; existing ones keep the old value" in out
    assert re.search(r"imap_max_messagesize: '\w+' -> '1000' \[reload\]", out)
    assert "a reload applies the changes, but imap_public_folders only to new connections:" \
           " service kopano-gateway reload; existing connections keep the old values" in out
    data = json.loads(run_kcconf("diff", "-f", "json", "--defaults", str(path)).stdout)
    assert data["files"][0]["verdict"] == "new-connections"
    assert data["files"][0]["new_connection_options"] == ["imap_public_folders"]
    shown = json.loads(run_kcconf("show", "--json", str(path)).stdout)["settings"]
    assert shown["imap_public_folders"]["reload_behaviour"] == "new-connections"
    assert shown["imap_public_folders"]["reloadable"] is True


def test_a_daemon_without_a_sighup_handler_says_so(tmp_path):
    statsd = schema.load("statsd")
    assert not statsd.python and statsd.sighup["behaviour"] == "restart"
    option = next(iter(statsd.present("11.0").values()))
    result = diff_text(statsd, "11.0", "", f"{option.name} = {other_value(option)}\n",
                       tmp_path)
    (change,) = result.real_changes
    assert change.action == "restart" and "has no SIGHUP handler" in change.verdict.reason
    assert "ends it instead of reloading it" in rst.reloading(statsd, "11.0")


def test_kopano_admin_reads_its_file_at_each_run(tmp_path):
    admin = schema.load("admin")
    option = next(o for o in admin.present("11.0").values() if o.renamed_to is None)
    result = diff_text(admin, "11.0", "", f"{option.name} = {other_value(option)}\n",
                       tmp_path)
    assert result.verdict == "next-run"
