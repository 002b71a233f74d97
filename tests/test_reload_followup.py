"""Loose ends of the reload audit (issue 15 follow-up): options nothing reads, verdicts of
whole programs in the docs, the spooler's process models, and !propmap tags."""

from __future__ import annotations

import re

import pytest

from kcconf import schema

from .conftest import run_kcconf
from .test_diff import diff_text

NOT_READ = re.compile(r"\b(nothing (in the \w+ )?reads|no code [^.]*reads|read by nothing)\b"
                      r"(?![^.]* again)", re.I)
"""Evidence that no code reads the option (not "nothing reads it again": read at start)."""


def test_entries_whose_evidence_says_nothing_reads_the_option_say_no_effect():
    wrong = []
    for name in schema.component_names():
        for option, spec in schema.load(name).specs.items():
            for entry in spec.get("x-kc-reload") or []:
                if NOT_READ.search(entry.get("evidence", "")) and \
                        entry["behaviour"] != "no-effect":
                    wrong.append(f"{name}.{option}@{entry['since']}")
    assert wrong == []


@pytest.mark.parametrize(("option", "series", "action"), [
    ("report_path", "8.0", "no-effect"), ("report_ca_path", "8.3", "no-effect"),
    ("license_timeout", "8.3", "reload"), ("license_timeout", "8.4", "no-effect"),
    ("client_update_path", "8.3", "reload"), ("client_update_path", "8.7", "no-effect"),
    ("client_update_log_level", "8.4", "no-effect"),
    ("client_update_log_path", "8.6", "no-effect"),
])
def test_server_options_read_by_nothing_have_no_effect(option, series, action, tmp_path):
    """8.0 to 8.3 read the client update options and license_timeout in
    ECClientUpdate.cpp; from 8.4 that file is gone and only the table of defaults
    names them; the report paths are in that table only, in every release."""
    server = schema.load("server")
    result = diff_text(server, series, "", f"{option} = /x\n", tmp_path)
    (change,) = result.real_changes
    assert change.action == action
    if action == "no-effect":
        assert "does not read" in change.verdict.reason


@pytest.mark.parametrize("option", ["report_path", "report_ca_path", "license_timeout",
                                    "client_update_log_level", "client_update_path",
                                    "client_update_log_path"])
def test_descriptions_of_server_options_read_by_nothing_say_so(option):
    description = schema.load("server").specs[option]["description"]
    assert re.search(r"no effect|(?:no code|nothing) [^.]*reads", description, re.I), description


def test_ldap_user_unique_attribute_name_has_no_effect(tmp_path):
    ldap = schema.load("ldap")
    result = diff_text(ldap, "11.0", "", "ldap_user_unique_attribute_name = uid\n", tmp_path)
    assert result.verdict == "no-effect"


@pytest.mark.parametrize(("series", "noted"), [("8.7", True), ("9.0", True), ("9.1", False),
                                               ("11.0", False)])
def test_process_model_single_is_accepted_from_8_7_with_a_note_on_the_patch_level(
        series, noted, tmp_path):
    """spooler/Spooler.cpp knows the word single from 8.7.10 and 9.0.3 (GP_SINGLE); before
    those patch releases only thread is compared, so single sends with fork."""
    path = tmp_path / "spooler.cfg"
    path.write_text("process_model = single\n")
    result = run_kcconf("validate", "--release", series, str(path))
    out = result.stdout.decode()
    assert result.returncode == 0, out
    assert "0 error(s), 0 warning(s)" in out
    assert ("8.7.10" in out and "9.0.3" in out) is noted, out


def test_process_model_description_dates_single_from_8_7_10_and_9_0_3():
    description = schema.load("spooler").specs["process_model"]["description"]
    assert "from 9.1" not in description
    assert "8.7.10" in description and "9.0.3" in description


def _propmap_diff(tmp_path, old_map: str, new_map: str, plain: str = ""):
    from kcconf import diff

    paths = []
    for side, mapped in (("old", old_map), ("new", new_map)):
        folder = tmp_path / side
        folder.mkdir()
        (folder / "ldap.propmap.cfg").write_text(mapped)
        (folder / "ldap.cfg").write_text(f"!propmap {folder / 'ldap.propmap.cfg'}\n{plain}")
        paths.append(str(folder / "ldap.cfg"))
    return diff.diff_files(paths[0], paths[1], "ldap", "11.0", "11.0", environ={})


