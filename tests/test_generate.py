"""Generated files are in step with the schemas, and the annotated defaults are right."""

from __future__ import annotations

import re

import pytest

import kcconf
from kcconf import dialect, schema
from kcconf.dialect import Kind
from kcconf.generate import drift

from .conftest import ROOT, run_kcconf


def test_generated_files_are_in_step():
    assert drift(ROOT) == [], "run 'kcconf generate'"


def test_generate_check_command():
    result = run_kcconf("generate", "--check", "--root", str(ROOT))
    assert result.returncode == 0, result.stdout


DIRECTORY_TYPE = ROOT / "tests" / "data" / "ldap-directory-type.cfg"
"""The facts of Kopano's package file ldap.openldap.cfg that a check needs (its values)."""


@pytest.mark.parametrize("name", schema.component_names())
def test_annotated_defaults_validate_clean_and_read_as_defaults(name, tmp_path):
    component = schema.load(name)
    path = ROOT / "etc" / "kopano" / component.file
    # Options Kopano requires but ships without a default (the LDAP plugin's object type
    # values) cannot be valid at their default; the file marks them as required, and
    # includes the package file that sets them, as Kopano's own ldap.cfg does.
    required = {o.name for o in component.present(schema.newest_series()).values()
                if o.nonempty and not o.default}
    text = path.read_text()
    for option in required:
        assert "required" in text.split(f"#{option} =")[0].rsplit("\n\n", 1)[-1]
    active = [i["path"] for i in component.package_includes if i["active"]]
    if required:
        assert active, "a required option without a default needs the package include"
    copy = tmp_path / component.file
    copy.write_text(text.replace(f"!include {active[0]}\n", f"!include {DIRECTORY_TYPE}\n")
                    if active else text)
    found = kcconf.validate_file(str(copy), name, environ={})
    assert [(d.code, d.option) for d in found] == []
    # as shipped, on a host without Kopano's package: kcconf reads what the package
    # installs there and says so in a note (KC119), nothing worse
    found = kcconf.validate_file(str(path), name, environ={})
    lines = text.splitlines()
    assert {(d.code, d.severity, lines[d.line - 1]) for d in found} <= {
        ("KC119", "info", f"!include {include}") for include in active}
    doc = dialect.parse(path.read_bytes(), str(path))
    assert [e for e in doc.entries if e.kind is Kind.OPTION] == []
    assert [e.argument for e in doc.entries if e.kind is Kind.DIRECTIVE] == active
    # every active option of the newest release appears, commented out, with its default
    text = path.read_text()
    newest = schema.newest_series()
    for option in component.present(newest).values():
        if option.renamed_to or option.status != "active":
            continue
        default = "" if option.secret or option.default is None else option.default
        if "\n" in default:
            # a value line cannot hold a line break: the default is left out, and said so
            assert f"\n#{option.name} =\n" in text
            block = text.split(f"\n#{option.name} =\n")[0].rsplit("\n\n", 1)[-1]
            note = " ".join(line.lstrip("# ") for line in block.splitlines())
            assert "several lines of text, see the manual page" in note
            continue
        assert f"#{option.name} = {default}".rstrip() + "\n" in text, option.name


def test_defaults_command_for_a_release():
    result = run_kcconf("defaults", "server", "--release", "8.0")
    assert result.returncode == 0
    assert b"#softdelete_lifetime = 0\n" in result.stdout
    assert run_kcconf("defaults", "statsd", "--release", "8.0").returncode == 2


def test_explain():
    result = run_kcconf("explain", "KC302")
    assert result.returncode == 0 and b"audit_log_enabled = off" in result.stdout
    assert run_kcconf("explain", "KC999").returncode == 2


def test_every_code_the_checks_emit_is_registered():
    import re

    from kcconf.diagnostics import CODES

    emitted = set()
    for path in (ROOT / "kcconf").rglob("*.py"):
        emitted |= set(re.findall(r'"(KC\d{3})"', path.read_text()))
    assert emitted <= set(CODES)
    for code in CODES:
        assert (ROOT / "docs" / "codes" / f"{code}.rst").is_file()


def test_man_pages_do_not_name_the_docutils_version():
    """docutils 0.22 and 0.23 sign the page in a second comment line with their version;
    a generated file must not change with the installed library."""
    from kcconf.render.manpage import tidy

    header = ('.\\" Man page generated from reStructuredText\n'
              '.\\" by the Docutils 0.23 manpage writer.\n.\n.TH "X" 5 "" "" ""\n')
    assert "Docutils" not in tidy(header) and ".TH" in tidy(header)
    signed = [p.name for p in (ROOT / "man").rglob("*.[1-9]")
              if re.search(r"docutils \d", p.read_text(encoding="utf-8"), re.I)]
    assert signed == []



def test_defaults_of_named_options_like_postconf_d():
    result = run_kcconf("defaults", "server", "log_level", "softdelete_lifetime")
    assert (result.returncode, result.stdout) == (0, b"log_level = 3\nsoftdelete_lifetime = 30\n")
    assert run_kcconf("defaults", "server", "softdelete_lifetime", "--release", "8.0"
                      ).stdout == b"softdelete_lifetime = 0\n"
    result = run_kcconf("defaults", "server", "log_level", "imap_listen")
    assert result.returncode == 1 and result.stdout == b"log_level = 3\n"
    assert result.stderr == b"kcconf: imap_listen: unknown option of server.cfg in Kopano 11.0\n"
