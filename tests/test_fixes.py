"""The fix engine: edits, applicability, the fix loop, lint --fix and validate --fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kcconf import schema, validate
from kcconf.diff import compare
from kcconf.fixes import Edit, Fix, FixOverlap, apply_fixes, choose, compatible
from kcconf.fixing import fix_loop

from .conftest import SHIPPED, needs_shared, run_kcconf


def check_text(text: str | bytes, component: str = "server", release: str | None = None,
               filename: str = "server.cfg"):
    data = text.encode() if isinstance(text, str) else text
    return validate.run(filename, component, release, data=data, environ={})


def fixes_of(text: str, code: str, **kw) -> tuple[Fix, ...]:
    found = [d for d in check_text(text, **kw).diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in check_text(text, **kw).diagnostics]
    return found[0].fixes


def fixed(text: str, code: str, index: int = 0, **kw) -> str:
    fix = fixes_of(text, code, **kw)[index]
    return apply_fixes(text.encode(), [fix]).decode()


# -- edits ----------------------------------------------------------------------------


def test_apply_fixes_replaces_spans_from_the_end_of_the_bytes():
    a = Fix("a", "safe", (Edit(0, 1, b"X"),))
    b = Fix("b", "safe", (Edit(2, 3, b"YY"), Edit(4, 4, b"!")))
    assert apply_fixes(b"abcde", [b, a]) == b"XbYYd!e"


def test_overlapping_edits_are_refused_and_left_to_a_later_round():
    a = Fix("a", "safe", (Edit(0, 3, b""),))
    b = Fix("b", "safe", (Edit(2, 4, b"z"),))
    insert_inside = Fix("c", "safe", (Edit(1, 1, b"q"),))
    with pytest.raises(FixOverlap):
        apply_fixes(b"abcdef", [a, b])
    with pytest.raises(FixOverlap):
        apply_fixes(b"abcdef", [a, insert_inside])
    assert compatible([a, b, Fix("d", "safe", (Edit(4, 5, b""),))])[1].title == "d"


def test_applicability_is_one_of_three_words():
    with pytest.raises(ValueError, match="applicability"):
        Fix("x", "maybe", ())


def test_batch_mode_takes_no_unsafe_fix_when_the_writer_must_choose():
    eight = Fix("8", "unsafe", ())
    ten = Fix("10", "unsafe", ())
    safe = Fix("s", "safe", ())
    assert choose([eight, ten], unsafe=True) is None
    assert choose([eight], unsafe=True) is eight
    assert choose([eight], unsafe=False) is None
    assert choose([eight, safe], unsafe=False) is safe
    assert choose([Fix("d", "display-only", ())], unsafe=True) is None


# -- each fix, checked by hand ----------------------------------------------------------


def test_duplicate_earlier_assignment_commented_out_safely():
    text = "log_level = 3\n  log_level = 4\nlog_level = 6\n"
    found = [d for d in check_text(text).diagnostics if d.code == "KC209"]
    assert [f.applicability for d in found for f in d.fixes] == ["safe", "safe"]
    fix = found[1].fixes[0]
    assert apply_fixes(text.encode(), [fix]) == b"log_level = 3\n#log_level = 4\nlog_level = 6\n"


def test_old_name_renamed_to_its_new_name_safely():
    options = schema.load("server").at("11.0")
    target = next((n for n, o in options.items() if o.present and o.renamed_to and
                   options.get(o.renamed_to) is not None and options[o.renamed_to].present),
                  None)
    assert target is not None
    option = schema.load("server").at("11.0")[target]
    text = f"{target} = x\n"
    fix = fixes_of(text, "KC202")[0]
    assert fix.applicability == "safe"
    assert apply_fixes(text.encode(), [fix]).decode() == f"{option.renamed_to} = x\n"


def test_trailing_text_after_a_number_dropped_safely():
    assert fixed("log_level = 3 # verbose\nsoftdelete_lifetime = 30d\n", "KC306") == \
        "log_level = 3 # verbose\nsoftdelete_lifetime = 30\n"


def test_octal_number_offers_two_unsafe_alternatives():
    text = f"{_octal_option()} = 010\n"
    fixes = fixes_of(text, "KC307")
    assert [f.applicability for f in fixes] == ["unsafe", "unsafe"]
    assert [apply_fixes(text.encode(), [f]).decode() for f in fixes] == \
        [text.replace("010", "8"), text.replace("010", "10")]
    assert fixes_of(text.replace("010", "07"), "KC307")[0].applicability == "safe"


def _octal_option() -> str:
    for name, option in schema.load("server").at("11.0").items():
        if option.present and option.spec.get("x-kc-int-base") == 0:
            return name
    pytest.skip("no option read with base 0")


def test_false_looking_word_on_a_boolean_written_no_unsafely():
    fix = fixes_of("audit_log_enabled = off\n", "KC302")[0]
    assert fix.applicability == "unsafe"
    assert apply_fixes(b"audit_log_enabled = off\n", [fix]) == b"audit_log_enabled = no\n"


def test_inline_comment_moved_above_unsafely_keeping_crlf():
    text = "log_method = file   # for now\r\nlog_file = /tmp/x.log\r\n"
    fix = fixes_of(text, "KC303")[0]
    assert fix.applicability == "unsafe"
    assert apply_fixes(text.encode(), [fix]) == \
        b"# for now\r\nlog_method = file\r\nlog_file = /tmp/x.log\r\n"


def test_inline_comment_of_a_secret_gets_no_fix():
    assert fixes_of("mysql_password = abc #def\n", "KC303") == ()


def test_typo_renamed_to_the_one_close_name_unsafely():
    fix = fixes_of("  log_levle = 3\n", "KC201")[0]
    assert fix.applicability == "unsafe"
    assert apply_fixes(b"  log_levle = 3\n", [fix]) == b"  log_level = 3\n"
    assert fixes_of("completely_unknown_thing = 3\n", "KC201") == ()


def test_removed_option_commented_out_with_the_upgrade_note():
    removed = None
    component = schema.load("server")
    for name in component.specs:
        releases = component.releases_of(name)
        if releases and schema.series_key(releases[-1]) < schema.series_key("11.0"):
            removed = (name, releases[-1])
            break
    assert removed is not None
    name, _last = removed
    text = f"{name} = 1\n"
    fix = fixes_of(text, "KC207")[0]
    assert fix.applicability == "unsafe"
    out = apply_fixes(text.encode(), [fix]).decode()
    assert re.fullmatch(rf"# kcconf upgrade: {name}: removed in [0-9.]+(; see .*)?\n#{name} = 1\n",
                        out), out


def test_harmless_bom_removed_safely_and_a_glued_one_unsafely():
    assert fixes_of("\ufeff# comment\nlog_level = 3\n", "KC102")[0].applicability == "safe"
    assert fixes_of("\ufefflog_level = 3\n", "KC102")[0].applicability == "unsafe"
    assert fixed("\ufeff# comment\n", "KC102") == "# comment\n"


def test_option_hidden_in_a_long_line_moved_onto_its_own_line_safely():
    text = "#" + "x" * 4094 + "log_level = 6\nlog_file = /tmp/a.log\n"
    fix = fixes_of(text, "KC104")[0]
    assert fix.applicability == "safe"
    out = apply_fixes(text.encode(), [fix])
    assert out == ("#" + "x" * 4094 + "\nlog_level = 6\nlog_file = /tmp/a.log\n").encode()
    before, after = check_text(text), check_text(out)
    assert not compare(before.effective, after.effective).real_changes


def test_python_line_split_by_a_lone_cr_gets_no_fix():
    text = "index_path = /a\rindex_path = /b\n"
    result = check_text(text, component="search", filename="search.cfg")
    assert all(not d.fixes for d in result.diagnostics)


# -- the loop ------------------------------------------------------------------------


def _checker(component: str = "server", filename: str = "server.cfg"):
    def check(data: bytes):
        result = check_text(data, component, filename=filename)
        return result.diagnostics, result.effective
    return check


def test_fix_loop_converges_and_a_second_run_fixes_nothing():
    text = b"log_method = file # for now\naudit_log_enabled = off # hmm\nlog_file = /x.log\n"
    first = fix_loop("server.cfg", text, _checker(), unsafe=True)
    assert first.diagnostics == []
    assert first.data == b"# for now\nlog_method = file\n# hmm\naudit_log_enabled = no\n" \
                         b"log_file = /x.log\n"
    again = fix_loop("server.cfg", first.data, _checker(), unsafe=True)
    assert again.fixed == 0 and again.data == first.data


def test_a_safe_fix_that_would_change_the_reading_is_undone():
    def lying_check(data: bytes):
        result = check_text(data)
        for d in result.diagnostics:
            if d.code == "KC209":  # claims safety for a change of value
                d.fixes = (Fix("wrong", "safe", (Edit(data.rindex(b"6"), data.rindex(b"6") + 1,
                                                      b"5"),)),)
        return result.diagnostics, result.effective
    outcome = fix_loop("server.cfg", b"log_level = 3\nlog_level = 6\n", lying_check)
    assert outcome.fixed == 0 and outcome.data == b"log_level = 3\nlog_level = 6\n"


def test_a_round_that_makes_findings_worse_is_undone():
    def check(data: bytes):
        result = check_text(data)
        for d in result.diagnostics:
            if d.code == "KC302":
                d.fixes = (Fix("worse", "unsafe", (Edit(0, 0, b"bogus_name = 1\n"),)),)
        return result.diagnostics, result.effective
    outcome = fix_loop("server.cfg", b"audit_log_enabled = off\n", check, unsafe=True)
    assert outcome.fixed == 0


# -- the command line -----------------------------------------------------------------

DONE_WHEN = (b"server_name = first\n"
             b"log_levle = 4\n"
             b"audit_log_enabled = off\n"
             b"log_method = file # for now\n"
             b"log_file = /var/log/kopano/server.log\n"
             b"server_name = second\n")


def test_done_when_lint_fix_unsafe_fixes_gives_what_the_writer_meant(tmp_path: Path):
    path = tmp_path / "server.cfg"
    path.write_bytes(DONE_WHEN)
    done = run_kcconf("lint", "--fix", "--unsafe-fixes", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert b"fixed 4 in 1 file, 0 remain" in done.stdout
    assert path.read_bytes() == (b"#server_name = first\n"
                                 b"log_level = 4\n"
                                 b"audit_log_enabled = no\n"
                                 b"# for now\n"
                                 b"log_method = file\n"
                                 b"log_file = /var/log/kopano/server.log\n"
                                 b"server_name = second\n")
    clean = run_kcconf("validate", "--strict", str(path))
    assert clean.returncode == 0 and b"0 error(s), 0 warning(s)" in clean.stdout
    shown = run_kcconf("show", "--non-default", str(path)).stdout.decode()
    for line in ("server_name = second", "log_level = 4", "log_method = file"):
        assert line in shown.splitlines(), shown
    assert check_text(path.read_bytes()).effective.value("audit_log_enabled") == "no"
    again = run_kcconf("lint", "--fix", "--unsafe-fixes", str(path), cwd=tmp_path)
    assert b"nothing fixed, 0 remain" in again.stdout


def test_lint_fix_alone_applies_only_safe_fixes(tmp_path: Path):
    path = tmp_path / "server.cfg"
    path.write_bytes(DONE_WHEN)
    done = run_kcconf("lint", "--fix", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert path.read_bytes() == b"#" + DONE_WHEN
    assert b"fixed 1 in 1 file, 4 remain" in done.stdout


def test_lint_diff_writes_nothing_and_masks_secrets(tmp_path: Path):
    path = tmp_path / "server.cfg"
    original = b"mysql_password = Sup3rSecret\nmysql_password = Other0ne\n"
    path.write_bytes(original)
    done = run_kcconf("lint", "--diff", str(path), cwd=tmp_path)
    assert path.read_bytes() == original
    assert done.returncode == 1
    assert b"Sup3rSecret" not in done.stdout + done.stderr
    assert b"Other0ne" not in done.stdout + done.stderr
    assert b"-mysql_password" in done.stdout and b"+#mysql_password" in done.stdout
    assert b"would fix 1 in 1 file" in done.stderr


def test_unsafe_fixes_alone_is_a_usage_error(tmp_path: Path):
    done = run_kcconf("lint", "--unsafe-fixes", str(tmp_path))
    assert done.returncode == 2 and b"--unsafe-fixes needs --fix or --diff" in done.stderr


def test_validate_fix_fixes_one_file(tmp_path: Path):
    path = tmp_path / "server.cfg"
    path.write_bytes(b"log_level = 3\nlog_level = 5\nsoftdelete_lifetime = 30d\n")
    done = run_kcconf("validate", "--fix", str(path))
    assert done.returncode == 0, done.stdout
    assert path.read_bytes() == b"#log_level = 3\nlog_level = 5\nsoftdelete_lifetime = 30\n"
    assert b"fixed 2, 0 remain" in done.stdout


def test_validate_fix_refuses_stdin():
    done = run_kcconf("validate", "--fix", "-", "--component", "server", stdin=b"a = 1\n")
    assert done.returncode == 2 and b"standard input" in done.stderr


# -- every fix on every shipped config ----------------------------------------------

RELEASES = ["8.0", "8.7", "10.0", "11.0"]
MUTATED = 4
"""How many active lines of a shipped file each mutation touches (the test's cost)."""


def _activated(data: bytes) -> bytes:
    """The shipped file with its commented default lines made settings."""
    return re.sub(rb"(?m)^#+[ \t]*([a-z][a-z0-9_]*[ \t]*=)", rb"\1", data)


def _mutations(data: bytes) -> list[bytes]:
    """The shipped file as it is, with its commented defaults made settings, and with a
    few active lines repeated, given an inline comment, or their name misspelt: the
    findings real files have."""
    lines = data.splitlines(keepends=True)
    active = [i for i, line in enumerate(lines) if re.match(rb"[a-z][a-z0-9_]* *= *\S", line)
              and b"pass" not in line][:MUTATED]

    def change(how) -> bytes:
        out = list(lines)
        for i in active:
            out[i] = how(out[i])
        return b"".join(out)

    return [data, _activated(data),
            change(lambda line: line + line),
            change(lambda line: line.rstrip(b"\r\n") + b" # as shipped\n"),
            change(lambda line: re.sub(rb"^([a-z0-9_]*?)([a-z])([a-z])( *=)", rb"\1\3\2\4",
                                       line))]


def _shipped_cases():
    if not SHIPPED.is_dir():
        return []
    cases = []
    for directory in sorted(SHIPPED.iterdir()):
        for path in sorted(directory.glob("*.cfg")):
            if schema.component_for_filename(path.name):
                cases.append(pytest.param(path, id=f"{directory.name}/{path.name}"))
    return cases


def _values(result) -> dict[str, str | None]:
    return {name: s.value for name, s in result.effective.settings.items()}


@needs_shared
@pytest.mark.parametrize("path", _shipped_cases())
def test_every_fix_on_every_shipped_config_reduces_findings(path: Path):
    """Each fix alone leaves fewer findings, never more; a safe one leaves every
    effective setting (what ``kcconf show`` prints) as it was."""
    component = schema.component_for_filename(path.name)
    own = ".".join(path.parent.name.split(".")[:2])
    tried = 0
    for data in _mutations(path.read_bytes()):
        for release in dict.fromkeys([own, "11.0"]):
            before = validate.run(str(path), component, release, data=data, environ={})
            for d in before.diagnostics:
                if d.file != str(path):
                    continue
                for fix in d.fixes:
                    tried += 1
                    new = apply_fixes(data, [fix])
                    after = validate.run(str(path), component, release, data=new, environ={})
                    assert len(after.diagnostics) < len(before.diagnostics), \
                        (release, d.code, d.line, fix.title)
                    if fix.applicability == "safe":
                        assert _values(after) == _values(before), (release, d.code, fix.title)
    if re.search(rb"(?m)^[a-z][a-z0-9_]* *= *[^\s#]", path.read_bytes()):
        assert tried, "the mutated files have findings with fixes"
