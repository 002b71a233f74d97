"""x-kc-shipped-values in schemas/ldap.schema.json: what Kopano's LDAP templates set.

The key is documentation only (the reference page shows it beside the default); the
templates themselves are facts under ../shared/reference/package-files/<release>/, one
directory per release the schemas are taken from. The comparison reads them with
kcconf's own parser, so the schema says exactly what the service would read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kcconf import dialect, schema
from kcconf.dialect import Kind
from kcconf.render import rst

from .conftest import SHARED, needs_shared

LDAP = schema.load("ldap")
PACKAGE_FILES = SHARED / "reference" / "package-files"
TEMPLATES = {"openldap": "ldap.openldap.cfg", "active-directory": "ldap.active-directory.cfg"}
RELEASES = {r["series"]: r["facts_from"] for r in schema.kopano()["releases"]}


def template_settings(path: Path) -> dict[str, str]:
    """Name -> value as Kopano's reader keeps it (the last assignment wins)."""
    doc = dialect.parse(path.read_bytes(), str(path))
    return {e.name: e.value for e in doc.entries
            if e.kind is Kind.OPTION and e.name is not None and e.value is not None}


def recorded(name: str, template: str, series: str) -> str | None:
    """The value the schema says ``template`` sets at ``series`` (None: not set)."""
    held = [value for since, value in
            LDAP.specs[name].get("x-kc-shipped-values", {}).get(template, {}).items()
            if schema.series_key(since) <= schema.series_key(series)]
    return held[-1] if held else None


@needs_shared
@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("series", list(RELEASES))
def test_recorded_values_match_the_package_files(series: str, template: str) -> None:
    path = PACKAGE_FILES / RELEASES[series] / TEMPLATES[template]
    actual = template_settings(path)
    unknown = sorted(set(actual) - set(LDAP.specs))
    assert not unknown, f"{path} sets options the schema does not know: {unknown}"
    wrong = {}
    for name, option in LDAP.present(series).items():
        if option.secret:
            continue  # no value of a secret option is kept in the schema
        if recorded(name, template, series) != actual.get(name):
            wrong[name] = (recorded(name, template, series), actual.get(name))
    assert not wrong, f"{series} {template}: (schema, file) differ: {wrong}"


def test_secret_options_keep_no_template_value() -> None:
    assert all("x-kc-shipped-values" not in spec
               for spec in LDAP.specs.values() if spec.get("x-kc-secret"))


# The cases below were read by hand from the package files of 8.0.3, 8.6.9 and 11.0.2.
@pytest.mark.parametrize(("name", "series", "template", "value"), [
    ("ldap_user_unique_attribute", "8.5", "active-directory", "objectGuid"),
    ("ldap_user_unique_attribute", "8.6", "active-directory", "objectGUID"),
    ("ldap_user_unique_attribute", "11.0", "openldap", "uidNumber"),
    ("ldap_quota_multiplier", "11.0", "active-directory", "1048576"),
    ("ldap_object_search_filter", "8.1", "openldap", ""),
    ("ldap_server_type_attribute_value", "8.1", "openldap", None),  # only the ldapms files
    ("ldap_server_type_attribute_value", "8.2", "openldap", "ipHost"),
    ("ldap_search_base", "8.1", "openldap", "dc=kopano,dc=com"),
    ("ldap_search_base", "8.2", "openldap", None),  # left to /etc/kopano/ldap.cfg from 8.2
])
def test_hand_read_values(name: str, series: str, template: str, value: str | None) -> None:
    assert recorded(name, template, series) == value


def entry_line(name: str, series: str) -> str:
    return rst.shipped_text(LDAP.option(name, series))


def test_the_option_entry_shows_both_templates_beside_the_default() -> None:
    assert entry_line("ldap_user_unique_attribute", "11.0") == (
        "Kopano's templates set ``uidNumber`` (OpenLDAP) and ``objectGUID``"
        " (Active Directory).")
    assert entry_line("ldap_fullname_attribute", "11.0") == (
        "Kopano's OpenLDAP and Active Directory templates both set ``cn``.")
    assert entry_line("ldap_user_search_filter", "11.0") == (
        "Kopano's templates set an empty value (OpenLDAP) and ``(objectCategory=Person)``"
        " (Active Directory).")
    page = rst.render_component(LDAP, "11.0")
    default_at = page.index("Default: ``uid``.")
    assert page.index("templates set ``uid`` (OpenLDAP)", default_at) - default_at < 40


def test_the_entry_follows_the_release() -> None:
    assert "``objectGuid`` (Active Directory)" in entry_line("ldap_user_unique_attribute", "8.0")
    assert entry_line("ldap_search_base", "11.0") == ""
    assert entry_line("ldap_server_type_attribute_value", "8.0") == ""
    assert entry_line("ldap_server_type_attribute_value", "9.0") == (
        "Kopano's templates set ``ipHost`` (OpenLDAP) and ``computer`` (Active Directory).")


def test_options_no_template_sets_show_nothing() -> None:
    assert entry_line("ldap_starttls", "11.0") == ""
    assert entry_line("ldap_bind_passwd", "8.0") == ""  # a secret: never shown
