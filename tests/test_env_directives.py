"""kcconf env on directive lines: the way kopano-docker switches the LDAP plugin from
OpenLDAP to Active Directory is to comment out one !include and turn on the other."""

from __future__ import annotations

import pytest

from kcconf import envconfig

from .conftest import run_kcconf

LDAP = """\
ldap_uri = ldap://directory.example.org/
!include /usr/share/kopano/ldap.openldap.cfg
#!include /usr/share/kopano/ldap.active-directory.cfg
"""

SWITCH = {"KCCOMMENT_LDAP_1": "!include /usr/share/kopano/ldap.openldap.cfg",
          "KCUNCOMMENT_LDAP_1": "!include /usr/share/kopano/ldap.active-directory.cfg"}


def test_comment_and_uncomment_swap_include_lines(tmp_path):
    (tmp_path / "ldap.cfg").write_text(LDAP)
    envconfig.write(envconfig.plan(SWITCH, str(tmp_path), "11.0"))
    assert (tmp_path / "ldap.cfg").read_text() == (
        "ldap_uri = ldap://directory.example.org/\n"
        "#!include /usr/share/kopano/ldap.openldap.cfg\n"
        "!include /usr/share/kopano/ldap.active-directory.cfg\n")


def test_the_command_switches_and_the_result_reads_the_other_package_file(tmp_path):
    (tmp_path / "ldap.cfg").write_text(LDAP)
    done = run_kcconf("env", "--dir", str(tmp_path), env=SWITCH)
    assert done.returncode == 0, done.stderr
    assert b"has no active line" not in done.stderr
    text = (tmp_path / "ldap.cfg").read_text()
    assert text.splitlines()[1:] == ["#!include /usr/share/kopano/ldap.openldap.cfg",
                                     "!include /usr/share/kopano/ldap.active-directory.cfg"]


def test_a_directive_that_is_not_there_is_still_named(tmp_path):
    (tmp_path / "ldap.cfg").write_text(LDAP)
    with pytest.raises(envconfig.EnvError) as raised:
        envconfig.plan({"KCCOMMENT_LDAP_2": "!include /etc/kopano/other.cfg"},
                       str(tmp_path), "11.0")
    assert raised.value.problems == ["KCCOMMENT_LDAP_2: ldap.cfg has no active line"
                                     " '!include /etc/kopano/other.cfg'"]


def test_lines_already_as_asked_are_left_alone(tmp_path):
    # kopano-docker's default environment names the OpenLDAP include to turn on (it is
    # on) and the AD one to comment out (it is commented): every start applies them
    (tmp_path / "ldap.cfg").write_text(LDAP)
    defaults = {"KCUNCOMMENT_LDAP_1": "!include /usr/share/kopano/ldap.openldap.cfg",
                "KCCOMMENT_LDAP_1": "!include /usr/share/kopano/ldap.active-directory.cfg"}
    plans = envconfig.plan(defaults, str(tmp_path), "11.0")
    assert [p.new == p.old for p in plans] == [True]
    # and the switch, applied twice, is the same as once
    for _ in range(2):
        envconfig.write(envconfig.plan(SWITCH, str(tmp_path), "11.0"))
    assert (tmp_path / "ldap.cfg").read_text().splitlines()[1:] == [
        "#!include /usr/share/kopano/ldap.openldap.cfg",
        "!include /usr/share/kopano/ldap.active-directory.cfg"]
