"""The reload audit of kopano-server: every option a reload accepts says what a reload does.

The RELOADABLE flag only says that ECConfigImpl takes the new text on SIGHUP. Each option
flagged so in some series carries x-kc-reload entries, read from the server's source, that
cover every such series; these tests hold the server schema to that and pin a few verdicts
that were checked by hand against the code.
"""

from __future__ import annotations

import pytest

from kcconf import schema

SERVER = schema.load("server")


def behaviour_at(entries: list[dict], series: str) -> dict | None:
    """The entry in force at ``series``: the last one whose since is not later."""
    found = None
    for entry in entries:
        if schema.series_key(entry["since"]) <= schema.series_key(series):
            found = entry
    return found


def flagged_series(name: str) -> list[str]:
    return [s for s in schema.series_list()
            if (o := SERVER.option(name, s)) is not None and o.present and o.reloadable]


FLAGGED = sorted(n for n in SERVER.specs if flagged_series(n))


def test_the_audit_covers_the_74_flagged_options():
    assert len(FLAGGED) == 74


@pytest.mark.parametrize("name", FLAGGED)
def test_every_flagged_series_has_a_recorded_behaviour(name):
    entries = SERVER.specs[name].get("x-kc-reload")
    assert entries, f"{name} is flagged reloadable but has no x-kc-reload"
    keys = [schema.series_key(e["since"]) for e in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), name
    for series in flagged_series(name):
        entry = behaviour_at(entries, series)
        assert entry is not None, f"{name}: nothing recorded for {series}"
        if entry["behaviour"] == "new-connections":
            assert entry.get("applies-to"), f"{name}: new-connections without applies-to"


@pytest.mark.parametrize("name", FLAGGED)
def test_no_entry_starts_in_a_series_the_schema_does_not_know(name):
    known = set(schema.series_list())
    assert {e["since"] for e in SERVER.specs[name]["x-kc-reload"]} <= known


@pytest.mark.parametrize(("name", "series", "behaviour"), [
    # Re-applied by the SIGHUP handler itself.
    ("log_level", "11.0", "applied"),
    ("audit_log_level", "8.0", "applied"),
    # ECDispatcher::DoHUP converts these again and resizes the pool.
    ("server_recv_timeout", "8.0", "applied"),
    ("threads", "10.0", "applied"),
    ("thread_limit", "8.7", "applied"),
    # Copied into each session when it is created.
    ("session_timeout", "11.0", "new-connections"),
    ("session_ip_check", "9.0", "new-connections"),
    # DoHUP rebuilds the TLS context; accepted connections keep theirs.
    ("server_tls_min_proto", "11.0", "new-connections"),
    ("server_ssl_protocols", "8.3", "new-connections"),
    # Set once per database connection.
    ("mysql_group_concat_max_len", "11.0", "new-connections"),
    # Read at the start of every hourly purge.
    ("softdelete_lifetime", "8.5", "applied"),
])
def test_verdicts_checked_against_the_source(name, series, behaviour):
    assert behaviour_at(SERVER.specs[name]["x-kc-reload"], series)["behaviour"] == behaviour


def test_threads_no_longer_claims_a_reload_applies_everything():
    # From 8.7 the search-folder pool is sized from threads once at start.
    text = SERVER.specs["threads"]["description"]
    assert "Applied on reload." not in text
    assert "search" in behaviour_at(SERVER.specs["threads"]["x-kc-reload"], "8.7")["evidence"]
