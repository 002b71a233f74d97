"""The reload audit of the LDAP user plugin (x-kc-reload in schemas/ldap.schema.json).

Kopano's RELOADABLE flag only says that the reader accepts a new value on SIGHUP; the
audit records what the plugin then does with it. These tests keep the record complete
(every flagged option, every flagged series) and pin the findings that were checked by
hand against the plugin's source, so an edit cannot silently turn them around.
"""

from __future__ import annotations

import pytest

from kcconf import schema

LDAP = schema.load("ldap")
SERIES = schema.series_list()


def flagged_series(name: str) -> list[str]:
    """The series in which the option exists and carries the RELOADABLE flag."""
    return [s for s in SERIES
            if (o := LDAP.option(name, s)) is not None and o.present and o.reloadable]


FLAGGED = sorted(n for n in LDAP.specs if flagged_series(n))


def entry_at(name: str, series: str) -> dict | None:
    """The x-kc-reload entry that holds at ``series``: the last one starting at or before it."""
    found = None
    for entry in LDAP.specs[name].get("x-kc-reload", []):
        if schema.series_key(entry["since"]) <= schema.series_key(series):
            found = entry
    return found


def test_the_audit_covers_the_flagged_options() -> None:
    # About 92 by the count; the exact number is what the schema flags.
    assert len(FLAGGED) > 90


@pytest.mark.parametrize("name", FLAGGED)
def test_every_flagged_series_has_a_recorded_behaviour(name: str) -> None:
    uncovered = [s for s in flagged_series(name) if entry_at(name, s) is None]
    assert not uncovered, f"{name}: no x-kc-reload entry covers {', '.join(uncovered)}"


@pytest.mark.parametrize("name", FLAGGED)
def test_entries_are_ordered_and_well_formed(name: str) -> None:
    entries = LDAP.specs[name]["x-kc-reload"]
    starts = [schema.series_key(e["since"]) for e in entries]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for entry in entries:
        assert entry["since"] in SERIES
        # new-connections must say who picks the value up; the others must not pretend to.
        assert ("applies-to" in entry) == (entry["behaviour"] == "new-connections"), entry
        assert "LDAPUserPlugin" in entry["evidence"], "evidence names where the plugin reads it"


def test_options_not_flagged_carry_no_audit() -> None:
    extra = [n for n, spec in LDAP.specs.items() if "x-kc-reload" in spec and n not in FLAGGED]
    assert extra == []


# Findings checked by hand in Kopano's source (provider/plugins/LDAPUserPlugin.cpp and
# provider/libserver/ECPluginSharedData.cpp at the tags named in kopano.json).
@pytest.mark.parametrize(("name", "series", "behaviour"), [
    # Read once in each plugin instance's constructor from 8.1; in 8.0 at each connect.
    ("ldap_network_timeout", "8.0", "new-connections"),
    ("ldap_network_timeout", "8.1", "new-connections"),
    ("ldap_network_timeout", "11.0", "new-connections"),
    # Read only when a connection is opened and bound.
    ("ldap_bind_passwd", "8.0", "new-connections"),
    ("ldap_bind_passwd", "11.0", "new-connections"),
    ("ldap_starttls", "8.7", "new-connections"),
    ("ldap_starttls", "11.0", "new-connections"),
    # Asked for at each use from the shared configuration that SIGHUP reloads.
    ("ldap_search_base", "11.0", "applied"),
    ("ldap_page_size", "8.0", "applied"),
    ("ldap_quota_multiplier", "10.0", "applied"),
    ("ldap_filter_cutoff_elements", "11.0", "applied"),
    ("ldap_user_unique_attribute", "8.7", "applied"),
    ("ldap_authentication_method", "10.1", "applied"),
])
def test_hand_checked_findings(name: str, series: str, behaviour: str) -> None:
    entry = entry_at(name, series)
    assert entry is not None and entry["behaviour"] == behaviour


def test_the_timeout_moved_into_the_constructor_in_8_1() -> None:
    # The one option whose reader changed in a way an administrator notices: from 8.1
    # only plugin instances created after the reload get the new timeout.
    assert "constructor" in entry_at("ldap_network_timeout", "8.1")["evidence"]
    assert "ConnectLDAP" in entry_at("ldap_network_timeout", "8.0")["evidence"]
    assert "created after the reload" in entry_at("ldap_network_timeout", "11.0")["applies-to"]


def test_the_password_description_no_longer_promises_a_reload() -> None:
    description = LDAP.specs["ldap_bind_passwd"]["description"]
    assert "it can be changed with a configuration reload" not in description
    assert "opens afterwards" in description
