"""The Sphinx site builds without a warning, as HTML and as a man page, and its reference
pages come from the schemas through the generator the man pages use."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcconf import schema
from kcconf.render import codes, manpage

from .conftest import ROOT

DOCS = ROOT / "docs"
BUILDERS = ("html", "man")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Both builds, run side by side (each takes a few seconds); -W fails on warnings."""
    pytest.importorskip("sphinx", minversion="7.4")  # confval is built in from 7.4
    out = tmp_path_factory.mktemp("sphinx")
    runs = {b: subprocess.Popen([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                                 "-b", b, "-d", str(out / f"doctrees-{b}"), str(DOCS),
                                 str(out / b)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for b in BUILDERS}
    results = {b: (p.wait(timeout=240), p.communicate()) for b, p in runs.items()}
    failed = {b: err[-3000:] for b, (code, (_out, err)) in results.items() if code != 0}
    assert not failed, failed
    return {b: out / b for b in BUILDERS}


def test_html_has_a_confval_anchor_and_index_entry_per_option(built):
    index = (built["html"] / "genindex.html").read_text(encoding="utf-8")
    for name in schema.component_names():
        page = (built["html"] / "reference" / f"{name}.html").read_text(encoding="utf-8")
        for option in schema.load(name).present(schema.newest_series()):
            anchor = f"confval-{name}.{option}"
            assert re.search(rf'id="{re.escape(anchor)}"', page, re.I), anchor
        assert f"reference/{name}.html#confval-{name}." in index


def test_html_shows_type_and_default_fields(built):
    page = (built["html"] / "reference" / "server.html").read_text(encoding="utf-8")
    start = page.index('id="confval-server.softdelete_lifetime"')
    entry = re.sub(r"<[^>]+>", " ", page[start:start + 3000])
    default = schema.load("server").option("softdelete_lifetime", schema.newest_series()).default
    assert re.search(rf"Default\s*:\s*{re.escape(str(default))}\b", entry)
    assert re.search(r"Type\s*:\s*duration", entry)


def test_html_has_a_page_per_command(built):
    from kcconf.cli import build_parser

    for name, sub, _help in manpage.commands(build_parser()):
        page = "set" if name == "unset" else name
        html = (built["html"] / "commands" / f"{page}.html").read_text(encoding="utf-8")
        assert f"kcconf {name}" in html
        for action in sub._actions:
            for spelling in action.option_strings:
                assert spelling in html, f"{name} {spelling}"


def test_man_build_is_lint_clean(built):
    pages = sorted(built["man"].glob("*.[1-9]"))
    assert [p.name for p in pages] == ["kcconf-manual.7"]
    if shutil.which("mandoc") is None:
        pytest.skip("mandoc is not installed (.ci/run installs it)")
    result = subprocess.run(["mandoc", "-Tlint", "-W", "warning", str(pages[0])],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    roff = pages[0].read_text(encoding="utf-8")
    # confval's Type/Default fields are dropped for man, and given in the body instead
    assert ".B Type" not in roff and "Type: duration" in roff


def test_reference_pages_are_generated():
    generated = dict(manpage.generated_files())
    for name in schema.component_names():
        relative = f"docs/reference/{name}.rst"
        assert f".. kcconf-options:: {name}" in generated[relative]
        assert (ROOT / relative).read_text(encoding="utf-8") == generated[relative]


def test_markdown_pages_were_converted_and_linked():
    assert not (DOCS / "reader.md").exists() and not (DOCS / "schema-format.md").exists()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / target).exists(), target


def test_conf_sets_man_section_directory_explicitly():
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    assert re.search(r"^man_make_section_directory = False$", conf, re.M)


def test_front_page_puts_the_option_reference_first(built):
    page = (built["html"] / "index.html").read_text(encoding="utf-8")
    body = page[page.index('role="main"'):]
    reference, codes = body.index("Option reference"), body.index("Diagnostic codes")
    assert reference < codes
    for name in schema.component_names():  # all component pages listed, before the codes
        assert body.index(f'href="reference/{name}.html"') < codes, name


def test_component_page_has_contents_by_group_and_headings_as_in_the_file(built):
    page = (built["html"] / "reference" / "server.html").read_text(encoding="utf-8")
    contents = page[page.index("On this page"):page.index('id="confval-server.')]
    from kcconf.render import rst

    for group, _members in rst.groups_of(schema.load("server"), schema.newest_series()):
        assert re.search(rf">\s*{re.escape(group['title'])}\s*<", contents), group["title"]
    start = page.index('id="confval-server.server_pipe_enabled"')
    heading = re.sub(r"<[^>]+>", "", page[page.index(">", start) + 1:page.index("</dt>", start)])
    assert heading.split("¶")[0].strip() == "server_pipe_enabled"
    # "See also" names are links to their entries on the same page
    see_also = page[page.index("See also", start):][:600]
    assert 'href="#confval-server.server_pipe_name"' in see_also


def test_lint_page_links_the_ci_page_and_code_pages_say_how_to_suppress(built):
    lint = (built["html"] / "commands" / "lint.html").read_text(encoding="utf-8")
    assert 'href="../ci.html"' in lint
    for entry in codes.entries():
        page = (built["html"] / "codes" / f"{entry['code']}.html").read_text(encoding="utf-8")
        section = re.sub(r"<[^>]+>", "", page[page.index('id="suppressing"'):])
        assert f'disable = ["{entry["code"]}"]' in section.replace("&quot;", '"')
        if entry.get("suppress") != "settings":
            assert f"# kcconf: disable={entry['code']}" in section
