"""Claims corrected after checking option descriptions against Kopano's source (issue 15).

Each test pins one corrected claim where kcconf shows it: a rule that now fires, a range
that now holds, or the sentence a man page now carries. The evidence for each (which
function of which release) is in the report of the descriptions re-check.
"""

from __future__ import annotations

import pytest

import kcconf
from kcconf import schema
from kcconf.render import rst

from .test_manpages import flat


def findings(write, component: str, text: str, release: str | None = None) -> list[tuple[str, str]]:
    """(severity, rule id or code) of every diagnostic for ``text`` as <component>.cfg."""
    path = write(f"{component}.cfg", text)
    out = []
    for d in kcconf.validate_file(str(path), release=release, environ={}):
        rule = d.message.rsplit("[", 1)[-1].rstrip("]") if d.code == "KC401" else d.code
        out.append((str(d.severity), rule))
    return out


def described(component: str, option: str) -> str:
    """The option's description, whitespace folded as on a rendered page."""
    return flat(schema.load(component).specs[option]["description"])


def page(component: str, series: str) -> str:
    return flat(rst.render_component(schema.load(component), series))


# --- log_method = off: no logger at all from 9.0.5 and 10.0.3 -------------------------

WITHOUT_LOGGER = ["server", "ical", "spooler", "dagent", "gateway", "archiver"]


@pytest.mark.parametrize("component", WITHOUT_LOGGER)
def test_log_method_off_is_an_error_from_9_0(write, component):
    fails = ("error", "log-method-off-fails")
    assert fails in findings(write, component, "log_method = Off\n")
    assert fails in findings(write, component, "log_method = off\n", "9.0")


def test_log_method_off_only_falls_back_in_the_monitor(write):
    assert ("warning", "log-method-off-fails") in findings(write, "monitor", "log_method = off\n")


@pytest.mark.parametrize("component", ["server", "spooler", "gateway", "monitor"])
def test_log_method_off_is_an_unknown_word_before_9_0(write, component):
    got = findings(write, component, "log_method = off\n", "8.7")
    assert ("warning", "log-method-off-unknown") in got
    assert not any(rule == "log-method-off-fails" for _, rule in got)


def test_other_log_methods_raise_neither_rule(write):
    for word in ("file", "syslog", "auto"):
        got = findings(write, "server", f"log_method = {word}\nlog_file = /var/log/k.log\n")
        assert not any(rule.startswith("log-method-off") for _, rule in got), word


def test_server_log_method_no_longer_promises_that_off_disables_logging():
    text = described("server", "log_method")
    assert "'off' disables logging" not in text
    assert "refuses to start" in text and "9.0.5 and 10.0.3" in text


@pytest.mark.parametrize("component", ["spooler", "dagent", "gateway", "ical", "monitor",
                                       "archiver"])
def test_other_log_method_texts_say_what_off_does(component):
    text = described(component, "log_method")
    assert "off disables logging" not in text and "turns logging off" not in text
    assert "9.0.5 and 10.0.3" in text


# --- listeners: numeric addresses only, %interface from 9.0 ---------------------------

@pytest.mark.parametrize(("component", "line"), [
    ("gateway", "imap_listen = localhost:143\n"),
    ("gateway", "pop3s_listen = *:995 mail.example.com:995\n"),
    ("ical", "ical_listen = localhost:8080\n"),
    ("dagent", "lmtp_listen = localhost:2003\n"),
    ("server", "server_listen = kopano.example.com:236\n"),
])
def test_a_host_name_in_a_listener_is_an_error(write, component, line):
    assert ("error", "listener-host-name") in findings(write, component, line)


@pytest.mark.parametrize("value", ["*:143", "*%lo:143", "[::1]:143", "192.0.2.7:143",
                                   "[fe80::1%eth0]:143", "unix:/run/kopano/imap.sock",
                                   "*:143 # the words of a comment are no host names"])
def test_numeric_listeners_and_sockets_pass(write, value):
    got = findings(write, "gateway", f"imap_listen = {value}\n")
    assert not any(rule.startswith("listener-") for _, rule in got), got


def test_interface_suffix_is_refused_by_8_7_only(write):
    line = "imap_listen = *%lo:143\n"
    assert ("error", "listener-interface-suffix-8-7") in findings(write, "gateway", line, "8.7")
    assert not any(r.startswith("listener-") for _, r in findings(write, "gateway", line, "9.0"))
    # A scope id inside the brackets is part of the numeric address, which 8.7 accepts.
    scoped = "imap_listen = [fe80::1%eth0]:143\n"
    assert not any(r.startswith("listener-") for _, r in findings(write, "gateway", scoped, "8.7"))


