"""The explanations of kopano-server.cfg(5): security logging, soft delete and logging.

They come from the groups' details in schemas/server.schema.json, each holding for the
release series whose code it describes, so a page for an older release says what that
release does (checked against the source of each series; see the report of issue 15).
"""

from __future__ import annotations

import re

import pytest

from kcconf import schema
from kcconf.render import rst

from .test_manpages import ROOT, flat, rendered, section

SERVER = schema.load("server")


def page_section(series: str, title: str) -> str:
    """One top-level section of the server page's reStructuredText at ``series``."""
    text = rst.render_component(SERVER, series)
    match = re.search(rf"^{re.escape(title)}\n=+\n(.*?)(?=^[^\n]+\n=+\n|\Z)", text, re.M | re.S)
    assert match, f"no section {title} at {series}"
    return flat(match.group(1))


def test_the_explanations_are_schema_data_not_python():
    # Python never names an option: the texts live in the schema's groups.
    source = (ROOT / "kcconf" / "render" / "rst.py").read_text()
    assert "audit_log" not in source and "softdelete" not in source
    groups = SERVER.groups
    assert all(groups[g].get("details") for g in ("security-logging", "deletion", "logging"))


@pytest.mark.parametrize("series", ["8.0", "8.5", "8.7", "11.0"])
def test_security_logging_lists_formats_words_and_helper(series):
    body = page_section(series, "SECURITY LOGGING")
    for words in ("authpriv", "audit_log_level", "At 0 nothing is written",
                  "server startup uid=", "authenticate ok", "authenticate failed",
                  "authenticate spoofed", "requested=", "access allowed", "access denied",
                  "ownername=", "rights=", "change hierarchy", "folder permissions",
                  "User supplied password", "Pipe socket", "SSL Certificate", "kerberos sso",
                  "ntlm sso", "SYSTEM", "Everyone", "audit-parse.pl", "system stats"):
        assert words in body, (series, words)


def test_security_logging_formats_follow_the_release():
    new = page_section("11.0", "SECURITY LOGGING")
    assert 'authenticate ok, impersonate ok: from="' in new
    assert 'ownername="bob"' in new and "server signalled sig=1" not in new
    mid = page_section("8.5", "SECURITY LOGGING")
    assert "ownername='bob'" in mid and "server signalled sig=1" in mid
    old = page_section("8.0", "SECURITY LOGGING")
    assert "impersonate ok user='bob'," in old
    assert "authenticate ok, impersonate ok" not in old


@pytest.mark.parametrize(("series", "command", "not_there"), [
    ("8.0", "kopano-admin --purge-softdelete", "kopano-srvadm"),
    ("8.5", "kopano-admin --purge-softdelete", "kopano-srvadm"),
    ("8.6", "kopano-srvadm --purge-softdelete", None),
    ("11.0", "kopano-srvadm --purge-softdelete", None),
])
def test_soft_delete_names_the_purge_command_of_the_release(series, command, not_there):
    body = page_section(series, "SOFT DELETE")
    assert "Once an hour, at the start of the hour" in body
    assert "first hourly run after its lifetime" in body
    assert "every store marked as deleted" in body
    assert command in body and "cron" in body and "0 2 * * *" in body
    if not_there:
        assert not_there not in body


def test_logging_says_what_happens_when_the_file_cannot_be_opened():
    body = page_section("11.0", "LOGGING")
    assert "standard error" in body and "run_as_user" in body
    assert "reopens the log file" in body and "log_level's entry" in body


def test_descriptions_corrected_against_the_source():
    specs = SERVER.specs
    assert "nothing at all is written" in specs["audit_log_level"]["description"]
    assert "shutdown notice is written" not in specs["audit_log_level"]["description"]
    soft = specs["softdelete_lifetime"]["description"]
    assert "first hourly run" in soft and "whatever the number" in soft
    assert "standard error" in specs["log_file"]["description"]


def test_generated_server_page_has_the_new_sections():
    text = rendered(ROOT / "man" / "man5" / "kopano-server.cfg.5")
    assert "kopano-srvadm --purge-softdelete" in flat(section(text, "SOFT DELETE"))
    assert "standard error" in flat(section(text, "LOGGING"))
