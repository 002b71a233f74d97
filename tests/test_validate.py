"""kcconf validate on real files: each mistake found at the right line with the right code.

Expected verdicts come from Kopano's reading rules (docs/reader.rst, READER-RULES.md),
worked out by hand for each input below.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcconf
from kcconf import schema
from kcconf.diagnostics import CODES
from kcconf.loader import InputError

from .conftest import run_kcconf


def codes(diagnostics, code=None):
    return [(d.line, d.code) for d in diagnostics if code is None or d.code == code]


def check(write, text, component="server", release=None, env=None):
    path = write(f"{component}.cfg", text)
    return kcconf.validate_file(str(path), release=release, environ=env or {})


# --- the first slice: logging options of the server ---------------------------------

def test_clean_logging_block_has_no_findings(write):
    text = ("log_method = file\nlog_file = /var/log/kopano/server.log\nlog_level = 3\n"
            "log_timestamp = yes\nlog_buffer_size = 0\naudit_log_enabled = no\n"
            "audit_log_method = syslog\naudit_log_file = -\naudit_log_level = 1\n"
            "audit_log_timestamp = 0\nsoftdelete_lifetime = 30\n")
    assert check(write, text) == []


def test_log_method_is_compared_without_case(write):
    assert check(write, "log_method = SysLog\n") == []


def test_log_method_unknown_word(write):
    assert codes(check(write, "log_method = logfile\n")) == [(1, "KC310")]


def test_log_level_out_of_range(write):
    # The logger compares 'message level <= configured level': 7 logs what 6 logs.
    [found] = check(write, "log_level = 7\n")
    assert (found.code, found.severity) == ("KC305", "warning")
    assert "as at 6" in found.message
    [found] = check(write, "mysql_port = 70000\n")
    assert (found.code, found.severity) == ("KC305", "error")
    assert "0..65535" in found.message


def test_log_level_subsystem_bits(write):
    # 0x00010006: level 6 plus the SQL switch (common/ECLogger.h), accepted as is.
    assert check(write, "log_level = 0x00010006\n") == []
    assert check(write, "log_level = 65542\n") == []
    # The SOAP switch existed until 8.7; in 11.0 no message carries it.
    [found] = check(write, "log_level = 0x00100003\n")
    assert (found.code, found.severity) == ("KC305", "warning")
    assert "0x00100000 (soap, 8.0 to 8.7)" in found.message
    assert check(write, "log_level = 0x00100003\n", release="8.7") == []
    # Bits between the level and the switches are ignored by the logger.
    [found] = check(write, "log_level = 0x00010036\n")
    assert "0x30" in found.message and "level 6" in found.message
    assert found.hint == "Write 0x00010006."
    # The level part keeps its range: 0x00010009 logs as at 6.
    [found] = check(write, "log_level = 0x00010009\n")
    assert "level 9 is above 6" in found.message and "0x00010006" in found.hint


def test_audit_log_level_above_its_maximum_records_everything(write):
    # The audit logger compares a record's level with the low four bits only
    # (ECLogger::Log): 9 records as 6, a warning; no audit record carries a subsystem
    # bit, so upper bits change nothing.
    [found] = check(write, "audit_log_level = 9\n")
    assert (found.code, found.severity) == ("KC305", "warning")
    assert "level 9 is above 6" in found.message
    [found] = check(write, "audit_log_level = 0x00010001\n")
    assert (found.code, found.severity) == ("KC305", "warning")
    assert "switches nothing" in found.message and found.hint == "Write 1."


def test_log_level_bits_in_every_cxx_component(tmp_path):
    for component in ("archiver", "dagent", "gateway", "ical", "monitor", "server",
                      "spooler"):
        found = kcconf.validate_text("log_level = 0x00010006\n", component=component,
                                     environ={})
        assert [d for d in found if d.option == "log_level"] == [], component


def test_a_bound_on_one_side_is_named_as_a_minimum(write):
    # server threads must be at least 1 and has no upper bound; a count has no unit word
    [found] = check(write, "threads = 0\n")
    assert (found.code, found.message) == ("KC305", "threads: 0 is below the minimum of 1")
    assert found.hint == "Choose a value of at least 1."


def test_log_level_leading_zero_is_octal(write):
    # strtol base 0: 010 is eight, which is also out of range
    found = codes(check(write, "log_level = 010\n"))
    assert (1, "KC307") in found and (1, "KC305") in found
    assert codes(check(write, "log_level = 06\n")) == [(1, "KC307")]


def test_log_level_with_inline_comment(write):
    # the value is '3 # debug'; strtol reads 3, so only the comment is worth a word
    assert codes(check(write, "log_level = 3 # debug\n")) == [(1, "KC303")]


def test_audit_log_enabled_off_is_read_as_true(write):
    diagnostics = check(write, "audit_log_enabled = off\n")
    assert codes(diagnostics) == [(1, "KC302")]
    assert "TRUE" in diagnostics[0].message


@pytest.mark.parametrize(("release", "expected"), [("8.7", [(1, "KC302")]), ("11.0", [])])
def test_capitalised_no_depends_on_release(write, release, expected):
    assert codes(check(write, "audit_log_enabled = No\n", release=release)) == expected


def test_softdelete_lifetime_with_unit_word(write):
    diagnostics = check(write, "softdelete_lifetime = 30 days\n")
    assert codes(diagnostics) == [(1, "KC306")]
    assert "read as 30" in diagnostics[0].message


def test_softdelete_default_changed_between_releases():
    server = schema.load("server")
    assert server.option("softdelete_lifetime", "8.0").default == "0"
    assert server.option("softdelete_lifetime", "11.0").default == "30"


def test_unknown_option_has_a_suggestion(write):
    diagnostics = check(write, "log_levle = 3\n")
    assert codes(diagnostics) == [(1, "KC201")]
    assert "log_level" in diagnostics[0].hint


def test_option_of_another_component_is_named(write):
    diagnostics = check(write, "imap_listen = *:143\n")
    assert codes(diagnostics) == [(1, "KC201")]
    assert "gateway.cfg" in diagnostics[0].hint


def test_indented_comment_is_an_option(write):
    assert codes(check(write, "log_level = 3\n   # log_level = 6\n")) == [(2, "KC105")]


def test_line_without_equals(write):
    assert codes(check(write, "log_level 6\n")) == [(1, "KC106")]


def test_duplicate_option_names_the_winner(write):
    diagnostics = check(write, "log_level = 3\nlog_file = -\nlog_level = 5\n")
    assert codes(diagnostics) == [(1, "KC209")]
    assert "line 3" in diagnostics[0].message


def test_removed_option_names_its_releases(write):
    diagnostics = check(write, "server_tcp_port = 236\n", release="11.0")
    found = [d for d in diagnostics if d.line == 1]
    assert found and found[0].code == "KC207"
    assert "8.0" in found[0].message
    assert any(d.code == "KC601" for d in diagnostics)


def test_option_added_later(write):
    diagnostics = check(write, "server_listen = *:236\n", release="8.4")
    assert codes(diagnostics, "KC206") == [(1, "KC206")]


def test_renamed_option_warns(write):
    # unix_socket is the old name of server_pipe_name
    assert codes(check(write, "unix_socket = /var/run/kopano/server.sock\n")) == [(1, "KC202")]


def test_env_variable_unset_and_set(write):
    assert codes(check(write, "log_level = $KC_LEVEL\n")) == [(1, "KC313")]
    assert check(write, "log_level = $KC_LEVEL\n", env={"KC_LEVEL": "4"}) == []
    assert codes(check(write, "mysql_port = $KC_PORT\n", env={"KC_PORT": "70000"})) == \
        [(1, "KC305")]


def test_password_is_never_expanded_nor_shown(write):
    diagnostics = check(write, "mysql_password = $DB_PASS # secret words\n")
    assert all("secret words" not in d.message for d in diagnostics)
    text = json.dumps([d.to_dict() for d in diagnostics])
    assert "secret words" not in text


def test_nonempty_option_set_empty(write):
    assert codes(check(write, "server_pipe_name =\n")) == [(1, "KC311")]


def test_value_longer_than_kept(write):
    assert codes(check(write, "server_name = " + "x" * 1100 + "\n")) == [(1, "KC312")]


def test_bom_and_crlf(write):
    found = codes(check(write, "\ufefflog_level = 3\r\nlog_file = -\r\n"))
    assert (1, "KC102") in found and (1, "KC201") in found


def test_empty_file_is_clean(write):
    assert check(write, "") == []


def test_python_service_booleans_are_strict(write):
    diagnostics = check(write, "index_attachments = Yes\n", component="search")
    assert codes(diagnostics) == [(1, "KC301")]
    assert diagnostics[0].severity == "error"


def test_python_service_unknown_option_is_a_warning(write):
    diagnostics = check(write, "no_such_option = 1\n", component="search")
    assert codes(diagnostics) == [(1, "KC201")] and diagnostics[0].severity == "warning"


def test_python_service_indented_comment_is_a_comment(write):
    assert check(write, "   # index_attachments = maybe\n", component="search") == []


def test_python_service_invalid_utf8_stops_it(write):
    diagnostics = check(write, b"limit_results = 5\nindex_path = /x\xff\n", component="search")
    assert [(d.line, d.code, d.severity) for d in diagnostics] == [(2, "KC101", "error")]


def test_validate_text_api():
    found = kcconf.validate_text("mysql_port = 70000\n", component="server", environ={})
    assert [(d.line, d.code) for d in found] == [(1, "KC305")]


# --- the command ------------------------------------------------------------------

def test_cli_exit_status_and_format(write):
    bad = write("server.cfg", "mysql_port = 70000\n")
    result = run_kcconf("validate", "--no-hints", str(bad))
    assert result.returncode == 1
    first = result.stdout.decode().splitlines()[0]
    assert first == f"{bad}:1:14: error: mysql_port: 70000 is outside 0..65535 [KC305]"


def test_cli_warnings_pass_unless_strict(write):
    path = write("server.cfg", "log_level 6\n")
    assert run_kcconf("validate", str(path)).returncode == 0
    assert run_kcconf("validate", "--strict", str(path)).returncode == 1


def test_cli_json(write):
    path = write("server.cfg", "mysql_port = 70000\n")
    result = run_kcconf("validate", "--format", "json", str(path))
    data = json.loads(result.stdout)
    assert data["version"] and data["files"][0]["diagnostics"][0]["code"] == "KC305"


def test_colour_only_when_asked_and_never_with_no_color(write):
    path = write("server.cfg", "mysql_port = 70000\n")
    assert b"\x1b[" not in run_kcconf("validate", str(path)).stdout
    assert b"\x1b[" in run_kcconf("validate", "--color", "always", str(path)).stdout
    assert b"\x1b[" not in run_kcconf("validate", str(path), env={"NO_COLOR": "1"}).stdout


def test_stdin(write):
    result = run_kcconf("validate", "-", "--component", "server", stdin=b"mysql_port = 70000\n")
    assert result.returncode == 1 and b"<stdin>:1:14" in result.stdout


def test_show_masks_secrets_and_marks_defaults(write):
    path = write("server.cfg", "mysql_password = hunter2\nlog_level = 5\n")
    out = run_kcconf("show", str(path)).stdout.decode()
    assert "hunter2" not in out
    assert "mysql_password = ***" in out
    assert "\nlog_level = 5\n" in out
    assert "# softdelete_lifetime = 30\n" in out
    non_default = run_kcconf("show", "--non-default", str(path)).stdout.decode()
    assert non_default.splitlines() == ["mysql_password = ***", "log_level = 5"]


# --- robustness -------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600),
       component=st.sampled_from(["server", "search", "ldap", "gateway"]))
def test_arbitrary_bytes_never_raise(data, component):
    # InputError: refused as binary, a clean one-line outcome
    with contextlib.suppress(InputError):
        kcconf.validate_text(data, component=component, environ={})


NAMES = ["log_level", "log_method", "audit_log_enabled", "softdelete_lifetime", "server_listen",
         "cache_cell_size", "mysql_password", "# x", "index_attachments", "", "!include"]


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.tuples(st.sampled_from(NAMES), st.text(max_size=30)), max_size=12),
       component=st.sampled_from(["server", "search"]),
       release=st.sampled_from(["8.0", "8.7", "10.0", "11.0"]))
def test_arbitrary_option_mixes_never_raise(lines, component, release):
    text = "".join(f"{name} = {value}\n" for name, value in lines)
    try:
        found = kcconf.validate_text(text, component=component, release=release, environ={})
    except InputError:
        return  # refused as binary (NUL-heavy text): a clean, one-line outcome
    for d in found:
        assert d.code in CODES


# --- cross-option rules declared in the schema --------------------------------------

def rule_ids(diagnostics):
    return sorted(d.message.rsplit("[", 1)[1].rstrip("]") for d in diagnostics
                  if d.code == "KC401")


def test_rules_fire_on_the_line_to_change(write):
    text = ("log_method = file\nlog_file =\nthreads = 50\nthread_limit = 10\n"
            "quota_warn = 100\nquota_soft = 50\nquota_hard = 0\n")
    found = check(write, text)
    assert rule_ids(found) == ["log-file-needed", "quota-warn-above-soft",
                               "thread-limit-below-threads"]
    lines = {d.message.rsplit("[", 1)[1].rstrip("]"): d.line for d in found if d.code == "KC401"}
    assert lines == {"log-file-needed": 2, "thread-limit-below-threads": 4,
                     "quota-warn-above-soft": 5}


def test_zero_quota_means_no_limit(write):
    assert rule_ids(check(write, "quota_warn = 100\nquota_soft = 0\nquota_hard = 0\n")) == []
    assert rule_ids(check(write, "quota_warn = 40\nquota_soft = 0\nquota_hard = 50\n")) == []
    # With no soft limit the warning level is still compared with the hard one.
    assert rule_ids(check(write, "quota_warn = 100\nquota_soft = 0\nquota_hard = 50\n")) == \
        ["quota-warn-above-hard"]


def test_company_placeholder_rules(write):
    hosted = "enable_hosted_kopano = yes\nloginname_format = %u\n"
    assert rule_ids(check(write, hosted)) == ["loginname-company-needed-when-hosted"]
    assert rule_ids(check(write, "storename_format = %f@%c\n")) == [
        "storename-company-without-hosting"]
    assert rule_ids(check(write, "user_plugin = unix\nuser_plugin_config = /etc/kopano/unix.cfg"
                                 "\nloginname_format = %u@%c\n")) == ["loginname-company-with-unix"]


def test_audit_file_rule_reads_booleans_as_the_service(write):
    # Before 8.4 an empty audit_log_file is accepted, and only the rule speaks up.
    # (8.3's default softdelete_lifetime of 0 brings its own note: a file naming 30 stays quiet.)
    text = "audit_log_enabled = no\naudit_log_method = file\naudit_log_file =\n"
    text += "softdelete_lifetime = 30\n"
    assert rule_ids(check(write, text, release="8.3")) == []
    text = text.replace("= no", "= off")
    assert rule_ids(check(write, text, release="8.3")) == ["audit-log-file-needed"]


def test_empty_audit_log_file_is_reported_once(write):
    # From 8.4 the option is flagged nonempty: the value check (KC311) says it, and the
    # rule that said the same a second time no longer applies.
    text = "audit_log_enabled = yes\naudit_log_method = file\naudit_log_file =\n"
    found = check(write, text, release="11.0")
    assert rule_ids(found) == []
    assert [d.code for d in found if d.line == 3] == ["KC311"]
    old = [d for d in check(write, text, release="8.3") if d.line == 3]
    assert [d.code for d in old] == ["KC401"]
    assert "standard error" in old[0].message


@pytest.mark.parametrize("component", ["server", "spooler", "dagent", "gateway", "ical"])
def test_file_logging_without_a_name_falls_back_to_standard_error(write, component):
    # CreateLogger (common/ECLogger.cpp) cannot open an empty name and logs to stderr.
    found = [d for d in check(write, "log_method = file\nlog_file =\n", component=component,
                              release="11.0") if d.code == "KC401"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "standard error" in found[0].message and "nowhere" not in found[0].message


def test_thread_limit_below_threads_says_what_the_pool_does(write):
    # ECThreadPool::set_thread_count raises the limit to threads: the pool starts its
    # workers, and only the watchdog's extra threads are lost.
    found = [d for d in check(write, "threads = 8\nthread_limit = 4\n") if d.code == "KC401"]
    assert len(found) == 1 and found[0].line == 2
    assert "can start no extra threads" in found[0].message
    assert "never grow to its starting size" not in found[0].message
    assert rule_ids(check(write, "threads = 8\nthread_limit = 8\n")) == []


def test_host_rules_only_with_check_host(write, tmp_path):
    text = f"attachment_storage = files\nattachment_path = {tmp_path}/nowhere\n"
    path = write("server.cfg", text)
    assert rule_ids(kcconf.validate_file(str(path), environ={})) == []
    found = kcconf.validate_file(str(path), environ={}, check_host=True)
    assert "attachment-path-exists" in rule_ids(found)


def test_check_host_secret_file_readable_by_others(write):
    path = write("server.cfg", "mysql_password = hunter2\n")
    path.chmod(0o644)
    found = kcconf.validate_file(str(path), environ={}, check_host=True)
    assert [d.code for d in found if d.code == "KC503"] == ["KC503"]
    assert all("hunter2" not in d.message for d in found)
    path.chmod(0o640)
    assert not [d for d in kcconf.validate_file(str(path), environ={}, check_host=True)
                if d.code == "KC503"]


@given(st.sampled_from(sorted(schema.load("server").specs)), st.integers(0, 40),
       st.sampled_from(["swap", "drop", "double", "upper", "junk"]))
def test_suggestions_match_difflib(name, at, change):
    from kcconf.checks.names import SUGGEST_CUTOFF, _names_by_length, closest

    at %= len(name)
    word = {"swap": name[:at] + name[at + 1 : at + 2] + name[at] + name[at + 2 :],
            "drop": name[:at] + name[at + 1 :], "double": name[:at] + name[at] + name[at:],
            "upper": name.upper(), "junk": name[:at] + "xq"}[change]
    component = schema.load("server")
    here = [n for n, o in component.at("11.0").items() if o.present]
    expected = difflib.get_close_matches(word, here, n=1, cutoff=SUGGEST_CUTOFF)
    assert closest(word, _names_by_length(component, "11.0")) == (expected[0] if expected
                                                                    else None)


# --- the LDAP plugin's property map (ECConfigImpl groups) --------------------------------

LDAP_TYPES = "ldap_user_type_attribute_value = posixAccount\n" \
             "ldap_group_type_attribute_value = posixGroup\n"


def ldap_with_propmap(write, ldap_lines: str, propmap_lines: str):
    propmap = write("maps/propmap.cfg", propmap_lines)
    return write("ldap.cfg", LDAP_TYPES + ldap_lines.replace("PROPMAP", str(propmap)))


def placed(found, code):
    return [(d.file.rsplit("/", 1)[-1], d.line) for d in found if d.code == code]


def test_propmap_tag_in_ldap_cfg_leaves_the_property_map(write):
    # Kopano re-keys the setting under the plain group, so the plugin no longer maps it.
    path = ldap_with_propmap(write, "0x3A08001E = telephoneNumber\n", "")
    found = kcconf.validate_file(str(path), "ldap")
    assert placed(found, "KC211") == [("ldap.cfg", 3)]
    assert codes(found, "KC201") == []


def test_old_alias_of_a_propmap_tag_leaves_it_too(write):
    path = ldap_with_propmap(write, "ldap_user_fax_attribute = fax\n", "")
    found = kcconf.validate_file(str(path), "ldap")
    assert placed(found, "KC211") == [("ldap.cfg", 3)]
    [renamed] = [d for d in found if d.code == "KC202"]
    assert "!propmap" in renamed.hint and "0x3A19001E" in renamed.hint


def test_propmap_file_cannot_set_a_tag_taken_out_of_the_map(write):
    # "cannot be overridden (different group)": the earlier plain value stays.
    path = ldap_with_propmap(write, "0x3A08001E = telephoneNumber\n!propmap PROPMAP\n",
                             "0x3A08001E = phone\n")
    found = kcconf.validate_file(str(path), "ldap")
    assert placed(found, "KC212") == [("propmap.cfg", 1)]
    assert codes(found, "KC209") == []  # the refused line does not win anything
    shown = run_kcconf("show", "--component", "ldap", str(path)).stdout.decode()
    assert "0x3A08001E = telephoneNumber\n" in shown


def test_propmap_file_cannot_set_a_plain_option(write):
    path = ldap_with_propmap(write, "!propmap PROPMAP\n", "ldap_uri = ldap://dc1/\n")
    found = kcconf.validate_file(str(path), "ldap")
    assert placed(found, "KC212") == [("propmap.cfg", 1)]
    shown = run_kcconf("show", "--component", "ldap", str(path)).stdout.decode()
    assert "ldap://dc1/" not in shown


def test_name_added_by_propmap_is_known_afterwards(write):
    # LOADSETTING_UNKNOWN adds the name; a later plain line replaces it (and leaves the map).
    path = ldap_with_propmap(write, "!propmap PROPMAP\n0x12345678 = again\n",
                             "0x12345678 = custom\n0x3A08001E = phone\n")
    found = kcconf.validate_file(str(path), "ldap")
    assert codes(found, "KC201") == []
    assert placed(found, "KC211") == [("ldap.cfg", 4)]
    assert placed(found, "KC212") == []


def test_unused_company_quota_levels_are_not_compared(write):
    # companyquota_soft and companyquota_hard are flagged unused in every 8.x release (the
    # server reads only companyquota_warn for companies), so their order means nothing.
    text = "companyquota_warn = 100\ncompanyquota_soft = 50\ncompanyquota_hard = 10\n"
    assert rule_ids(check(write, text, release="8.7")) == []


def test_unset_required_option_points_at_its_commented_default(write):
    """Not 1:1: the line an admin edits is the one that shows the option commented out."""
    text = ("ldap_uri = ldap://localhost/\n"
            "# object type values\n"
            "#ldap_user_type_attribute_value =\n"
            "ldap_group_type_attribute_value = posixGroup\n")
    found = [(d.line, d.col, d.code, d.option) for d in check(write, text, "ldap")]
    assert found == [(3, 2, "KC311", "ldap_user_type_attribute_value")]
    # without such a line, the start of the file
    text = "ldap_group_type_attribute_value = posixGroup\n"
    found = [(d.line, d.col, d.code) for d in check(write, text, "ldap")]
    assert found == [(1, 1, "KC311")]
    # in an included file that shows it, there
    write("extra.cfg", "##  ldap_user_type_attribute_value = posixAccount\n")
    text = "!include extra.cfg\nldap_group_type_attribute_value = posixGroup\n"
    found = [(d.file.rsplit("/", 1)[-1], d.line, d.col, d.code) for d in check(write, text, "ldap")]
    assert found == [("extra.cfg", 1, 5, "KC311")]


HOST_PATHS = {"user_plugin_config", "ntlm_auth", "server_ssl_key_file", "sslkeys_path",
              "attachment_path"}


def host_paths(path, release=None):
    """Missing paths among those the tests below set (defaults of others may be absent)."""
    found = kcconf.validate_file(str(path), release=release, environ={}, check_host=True)
    return [(d.option, d.line, d.col) for d in found
            if d.code == "KC501" and d.option in HOST_PATHS]


def test_check_host_only_paths_the_configuration_uses(write, tmp_path):
    """x-kc-used-when: the db plugin reads no plugin config, NTLM needs SSO on, the key
    file needs a TLS listener; each path that is used is reported at its own line."""
    missing = tmp_path / "nowhere"
    text = (f"user_plugin = db\nuser_plugin_config = {missing}/ldap.cfg\n"
            f"enable_sso = no\nntlm_auth = {missing}/ntlm_auth\n"
            f"server_listen_tls =\nserver_ssl_key_file = {missing}/server.pem\n"
            f"sslkeys_path = {missing}/sslkeys\n"
            f"attachment_storage = database\nattachment_path = {missing}/att\n")
    assert host_paths(write("server.cfg", text)) == []
    text = (text.replace("= db", "= ldap").replace("sso = no", "sso = yes")
            .replace("tls =", "tls = *:237").replace("= database", "= files"))
    assert host_paths(write("server.cfg", text)) == [
        ("user_plugin_config", 2, 22), ("ntlm_auth", 4, 13), ("server_ssl_key_file", 6, 23),
        ("sslkeys_path", 7, 16), ("attachment_path", 9, 19)]


def test_check_host_tls_condition_follows_the_release(write, tmp_path):
    """Before 8.5 there is no server_listen_tls: server_ssl_enabled says whether TLS runs."""
    key = f"server_ssl_key_file = {tmp_path}/server.pem\n"
    assert host_paths(write("server.cfg", "server_ssl_enabled = no\n" + key), "8.0") == []
    found = host_paths(write("server.cfg", "server_ssl_enabled = yes\n" + key), "8.0")
    assert ("server_ssl_key_file", 2, 23) in found


def test_check_host_default_path_points_at_its_commented_line(write, tmp_path):
    """A path no line sets (the default) is reported where the file shows it commented."""
    if (Path("/etc/kopano/ssl/server.pem")).exists():
        pytest.skip("this machine has the default key file")
    text = "server_listen_tls = *:237\n\n#server_ssl_key_file = /etc/kopano/ssl/server.pem\n"
    assert ("server_ssl_key_file", 3, 2) in host_paths(write("server.cfg", text))


README_EXAMPLE = ("log_level = 010\naudit_log_enabled = off\nlog_method = file # for now\n"
                  "softdelete_lifetime = 30d\nimap_listen = *:143\n")


def test_show_non_default_is_postconf_n(write):
    """Every option the file sets, as written, with how the service reads it where that
    differs; the unknown imap_listen (the server stops on it) on stderr, exit 1."""
    path = write("server.cfg", README_EXAMPLE + "threads = 8\nlog_timestamp = true\n")
    result = run_kcconf("show", "-n", str(path))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        "log_method = file # for now",      # schema order, as show always printed
        "log_level = 010  (read as 8)",
        "log_timestamp = true",             # a true word means what it says
        "audit_log_enabled = off  (read as yes)",
        "softdelete_lifetime = 30d  (read as 30)",
        "threads = 8",                      # the default, written all the same
    ]
    assert result.stderr.decode() == (
        f"kcconf: {path}:5: unknown option 'imap_listen': the service reports an error and"
        " refuses to start\n")
    data = json.loads(run_kcconf("show", "-n", "--json", str(path)).stdout)["settings"]
    assert (data["log_level"]["written"], data["log_level"]["read_as"]) == ("010", "8")
    assert (data["threads"]["written"], data["threads"]["read_as"]) == ("8", None)
    assert "imap_listen" not in data


def test_show_names_value_only_unexpanded_and_origin(write):
    """postconf NAME, postconf -h, values with $VAR as written, and --origin on its own
    comment line (after the value it would read as an inline comment)."""
    path = write("server.cfg", "log_level = 4\nserver_name = $MAILHOST\n")
    env = {"MAILHOST": "mail.example.org"}
    result = run_kcconf("show", str(path), "server_name", "log_level", env=env)
    assert (result.returncode, result.stdout) == (
        0, b"server_name = mail.example.org\nlog_level = 4\n")
    result = run_kcconf("show", "-H", str(path), "log_level", "server_name", env=env)
    assert result.stdout == b"4\nmail.example.org\n"
    result = run_kcconf("show", "--as-written", str(path), "server_name", env=env)
    assert result.stdout == b"server_name = $MAILHOST  (read as mail.example.org)\n"
    result = run_kcconf("show", "--origin", str(path), "log_level", "softdelete_lifetime")
    assert result.stdout == b"# " + str(path).encode() + \
        b":1\nlog_level = 4\n# softdelete_lifetime = 30\n"
    result = run_kcconf("show", str(path), "log_levle")
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr == b"kcconf: log_levle: unknown option of server.cfg in Kopano 11.0\n"


def test_ldap_type_words_the_plugin_does_not_know_are_warnings(write):
    # The LDAP plugin tests only for 'binary' (and 'dn'); any other word is read as text.
    [found] = check(write, "ldap_user_unique_attribute_type = string\n", component="ldap")[-1:]
    assert (found.code, found.severity) == ("KC310", "warning")
    assert "treats it as text" in found.message
    found = check(write, "ldap_group_security_attribute_type = yes\n", component="ldap")
    assert [(d.code, d.severity) for d in found if d.code == "KC310"] == [("KC310", "warning")]
    # Options without such a fallback keep the error.
    assert [(d.code, d.severity) for d in check(write, "log_method = logfile\n")] == \
        [("KC310", "error")]


def test_process_model_words_the_service_does_not_know_mean_fork(tmp_path):
    # gateway, ical and dagent compare with 'thread' (and dagent 'single') exactly; any
    # other text runs the fork model: the service starts, so a warning.
    for component in ("gateway", "ical", "dagent"):
        found = kcconf.validate_text("process_model = Thread\n", component=component,
                                     environ={})
        assert [(d.code, d.severity) for d in found] == [("KC310", "warning")], component
        assert "treats it as fork" in found[0].message
        assert found[0].hint == "Write thread: the comparison is case-sensitive."


def test_auth_method_words_the_server_does_not_know_mean_plugin(write):
    # The server compares with 'pam' and 'kerberos'; everything else authenticates
    # through the user plugin (ECUserManagement): a warning.
    [found] = check(write, "auth_method = ldap\n")
    assert (found.code, found.severity) == ("KC310", "warning")
    assert "treats it as plugin" in found.message


def test_listen_hint_asks_for_an_address_not_a_host(write):
    # Kopano resolves listen addresses with AI_NUMERICHOST (common/ECChannel.cpp): a host
    # name is refused, so the hint must not suggest one.
    [found] = check(write, "server_listen = *:99999\n")
    assert found.code == "KC315"
    assert "address:port" in found.hint and "host:port" not in found.hint


def test_coredump_enabled_other_words_are_read_as_booleans(write):
    # unix_coredump_enable (common/UnixUtil.cpp) tests for systemdefault, then parseBool:
    # any other word turns core dumps on, except a false word.
    [found] = check(write, "coredump_enabled = enabled\n")
    assert (found.code, found.severity) == ("KC310", "warning")
    assert "reads it as a boolean, true, and acts as yes" in found.message
    # parseBool is case-sensitive before 10.0: 'NO' is not a false word there
    [found] = check(write, "coredump_enabled = NO\n", release="8.7")
    assert found.severity == "warning" and "true, and acts as yes" in found.message
    [found] = check(write, "coredump_enabled = NO\n", release="11.0")
    assert found.severity == "warning" and "false, and acts as no" in found.message


def test_copy_delegate_mails_other_words_per_release(write):
    # mailer.cpp: parseBool up to 8.6, exactly 'yes' or 'move-to-rep' in 8.7 to 9.1,
    # parse_yesno (parseBool, empty is false) from 10.0.
    def one(release: str):
        [found] = check(write, "copy_delegate_mails = true\n", "spooler", release)
        assert found.severity == "warning"
        return found.message
    assert "reads it as a boolean, true, and acts as yes" in one("8.6")
    assert "the service treats it as no" in one("9.1")
    assert "reads it as a boolean, true, and acts as yes" in one("11.0")


def test_always_send_tnef_other_words_are_booleans(write):
    [found] = check(write, "always_send_tnef = always\n", "spooler", "11.0")
    assert found.severity == "warning" and "true, and acts as yes" in found.message


def test_s3_words_are_compared_by_their_start(write):
    # ECS3Attachment.cpp: strncmp with "https" and "path"; the rest is http / virtualhost.
    # (the options also get a note that they need an S3 build: not looked at here)
    def kc310(found):
        return [d for d in found if d.code == "KC310"]
    [found] = kc310(check(write, "attachment_s3_protocol = HTTPS\n"))
    assert found.severity == "warning" and "acts as http" in found.message
    assert found.hint.startswith("Write https: the comparison is case-sensitive")
    [found] = kc310(check(write, "attachment_s3_protocol = https-only\n"))
    assert found.severity == "warning" and "acts as https" in found.message
    [found] = kc310(check(write, "attachment_s3_uristyle = virtual-host\n"))
    assert found.severity == "warning" and "acts as virtualhost" in found.message


def test_ranges_the_server_corrects_itself_are_warnings(write):
    # ECAttachmentStorage lowers a level above Z_BEST_COMPRESSION to 9; set_thread_count
    # (common/ECThreadPool.cpp) raises a thread_limit below threads to threads.
    [found] = check(write, "attachment_compression = 12\n")
    assert (found.code, found.severity) == ("KC305", "warning")
    assert "above the maximum of 9: the server compresses at level 9" in found.message
    # thread_limit has no range: 0 is raised to threads, which the rule says, once
    found = check(write, "thread_limit = 0\n")
    assert [(d.code, d.severity) for d in found] == [("KC401", "warning")]
    # a range the service does not correct stays an error
    [found] = check(write, "threads = 0\n")
    assert found.severity == "error"


def test_a_rule_about_unset_options_points_at_their_commented_default(tmp_path):
    """Like the other findings about options no line sets: the line that shows the
    option commented out, not 1:1 (issue 16, item 6)."""
    path = tmp_path / "monitor.cfg"
    path.write_text("# quota mails\n#userquota_hard_template = /nonexistent/userhard.mail\n")
    found = [d for d in kcconf.validate_file(str(path), environ={}, check_host=True)
             if d.rule == "userquota-hard-template-exists"]
    assert [(d.line, d.col) for d in found] == [(2, 2)]
