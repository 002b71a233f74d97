"""Config repositories as people keep them (issue 14): every name a Kopano config goes
by, templates in each dialect ops teams use, e-smith fragment directories. Each case is
a small reproduction, in our own words, of a layout seen in public repositories."""

from __future__ import annotations

import pytest

import kcconf
from kcconf import placement, templates
from kcconf.lint import discover, lint, list_files, load_settings
from kcconf.validate import run as validate_run

from .conftest import run_kcconf


def write(root, files: dict[str, str]):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def lint_codes(root, paths=(".",), release=None):
    out = {}
    for result in lint([str(root / p) if p != "." else str(root) for p in paths],
                       load_settings(start=str(root)), release, jobs=1):
        out[result.path[len(str(root)) + 1:]] = sorted(
            (d.line, d.code) for d in result.diagnostics)
    return out


def validate_codes(path, **kw):
    return sorted((d.line, d.code) for d in validate_run(str(path), environ={}, **kw).diagnostics)


# --- names -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, component", [
    ("server.cfg", "server"), ("kopano-server.cfg", "server"), ("zarafa-server.cfg", "server"),
    ("server.cfg.j2", "server"), ("server.cfg.jinja", "server"), ("gateway.cfg.jinja2", "gateway"),
    ("server.cfg.erb", "server"), ("dagent.cfg.epp", "dagent"), ("spooler.cfg.mas", "spooler"),
    ("ical.cfg.tpl", "ical"), ("monitor.cfg.tmpl", "monitor"), ("server.cfg.in", "server"),
    ("server.cfg.example", "server"), ("search.cfg.sample", "search"),
    ("server.cfg.dist", "server"), ("server.cfg.orig", "server"),
    ("server.cfg.default", "server"), ("admin.cfg.init", "admin"),
    ("server.cfg.template", "server"), ("server.cfg.example.j2", "server"),
    ("ldap.openldap.cfg.mas", "ldap"), ("ldap.active-directory.ns.cfg", "ldap"),
    ("zarafa-ldapms.cfg.erb", "ldap"),
])
def test_every_name_a_repository_uses_is_placed(name, component):
    assert placement.looks_like_config(name)
    assert placement.place(name).component == component


@pytest.mark.parametrize("name", ["kweb.cfg", "webmeetings.cfg.init", "licensed.cfg.erb",
                                  "setup.cfg"])
def test_configs_of_other_programs_look_like_configs_but_are_not_placed(name):
    placed = placement.place(name)
    assert placement.looks_like_config(name) and placed.component is None
    assert "is not the file of any Kopano component" in placed.why


@pytest.mark.parametrize("name", ["ldap.propmap.cfg", "kopano-ldap.propmap.cfg",
                                  "ldap.propmap.cfg.j2", "zarafa-ldap.propmap.cfg.example"])
def test_a_property_map_file_is_read_as_one_whatever_its_prefix_or_suffix(tmp_path, name):
    """A property map holds 0x... names, which only a !propmap file may set: read under
    another name it would be a flood of unknown options."""
    write(tmp_path, {name: "0x67B3101E = kopanoEnabledFeatures\n"
                           "0x3A19001E = mail\n"})
    assert lint_codes(tmp_path) == {name: []}
    assert validate_codes(tmp_path / name) == []


def test_validate_and_lint_place_a_file_the_same_way(tmp_path):
    # validate used to place server.cfg.example while lint did not even find it.
    write(tmp_path, {"examples/server.cfg.example": "server_name = a\n",
                     "merge/admin.cfg.init": "default_store_locale = C\n"})
    found = sorted(p[len(str(tmp_path)) + 1:] for p in discover([str(tmp_path)],
                                                                 load_settings()))
    assert found == ["examples/server.cfg.example", "merge/admin.cfg.init"]
    for rel, component in (("examples/server.cfg.example", "server"),
                           ("merge/admin.cfg.init", "admin")):
        assert validate_run(str(tmp_path / rel), environ={}).component.name == component
        [listed] = list(list_files([str(tmp_path / rel)], load_settings()))
        assert listed.component == component


