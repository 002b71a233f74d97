"""Kopano's own shipped config files validate without false errors against their release."""

from __future__ import annotations

import pytest

import kcconf
from kcconf import schema

from .conftest import SHIPPED, needs_shared

RELEASE_DIRS = ["8.0.3", "8.7.25", "10.0.8", "11.0.2"]

# Errors Kopano's own reader also gives on a machine without Kopano installed. 8.0's
# example LDAP configs name !propmap /etc/kopano/ldap.propmap.cfg, a config file of the
# server: Kopano stops reading at the failed directive (KC110) and then finds the LDAP
# plugin's mandatory type attributes empty (KC311), exactly as kcconf reports. From 8.2
# ldap.cfg includes package files kcconf knows (KC119), so it reads clean, except that
# from 9.0 its ldap_uri is empty on purpose: the administrator must fill it in.
EXPECTED_ERRORS = {
    "ldapms.active-directory.cfg": {"KC110", "KC311"},
    "ldapms.openldap.cfg": {"KC110", "KC311"},
}
NEEDS_THE_ADMIN = {("ldap.cfg", "10.0.8"): "[ldap-uri-empty]", ("ldap.cfg", "11.0.2"):
                   "[ldap-uri-empty]"}


def shipped():
    if not SHIPPED.is_dir():
        return []
    params = []
    for release in RELEASE_DIRS:
        for path in sorted((SHIPPED / release).glob("*.cfg")):
            if schema.component_for_filename(path.name):
                params.append(pytest.param(path, release, id=f"{release}/{path.name}"))
    return params


@needs_shared
@pytest.mark.parametrize(("path", "release"), shipped())
def test_shipped_config_has_no_false_error(path, release):
    diagnostics = kcconf.validate_file(str(path), release=release, environ={})
    admin = NEEDS_THE_ADMIN.get((path.name, release))
    if admin:
        assert [d.code for d in diagnostics if admin in d.message] == ["KC401"]
        diagnostics = [d for d in diagnostics if admin not in d.message]
    errors = {d.code for d in diagnostics if d.severity == "error"}
    expected = EXPECTED_ERRORS.get(path.name, set())
    assert errors <= expected, [f"{d.line}: {d.message}" for d in diagnostics
                                if d.severity == "error" and d.code not in expected]
    for d in diagnostics:
        if d.code == "KC110":
            assert "/usr/share/kopano/" in d.message or "/etc/kopano/" in d.message


@needs_shared
def test_every_shipped_component_file_is_recognised():
    names = {p.name for r in RELEASE_DIRS for p in (SHIPPED / r).glob("*.cfg")}
    unplaced = sorted(n for n in names if schema.component_for_filename(n) is None)
    # Files of Kopano parts kcconf does not cover (PHP extension, presence, grapi, migration).
    assert unplaced == ["grapi.cfg", "migration-pst.cfg", "php-mapi.cfg", "presence.cfg"]
