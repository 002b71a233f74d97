"""Includes that are not on this machine: package files read from kcconf's facts
(KC119), absolute targets that live on the server when linting a repository (KC120,
--include-root), and findings that follow from a failed include saying so.

The facts checked by hand: Kopano 11.0's /usr/share/kopano/ldap.openldap.cfg sets
ldap_user_type_attribute_value = posixAccount on its line 18, the Active Directory file
sets it to user; both name !propmap /usr/share/kopano/ldap.propmap.cfg, which sets
0x67B3101E (kopanoEnabledFeatures). The shipped ldap.cfg of 9.0 and later leaves
ldap_uri empty, which the admin must fill in (rule ldap-uri-empty).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from kcconf import loader, packagefiles
from kcconf.lint import ProjectSettings, lint_file
from kcconf.validate import run as validate_run

from .conftest import ROOT, SHARED, SHIPPED, needs_shared, run_kcconf

DATA = ROOT / "tests" / "data" / "repo-ldap"
PACKAGE = "/usr/share/kopano"
pytestmark = pytest.mark.skipif(os.path.exists(PACKAGE),
                                reason=f"{PACKAGE} exists here: the package files are real")


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def lint_one(path: Path, release: str | None = None, **settings) -> list:
    project = ProjectSettings(root=str(path.parent), **settings)
    result = lint_file(str(path), project, release)
    assert result.error is None, result.error
    return result.diagnostics


# -- 1. files Kopano's packages install ------------------------------------------------

def test_package_file_is_read_from_facts_with_one_note():
    result = validate_run(str(DATA / "openldap" / "ldap.cfg"), release="11.0", environ={})
    assert codes(result.diagnostics) == ["KC119"]
    note = result.diagnostics[0]
    assert (note.line, note.severity) == (3, "info")
    assert "ldap.openldap.cfg" in note.message and "ldap.propmap.cfg" in note.message
    state = result.effective
    setting = state.settings["ldap_user_type_attribute_value"]
    assert setting.value == "posixAccount"
    assert (setting.assignment.file, setting.assignment.entry.line) == \
        (f"{PACKAGE}/ldap.openldap.cfg", 18)
    # the property map the package file names is read too, as a property map
    assert state.value("0x67B3101E") == "kopanoEnabledFeatures"
    assert result.loaded.bundled == [f"{PACKAGE}/ldap.openldap.cfg",
                                     f"{PACKAGE}/ldap.propmap.cfg"]


def test_active_directory_facts_and_lint_alike():
    path = DATA / "ad" / "ldap.cfg"
    result = validate_run(str(path), release="10.0", environ={})
    assert result.effective.value("ldap_user_type_attribute_value") == "user"
    assert codes(result.diagnostics) == ["KC119"]
    assert codes(lint_one(path, "10.0")) == ["KC119"]


def test_before_8_2_there_is_no_package_file():
    # 8.0 and 8.1 installed the generated files as examples only: nothing to stand in.
    result = validate_run(str(DATA / "openldap" / "ldap.cfg"), release="8.1", environ={})
    assert codes(result.diagnostics)[0] == "KC110"
    assert "packages do not install this file (those of 8.2 to 11.0 do)" in \
        result.diagnostics[0].hint
    assert packagefiles.text(f"{PACKAGE}/ldap.openldap.cfg", "8.1") is None
    assert packagefiles.text(f"{PACKAGE}/ldap.openldap.cfg", "8.2") is not None


def test_a_real_file_wins_over_the_facts(tmp_path):
    root = tmp_path / "sysroot"
    (root / PACKAGE.lstrip("/")).mkdir(parents=True)
    (root / PACKAGE.lstrip("/") / "ldap.openldap.cfg").write_text(
        "ldap_user_type_attribute_value = inetOrgPerson\n"
        "ldap_group_type_attribute_value = groupOfNames\n")
    result = validate_run(str(DATA / "openldap" / "ldap.cfg"), release="11.0", environ={},
                          include_root=str(root))
    assert "KC119" not in codes(result.diagnostics)
    assert result.effective.value("ldap_user_type_attribute_value") == "inetOrgPerson"
    assert result.loaded.bundled == []


def test_command_line_notes_once(tmp_path):
    done = run_kcconf("validate", "--release", "11.0", str(DATA / "openldap" / "ldap.cfg"))
    assert done.returncode == 0, done.stdout
    assert done.stdout.count(b"[KC119]") == 1


@needs_shared
@pytest.mark.parametrize("release", ["8.7.25", "10.0.8", "11.0.2"])
def test_shipped_ldap_cfg_lints_clean_in_a_repository(release, tmp_path):
    copy = tmp_path / "ldap.cfg"
    copy.write_bytes((SHIPPED / release / "ldap.cfg").read_bytes())
    found = lint_one(copy, release)
    errors = [(d.code, d.message) for d in found if d.severity == "error"]
    if release.startswith("8."):
        assert errors == []
    else:
        # from 9.0 the shipped file leaves ldap_uri empty: the one thing the admin must do
        assert len(errors) == 1 and "[ldap-uri-empty]" in errors[0][1]
    assert codes(found).count("KC119") == 1
    assert "KC110" not in codes(found) and "KC311" not in codes(found)


@needs_shared
def test_bundled_facts_are_in_step_with_the_reference(tmp_path):
    spec = importlib.util.spec_from_file_location("package_files",
                                                  ROOT / "tools" / "package_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.dump(module.build(SHARED / "reference" / "package-files"))
    assert built == (ROOT / "schemas" / "package-files.json").read_text(encoding="utf-8")
    # facts only: no comment of Kopano's made it into the data
    assert "#" not in "".join(line for line in built.splitlines()
                              if line.lstrip().startswith('["'))


# -- 2. absolute includes that live on the server --------------------------------------

SITE = """\
ldap_uri = ldap://directory.example.org/
ldap_bind_user = cn=kopano,dc=example,dc=org
!include /etc/kopano/ldap.site.cfg
ldap_serach_base = dc=example,dc=org
"""


def test_lint_reads_on_past_an_include_that_lives_on_the_server(write):
    path = write("ldap.cfg", SITE)
    found = lint_one(path, "11.0")
    # one note for the include; the misspelt name after it is still found; the empty
    # type values and the bind password may come from the server's file: not reported
    assert [(d.code, d.line) for d in found] == [("KC120", 3), ("KC201", 4)]
    assert found[0].severity == "info"
    assert "relative" not in found[0].hint


def test_validate_on_the_server_stops_and_explains_what_follows(write):
    path = write("ldap.cfg", SITE)
    found = validate_run(str(path), release="11.0", environ={}).diagnostics
    assert found[0].code == "KC110"
    assert "relative" not in found[0].hint
    rest = found[1:]
    # everything else follows from the stop: reported after it, at its line, saying so
    assert rest and all((d.line, d.col) == (3, 1) for d in rest)
    assert all("because reading stopped at the include on line 3" in d.message for d in rest)
    assert sorted(d.code for d in rest) == ["KC311", "KC311", "KC401"]
    assert "KC201" not in codes(found)  # line 4 is never read


def test_include_root_maps_absolute_targets(write, tmp_path):
    path = write("repo/ldap.cfg", SITE)
    write("repo/root/etc/kopano/ldap.site.cfg", "ldap_bind_passwd = secret\n"
          "ldap_user_type_attribute_value = person\nldap_group_type_attribute_value = group\n")
    found = lint_one(path, "11.0", include_root=str(tmp_path / "repo" / "root"))
    assert [(d.code, d.line) for d in found] == [("KC201", 4)]
    done = run_kcconf("validate", "-q", "--include-root", str(tmp_path / "repo" / "root"),
                      str(path))
    assert done.returncode == 1 and done.stdout.count(b"error:") == 1  # KC201 only
    # a root that lacks the file: missing is missing, in lint too
    empty = tmp_path / "empty"
    empty.mkdir()
    found = lint_one(path, "11.0", include_root=str(empty))
    assert codes(found)[0] == "KC110" and str(empty) in found[0].message


def test_include_root_from_the_settings_file_and_a_bad_root(write, tmp_path):
    write("repo/.kcconf.toml", 'include-root = "root"\n')
    write("repo/ldap.cfg", SITE)
    write("repo/root/etc/kopano/ldap.site.cfg", "ldap_bind_passwd = secret\n")
    done = run_kcconf("lint", "-q", cwd=tmp_path / "repo")
    assert b"KC120" not in done.stdout and b"KC201" in done.stdout
    done = run_kcconf("lint", "--include-root", "nowhere", cwd=tmp_path / "repo")
    assert done.returncode == 2 and b"--include-root nowhere: not a directory" in done.stderr
    assert b"Traceback" not in done.stderr


def test_missing_absolute_target_inside_the_repository_is_an_error(write, tmp_path):
    repo = tmp_path / "repo"
    path = write("repo/ldap.cfg", f"!include {repo}/common/ldap.base.cfg\n")
    found = lint_one(path, "11.0")
    assert codes(found)[0] == "KC110"


def test_loader_policy_defaults_to_the_host():
    assert not loader.ON_HOST.lives_elsewhere("/etc/kopano/x.cfg")
    away = loader.Includes(elsewhere=True, repository="/srv/repo")
    assert away.lives_elsewhere("/etc/kopano/x.cfg")
    assert not away.lives_elsewhere("/srv/repo/x.cfg")
    assert not loader.Includes(elsewhere=True, root="/srv/root").lives_elsewhere("/etc/x")


@pytest.mark.parametrize("series", ["8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "9.0", "9.1",
                                    "10.0", "10.1", "11.0"])
@pytest.mark.parametrize("kind", ["openldap", "ad"])
def test_every_release_with_package_files_reads_clean(series, kind):
    # 10.1's package file sets ldap_authentication_method, deprecated in 10.1: Kopano's
    # own line, not the admin's to change, so no warning about it
    found = validate_run(str(DATA / kind / "ldap.cfg"), release=series, environ={})
    assert codes(found.diagnostics) == ["KC119"]


def test_overriding_a_package_value_is_no_duplicate(write):
    path = write("ldap.cfg", f"!include {PACKAGE}/ldap.openldap.cfg\n"
                             "ldap_uri = ldap://directory.example.org/\n"
                             "ldap_user_unique_attribute = uid\n")
    result = validate_run(str(path), release="11.0", environ={})
    assert codes(result.diagnostics) == ["KC119"]
    assert result.effective.value("ldap_user_unique_attribute") == "uid"
    # the other way round the package file overrides the admin's line: that stays
    path = write("ldap.cfg", "ldap_user_unique_attribute = uid\n"
                             f"!include {PACKAGE}/ldap.openldap.cfg\n"
                             "ldap_uri = ldap://directory.example.org/\n")
    found = validate_run(str(path), release="11.0", environ={}).diagnostics
    assert [(d.code, d.line) for d in found] == [("KC209", 1), ("KC119", 2)]


def test_a_file_of_the_same_name_beside_is_pointed_out(write):
    path = write("ldap.cfg", "ldap_uri = ldap://directory.example.org/\n"
                             "!propmap /etc/kopano/ldap.propmap.cfg\n")
    first = lint_one(path, "8.0")[0]
    assert (first.code, first.line) == ("KC120", 2)
    assert "same name" not in first.hint
    write("ldap.propmap.cfg", "0x67B3101E = kopanoEnabledFeatures\n")
    note = lint_one(path, "8.0")[0]
    assert note.code == "KC120" and "ldap.propmap.cfg has the same name" in note.hint
    assert "--include-root" in note.hint


def test_lint_does_not_read_files_of_the_machine_it_runs_on(write, tmp_path):
    # an absolute target outside the repository that happens to exist where lint runs
    # is not the server's file: the verdict must not depend on the CI machine
    other = write("host/ldap.site.cfg", "ldap_bind_passwd = secret\n")
    path = write("repo/ldap.cfg", SITE.replace("/etc/kopano/ldap.site.cfg", str(other)))
    found = lint_one(path, "11.0")
    assert [(d.code, d.line) for d in found] == [("KC120", 3), ("KC201", 4)]
    # validate runs on the server: it reads the file
    result = validate_run(str(path), release="11.0", environ={})
    assert result.effective.value("ldap_bind_passwd") == "secret"
    assert "KC120" not in codes(result.diagnostics)


def test_show_says_which_settings_come_from_package_facts():
    path = str(DATA / "openldap" / "ldap.cfg")
    out = run_kcconf("show", "--origin", "-n", "--release", "11.0", path).stdout.decode()
    rows = out.splitlines()
    at = next(n for n, row in enumerate(rows)
              if row.startswith("ldap_user_type_attribute_value = "))
    # --origin names the source on its own comment line above the value
    assert rows[at - 1] == (f"# {PACKAGE}/ldap.openldap.cfg:18 (not on this machine: the 11.0"
                            " package's settings)")
    data = json.loads(run_kcconf("show", "--json", path).stdout)["settings"]
    assert data["ldap_user_type_attribute_value"]["package_facts"] is True
    assert "package_facts" not in data["ldap_uri"]


def test_the_repository_is_the_checkout_without_a_settings_file(write, tmp_path):
    write("checkout/.git/HEAD", "ref: refs/heads/main\n")
    common = write("checkout/common/ldap.base.cfg", "ldap_bind_passwd = secret\n"
                   "ldap_user_type_attribute_value = person\n"
                   "ldap_group_type_attribute_value = group\n")
    path = write("checkout/hosts/a/ldap.cfg", SITE.replace("/etc/kopano/ldap.site.cfg",
                                                           str(common)))
    project = ProjectSettings()  # no settings file: root is the working directory
    found = lint_file(str(path), project, "11.0").diagnostics
    assert [(d.code, d.line) for d in found] == [("KC201", 4)]  # the include was read
    common.unlink()
    found = lint_file(str(path), project, "11.0").diagnostics
    assert found[0].code == "KC110"  # missing in the checkout is missing