def test_unplaced_files_are_a_note_each_and_counted(tmp_path):
    write(tmp_path, {"web/kweb.cfg": "{%FQDN%}:80 {\n}\n", "etc/server.cfg": "server_name = a\n"})
    result = run_kcconf("lint", str(tmp_path))
    out = result.stdout.decode()
    assert "kweb.cfg:1:1: note: cannot tell which Kopano component this file configures" \
        " (kweb.cfg is not the file of any Kopano component): not checked [KC602]" in out
    assert out.splitlines()[-1].startswith("1 file checked (1 not placed):")


def test_list_files_says_what_and_why(tmp_path):
    write(tmp_path, {"templates/server.cfg.erb": "server_name = <%= @name %>\n",
                     "web/kweb.cfg": "x\n",
                     "e-smith/templates/etc/kopano/gateway.cfg/10base": "imap_listen = *:143\n"})
    result = run_kcconf("lint", "--list-files", "-r", "8.7", str(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.decode().replace(str(tmp_path) + "/", "").splitlines()
    assert lines == [
        "e-smith/templates/etc/kopano/gateway.cfg: gateway, release 8.7: by its name"
        " 'gateway.cfg' (a fragment directory: its files joined in name order); release"
        " from --release",
        "templates/server.cfg.erb: server, release 8.7: by its name 'server.cfg.erb' (an ERB"
        " template of server.cfg); release from --release",
        "web/kweb.cfg: not placed: kweb.cfg is not the file of any Kopano component",
        "3 file(s): 2 placed, 1 not placed",
    ]


def test_esmith_template_metadata_is_not_a_config(tmp_path):
    # templates.metadata/etc/kopano/server.cfg holds owner and mode of the generated file.
    write(tmp_path, {"templates.metadata/etc/kopano/server.cfg": "PERMS=0640\nUID=\"root\"\n",
                     "etc/kopano/server.cfg": "server_name = a\n"})
    assert lint_codes(tmp_path) == {"etc/kopano/server.cfg": []}
    # Named explicitly: not placed either (validate: exit 2 with the reason).
    result = run_kcconf("validate", str(tmp_path / "templates.metadata/etc/kopano/server.cfg"))
    assert result.returncode == 2 and b"templates.metadata" in result.stderr


# --- templates ---------------------------------------------------------------------------

DIALECTS = {
    "jinja": ("server.cfg.j2",
              "{% if tls %}\nserver_listen_tls = *:237\n{% else %}\nserver_listen_tls =\n"
              "{% endif %}\n{# a note #}\nserver_name = {{ name }}\n"),
    "erb": ("server.cfg.erb",
            "<% if @tls -%>\nserver_listen_tls = *:237\n<% else -%>\nserver_listen_tls =\n"
            "<% end -%>\n<%# a note %>\nserver_name = <%= @name %>\n"),
    "epp": ("server.cfg.epp",
            "<% if $tls { -%>\nserver_listen_tls = *:237\n<% } else { -%>\nserver_listen_tls =\n"
            "<% } -%>\nserver_name = <%= $name %>\n"),
    "mason": ("server.cfg.mas",
              "<%args>\n  $tls\n  $name => 'x'\n</%args>\n% if ($tls eq 'yes') {\n"
              "server_listen_tls = *:237\n% } else {\nserver_listen_tls =\n% }\n"
              "% my $n = 1;\nserver_name = <% $name %>\n"),
    "go": ("server.cfg.tmpl",
           "{{ if .Env.TLS }}\nserver_listen_tls = *:237\n{{ else }}\nserver_listen_tls =\n"
           "{{ end }}\n{{/* a note */}}\nserver_name = {{ .Env.NAME }}\n"),
    "go-untitled": ("server.cfg",
                    "{{- if .Env.TLS }}\nserver_listen_tls = *:237\n{{- else }}\n"
                    "server_listen_tls =\n{{- end }}\nserver_name = {{ .Env.NAME }}\n"),
    "smarty": ("server.cfg.tpl",
               "{if $tls}\nserver_listen_tls = *:237\n{else}\nserver_listen_tls =\n{/if}\n"
               "{* a note *}\nserver_name = {$name}\n"),
}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_template_control_lines_and_exclusive_branches(tmp_path, dialect):
    # No 'line without =' for control lines, no unknown option from '% my $n = 1;', no
    # duplicate for an option set in the two arms of an if, no value check of an
    # expression; validate and lint agree.
    name, text = DIALECTS[dialect]
    write(tmp_path, {name: text})
    assert validate_codes(tmp_path / name) == []
    assert lint_codes(tmp_path) == {name: []}


def test_a_duplicate_in_one_arm_is_still_reported(tmp_path):
    text = "{% if tls %}\nserver_name = a\nserver_name = b\n{% endif %}\nserver_name = c\n"
    write(tmp_path, {"server.cfg.j2": text})
    # Lines 2 and 3 are rendered together: a duplicate. Line 5 may override either.
    assert validate_codes(tmp_path / "server.cfg.j2") == [(2, "KC209")]
    assert lint_codes(tmp_path) == {"server.cfg.j2": [(2, "KC209")]}


def test_separate_ifs_that_may_exclude_each_other_are_no_duplicate(tmp_path):
    # Two ifs testing backend == 'db' and backend == 'ldap': kcconf cannot tell.
    text = ("<% if @backend == 'db' %>\nuser_plugin = db\n<% end %>\n"
            "<% if @backend == 'ldap' %>\nuser_plugin = ldap\n<% end %>\n")
    write(tmp_path, {"server.cfg.erb": text})
    assert validate_codes(tmp_path / "server.cfg.erb") == []


def test_template_expressions_skip_value_checks(tmp_path):
    text = ("log_level = {{ .Env.LOG_LEVEL }}\nmysql_port = {$port}\n"
            "log_timestamp = <% $stamp %>\n")
    write(tmp_path, {"server.cfg.tmpl": text})
    assert validate_codes(tmp_path / "server.cfg.tmpl") == []


def test_masking_keeps_line_numbers_and_line_ends():
    masked = templates.mask("x.cfg.erb", b"<% if a %>\r\nname = 1\r\n<% end %>\n")
    assert masked.data == b"#\r\nname = 1\r\n#\n"
    assert masked.control and masked.followed


def test_a_plain_config_is_not_touched():
    data = b"server_name = a\n# {curly} in a comment\n"
    assert templates.dialect_of("server.cfg", data) is None
    assert templates.mask("server.cfg", data).data is data


def test_mason_code_blocks_hide_settings(tmp_path):
    # An <%init> block may compute anything; whole-configuration checks are left out.
    text = "<%init>\nmy $x = 1;\n</%init>\nldap_uri =\n"
    write(tmp_path, {"ldap.cfg.mas": text})
    assert all(code != "KC311" for _, code in validate_codes(tmp_path / "ldap.cfg.mas"))


# --- fragment directories ----------------------------------------------------------------

def test_fragments_are_checked_joined_with_positions_in_each_fragment(tmp_path):
    write(tmp_path, {
        "templates/etc/kopano/server.cfg/10base": "server_name = a\n",
        "templates/etc/kopano/server.cfg/20ssl": "# ssl\nserver_ssl_enabled = yes\n",
        "templates/etc/kopano/server.cfg/90log": "log_level = 3\nserver_name = b",
        "templates/etc/kopano/server.cfg/20ssl~": "not = read\n",
    })
    base = "templates/etc/kopano/server.cfg"
    results = list(lint([str(tmp_path)], load_settings(), jobs=1))
    assert [r.path for r in results] == [str(tmp_path / base)]
    found = sorted((d.file[len(str(tmp_path)) + 1:], d.line, d.code)
                   for d in results[0].diagnostics)
    # server_ssl_enabled was removed after 8.6 (line 2 of 20ssl); server_name is set in
    # 10base line 1 and again in 90log line 2.
    assert found == [(f"{base}/10base", 1, "KC209"), (f"{base}/10base", 1, "KC601"),
                     (f"{base}/20ssl", 2, "KC207")]
    # validate takes the directory too, with the same verdicts.
    direct = sorted((d.file[len(str(tmp_path)) + 1:], d.line, d.code)
                    for d in kcconf.validate_file(str(tmp_path / base), environ={}))
    assert direct == found


def test_fragments_with_perl_blocks(tmp_path):
    # NethServer fragments are Perl Text::Template: { } blocks of code whose output
    # (settings written by the code) kcconf cannot see.
    write(tmp_path, {
        "ldap.cfg/10common": ("# ldap\n{\n    my $uri = $sssd->ldapURI();\n"
                              "    $OUT .= \"ldap_uri = $uri\\n\";\n}\n"),
        "ldap.cfg/20type": "{ $OUT .= \"!include /usr/share/kopano/x.cfg\\n\"; }\n"
                           "ldap_emailaddress_attribute = {$attr}\n",
    })
    results = list(lint([str(tmp_path)], load_settings(), jobs=1))
    assert [(r.path, r.diagnostics) for r in results] == [(str(tmp_path / "ldap.cfg"), [])]


def test_an_empty_fragment_directory_is_an_input_error(tmp_path):
    (tmp_path / "server.cfg").mkdir()
    result = run_kcconf("validate", str(tmp_path / "server.cfg"))
    assert result.returncode == 2 and b"without fragment files" in result.stderr


def test_an_empty_server_address_attribute_is_a_note_on_a_single_server(tmp_path):
    # Only a multi-server installation (enable_distributed_kopano in server.cfg, which
    # an ldap.cfg cannot see) reads it: a note, not a warning that fails --strict runs.
    write(tmp_path, {"ldap.cfg": "ldap_uri = ldap://h\nldap_server_type_attribute_value = ipHost\n"
                                 "ldap_server_address_attribute =\n"})
    found = [d for d in kcconf.validate_file(str(tmp_path / "ldap.cfg"), environ={})
             if d.code == "KC401"]
    assert [(d.line, d.severity) for d in found] == [(3, "info")]
    assert "a single server never reads it" in found[0].message


def test_an_empty_folder_named_like_a_config_is_not_a_fragment_directory(tmp_path):
    # A mount point or placeholder holds nothing to check; lint passes it by.
    (tmp_path / "etc/server.cfg").mkdir(parents=True)
    write(tmp_path, {"etc/kopano/dagent.cfg": "lmtp_listen = *:2003\n"})
    assert lint_codes(tmp_path) == {"etc/kopano/dagent.cfg": []}


def test_templates_and_fragments_carry_no_fixes_whose_offsets_are_those_of_other_bytes(
        tmp_path):
    """A template is checked with its template lines masked, fragments joined: a fix's
    byte offsets point into those bytes, and applied to the file (by an editor reading
    the JSON, or the language server) would overwrite other text. They are left out;
    an include read as it is keeps its fixes."""
    write(tmp_path, {
        "server.cfg.j2": "{% if tls %}\nserver_name = a\n{% endif %}\n"
                         "audit_log_enabled = off\n!include plain.cfg\n",
        "plain.cfg": "log_timestamp = off\n",
        "templates/etc/kopano/server.cfg/10base": "server_name = a\n",
        "templates/etc/kopano/server.cfg/20log": "# log\naudit_log_enabled = off\n",
    })
    found = {}
    for result in lint([str(tmp_path)], load_settings(start=str(tmp_path)), jobs=1):
        for d in result.diagnostics:
            if d.code == "KC302":
                found[d.file[len(str(tmp_path)) + 1:]] = bool(d.fixes)
    assert found == {"server.cfg.j2": False, "plain.cfg": True,
                     "templates/etc/kopano/server.cfg/20log": False}