@pytest.mark.parametrize(("old_map", "new_map", "action"), [
    ("0x8C6D001E = employeeNumber\n", "0x8C6D001E = uidNumber\n", "reload"),
    ("", "0x8C6D001E = employeeNumber\n", "reload"),
    # removed from the file: HandlePropMap only writes what the file holds
    ("0x8C6D001E = employeeNumber\n", "", "restart"),
])
def test_a_tag_only_the_propmap_file_names_gets_the_propmap_verdict(
        tmp_path, old_map, new_map, action):
    """A tag the schema does not name, set in the !propmap file: a reload reads the file
    again and the plugin asks for the whole property-map group at each use."""
    assert "0x8C6D001E" not in schema.load("ldap").specs
    result = _propmap_diff(tmp_path, old_map, new_map)
    (change,) = result.real_changes
    assert change.action == action, change.verdict.reason
    if action == "reload":
        assert "HandlePropMap" in change.verdict.evidence
        assert "0x8C6D001E" in change.verdict.reason
    else:
        assert "no reload facts" in change.verdict.reason



@pytest.mark.parametrize("name", [n for n in schema.component_names()
                                  if schema.load(n).sighup])
def test_table_man_page_and_diff_agree_where_the_program_decides(name, tmp_path):
    """archiver runs per use, statsd has no SIGHUP handler: the option's own entry is
    overridden in diff, and the audit table and the option entries say the same."""
    from kcconf import verdicts
    from kcconf.render import audit, rst

    component = schema.load(name)
    page = audit.page()
    for option_name in component.specs:
        for series in schema.series_list():
            option = component.option(option_name, series)
            if option is None or not option.present or not option.reloadable:
                continue
            verdict = verdicts.verdict_of(component, option)
            assert verdict.program
            fact = rst.reload_fact(component, option)
            if verdict.action == "next-run":
                assert "next run" in fact, fact
            else:
                assert fact.startswith("Needs a restart"), fact
            row = f"   * - {name}\n     - ``{option_name}``\n"
            assert row in page
            cells = page.split(row, 1)[1].split("\n   * - ", 1)[0]
            assert "restart, although flagged" not in cells or verdict.action == "restart"
            if verdict.action == "next-run":
                assert "read at each run" in cells


@pytest.mark.parametrize(("series", "model", "action"), [
    ("11.0", "", "restart"),              # default thread: one process, read at start
    ("11.0", "process_model = thread\n", "restart"),
    ("11.0", "process_model = single\n", "restart"),
    ("11.0", "process_model = fork\n", "new-connections"),
    ("8.7", "", "new-connections"),       # default fork in 8.7
    ("8.0", "", "new-connections"),       # no process_model before 8.7: always fork
])
def test_fork_children_read_the_file_afresh(series, model, action, tmp_path):
    """StartSpoolerFork runs kopano-spooler anew per message and that process loads
    spooler.cfg itself: an option no reload touches (the key it logs in with) reaches
    the next message."""
    spooler = schema.load("spooler")
    result = diff_text(spooler, series, model, model + "sslkey_file = /etc/kopano/spooler.pem\n",
                       tmp_path)
    (change,) = result.real_changes
    assert change.action == action, change.verdict.reason
    if action == "new-connections":
        assert "no reload needed" in change.verdict.reason
        assert "StartSpoolerFork" in change.verdict.evidence


def test_options_the_main_spooler_keeps_still_need_a_restart_with_fork(tmp_path):
    spooler = schema.load("spooler")
    result = diff_text(spooler, "11.0", "process_model = fork\n",
                       "process_model = fork\nsmtp_port = 2525\nmax_threads = 9\n", tmp_path)
    actions = {c.option: c.action for c in result.real_changes}
    assert actions["smtp_port"] == "restart"


def test_spooler_reloading_section_says_fork_children_read_the_file_afresh():
    from kcconf.render import rst

    body = rst.reloading(schema.load("spooler"), "11.0")
    assert "reads this file afresh" in body and "smtp_port" in body.split("keeps")[1]
    assert "afresh" not in rst.reloading(schema.load("dagent"), "11.0")