@pytest.mark.parametrize(("component", "option"), [
    ("gateway", "imap_listen"), ("gateway", "pop3_listen"), ("ical", "ical_listen")])
def test_listener_texts_warn_about_host_names_and_name_unix_sockets(component, option):
    text = described(component, option)
    assert "Only numeric addresses are accepted" in text and "host name" in text
    assert "unix:" in text and "from 9.0 a %interface suffix" in text


def test_server_listen_says_host_names_were_looked_up_in_8_5_and_8_6():
    text = described("server", "server_listen")
    assert "From 8.7 only numeric addresses are accepted" in text
    assert "8.5 and 8.6 let the SOAP library look host names up" in text


# --- imap_max_messagesize: a 32-bit limit on what the gateway holds in memory ---------

def test_imap_max_messagesize_of_4g_wraps_and_is_refused(write):
    assert ("error", "KC305") in findings(write, "gateway", "imap_max_messagesize = 4g\n")
    assert findings(write, "gateway", "imap_max_messagesize = 4095m\n") == []


def test_imap_max_messagesize_text_warns_about_memory_and_wrapping():
    text = described("gateway", "imap_max_messagesize")
    assert "in memory whole" in text and "32-bit" in text and "4g becomes 0" in text


# --- spooler ---------------------------------------------------------------------------

def test_enable_dsn_no_is_reported_as_without_effect(write):
    assert ("warning", "enable-dsn-not-read") in findings(write, "spooler", "enable_dsn = no\n")
    assert findings(write, "spooler", "enable_dsn = yes\n") == []
    text = described("spooler", "enable_dsn")
    assert "no release from 8.0 to 11.0 acts on it" in text and "DSN extension" in text


def test_copy_delegate_mails_names_10_0_7_send_as_and_the_move_risk():
    text = described("spooler", "copy_delegate_mails")
    assert "from 10.0.7 any value other than no, false, 0 or empty copies" in text
    assert "from 10.1" not in text
    assert "send-as" in text and "no Sent Items folder" in text


def test_process_model_single_exists_in_8_7_and_9_0():
    text = described("spooler", "process_model")
    assert "single (from 8.7.10 and 9.0.3" in text and "single (from 9.1)" not in text
    assert "8.7.10 and 9.0.3" in described("dagent", "process_model")


# --- accounts, scripts, keys, ports ----------------------------------------------------

@pytest.mark.parametrize("component", ["spooler", "dagent", "gateway", "ical"])
def test_numeric_run_as_ids_are_dated_10_0(component):
    for option in ("run_as_user", "run_as_group"):
        text = described(component, option)
        assert "(or numeric id)" not in text and "10.0.2" in text, option


@pytest.mark.parametrize("option", ["createuser_script", "deleteuser_script", "creategroup_script",
                                    "deletegroup_script", "createcompany_script",
                                    "deletecompany_script"])
def test_internal_userscripts_date_from_10_0_7(option):
    text = described("server", option)
    assert "the default from 10.0.7" in text and "the default from 10.0;" not in text
    assert "Releases before 10.0.7 do not know the word" in text


@pytest.mark.parametrize("component", ["monitor", "archiver"])
def test_an_unreadable_key_is_not_skipped(component):
    text = described(component, "sslkey_file")
    assert "tried without a key" not in text and "connection to the server fails" in text


def test_server_tcp_port_zero_opens_nothing_only_from_8_5_9_and_8_6_2():
    text = described("server", "server_tcp_port")
    assert "From 8.5.9 and 8.6.2 a value of 0 opens no listener" in text
    assert "From 8.5.9 and 8.6.2 a value of 0 opens no listener" in page("server", "8.6")


@pytest.mark.parametrize("option", ["report_path", "report_ca_path", "license_timeout",
                                    "client_update_log_level", "client_update_path",
                                    "client_update_log_path"])
def test_reloadable_options_that_nothing_reads_say_so(option):
    # Flagged reloadable, but no code of the series reads them (8.4 on for the last four).
    text = described("server", option)
    assert "reads it" in text and ("nothing in the server reads it" in text.lower()
                                   or "no code in those releases reads it" in text)


@pytest.mark.parametrize("component", ["spooler", "dagent", "gateway", "ical", "server"])
def test_tmp_path_says_the_environment_keeps_a_missing_directory(component):
    # TmpPath::OverridePath falls back to /tmp for itself but exports the value as given.
    text = described(component, "tmp_path")
    assert "TMP and TEMP still name the missing directory" in text


def test_enable_ical_get_no_refuses_every_get():
    # Http::HrValidateReq denies the GET method as a whole when the option is false.
    text = described("ical", "enable_ical_get")
    assert "every GET is refused" in text and "single items" in text
