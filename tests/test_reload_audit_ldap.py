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


def test_options_not_flagged_carry_an_audit_only_where_the_code_reloads_them() -> None:
    # Without the flag a reload is expected to change nothing; an entry on such an option
    # is only worth having when the code says otherwise (the property map does).
    extra = {n: [e["behaviour"] for e in spec["x-kc-reload"]]
             for n, spec in LDAP.specs.items() if "x-kc-reload" in spec and n not in FLAGGED}
    assert set(extra) == {n for n, spec in LDAP.specs.items() if spec.get("x-kc-propmap")}
    assert all(behaviours == ["applied"] for behaviours in extra.values())
    assert all("HandlePropMap" in LDAP.specs[n]["x-kc-reload"][0]["evidence"] for n in extra)


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
    # Not flagged, but !propmap re-reads its file on reload with overwrite rights.
    ("0x3A08001E", "8.0", "applied"),
    ("0x3A19001E", "11.0", "applied"),
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


def _new_value(option: schema.Option) -> str:
    """A value that differs from the default (LDAP options are words, filters, numbers)."""
    default = option.default or ""
    if option.type in ("integer", "size"):
        return str(int(default) + 7 if default.isdigit() else 7)
    if option.type == "boolean":
        return "yes" if default.lower() in ("no", "false", "0") else "no"
    if option.spec.get("enum"):
        return next((c for c in option.spec["enum"] if c.lower() != default.lower()), "x")
    return default + "X" if default else "kcconfValue"


VERDICT = {"applied": "reload", "new-connections": "new-connections",
           "restart": "restart", "not-established": "restart", "no-effect": "no-effect"}


@pytest.mark.parametrize("series", SERIES)
def test_kcconf_diff_gives_the_recorded_verdict_for_each_audited_option(series, tmp_path):
    """Change every audited option of one release at once: kcconf diff's verdict for each
    is the recorded behaviour, and new-connections changes name who gets the value."""
    from kcconf import diff

    audited = [LDAP.option(n, series) for n in FLAGGED if n in flagged_and_active(series)]
    assert len(audited) > 85
    old, new = tmp_path / "old" / "ldap.cfg", tmp_path / "new" / "ldap.cfg"
    old.parent.mkdir()
    new.parent.mkdir()
    old.write_text("")
    new.write_text("".join(f"{o.name} = {_new_value(o)}\n" for o in audited))
    result = diff.diff_files(str(old), str(new), "ldap", series, series, environ={})
    changes = {c.option: c for c in result.real_changes}
    for option in audited:
        entry = entry_at(option.name, series)
        change = changes[option.name]
        assert change.action == VERDICT[entry["behaviour"]], (series, option.name)
        if entry["behaviour"] == "new-connections":
            assert entry["applies-to"] in change.verdict.reason, option.name


def flagged_and_active(series: str) -> set[str]:
    """Flagged at ``series`` and active there (old names and obsolete options aside)."""
    return {n for n, o in LDAP.present(series).items()
            if o.reloadable and o.renamed_to is None and o.status == "active"}


def _propmap_diff(tmp_path, old: tuple[str, str], new: tuple[str, str]):
    """Diff two ldap.cfg set-ups, each (plain lines, property map file lines); the map is
    named with !propmap, as Kopano's templates do."""
    from kcconf import diff

    paths = []
    for side, (plain, mapped) in (("old", old), ("new", new)):
        folder = tmp_path / side
        folder.mkdir()
        (folder / "ldap.propmap.cfg").write_text(mapped)
        (folder / "ldap.cfg").write_text(f"!propmap {folder / 'ldap.propmap.cfg'}\n{plain}")
        paths.append(str(folder / "ldap.cfg"))
    return diff.diff_files(paths[0], paths[1], "ldap", "11.0", "11.0", environ={})


@pytest.mark.parametrize(("old", "new", "action"), [
    # Changed in the property map file: a reload reads that file again and overwrites.
    (("", "0x3A08001E = telephoneNumber\n"), ("", "0x3A08001E = mobile\n"), "reload"),
    (("", ""), ("", "0x3A08001E = mobile\n"), "reload"),
    # Deleted from the file: the old attribute stays until a restart.
    (("", "0x3A08001E = mobile\n"), ("", ""), "restart"),
    # A plain line takes the tag out of the map; the reader's flag check then holds.
    (("0x3A08001E = telephoneNumber\n", ""), ("0x3A08001E = mobile\n", ""), "restart"),
    (("0x3A08001E = telephoneNumber\n", ""), ("", "0x3A08001E = mobile\n"), "restart"),
])
def test_property_map_changes_follow_where_they_are_set(tmp_path, old, new, action) -> None:
    result = _propmap_diff(tmp_path, old, new)
    assert [(c.option, c.action) for c in result.real_changes] == [("0x3A08001E", action)]
    change = result.real_changes[0]
    assert not change.verdict.reloadable  # Kopano's flag, reported as it is
    assert ("HandlePropMap" in change.verdict.evidence) == (action == "reload")
