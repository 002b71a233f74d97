"""kcconf lsp driven as an editor drives it: the real command over stdio, a real LSP
client (pytest-lsp's, on pygls), with the capabilities of more than one editor."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install 'kcconf[lsp]')")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed"
                                 " (the test extra installs it)")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from kcconf.diagnostics import Diagnostic  # noqa: E402
from kcconf.lint.settings import ProjectSettings  # noqa: E402
from kcconf.lsp import server as lsp_server  # noqa: E402
from kcconf.lsp.features import Buffer  # noqa: E402
from kcconf.lsp.positions import LineIndex, utf16_units  # noqa: E402

from .conftest import run_kcconf  # noqa: E402

SERVER_CFG = ("# kcconf: release=11.0\n"
              "log_method = file # für 😀 jetzt\n"
              "audit_log_enabled = off\n"
              "mysql_password = s3cr3t-Wert-4711 # alt\n"
              "!include extra.cfg\n"
              "server_name = mail\n")
SECRET = "s3cr3t-Wert-4711"

VSCODE = "visual-studio-code"
NEOVIM = "neovim"
BARE = "bare"
"""A client that declares nothing: no code action literals, no markdown."""

HAS_FIX_ENGINE = "fixes" in getattr(Diagnostic, "__slots__", ())


def capabilities(name: str) -> types.ClientCapabilities:
    if name == BARE:
        return types.ClientCapabilities()
    return pytest_lsp.client_capabilities(name)


async def _session(name: str, work, *extra: str):
    client = pytest_lsp.make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "kcconf", "lsp", "--debounce", "0", *extra)
    try:
        await client.initialize_session(types.InitializeParams(capabilities=capabilities(name)))
        result = await work(client)
        await client.shutdown_session()
        return result
    finally:
        await client.stop()


def session(name: str, work, *extra: str):
    """Run ``work(client)`` against a fresh ``kcconf lsp``: initialize ... shutdown, exit."""
    return asyncio.run(asyncio.wait_for(_session(name, work, *extra), 60))


def opened(client, path: Path, text: str, version: int = 1) -> str:
    uri = from_fs_path(str(path))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="kopano-cfg",
                                             version=version, text=text)))
    return uri


async def diagnostics_of(client, uri: str) -> list[types.Diagnostic]:
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "extra.cfg").write_text("server_hostname = mail.example.org\n")
    path = tmp_path / "server.cfg"
    path.write_text(SERVER_CFG, encoding="utf-8")
    return path


@pytest.mark.parametrize("client_name", [VSCODE, BARE])
def test_diagnostics_on_open_with_positions_in_utf16(config: Path, client_name: str) -> None:
    async def work(client):
        return await diagnostics_of(client, opened(client, config, SERVER_CFG))

    found = session(client_name, work)
    by_code = {d.code: d for d in found}
    assert {"KC303", "KC302"} <= set(by_code)
    inline = next(d for d in found if d.code == "KC303" and d.range.start.line == 1)
    # The value starts after "log_method = " (13 units) and runs to the end of the line:
    # "file # für 😀 jetzt" is 18 characters, 19 UTF-16 units (the emoji takes two).
    assert inline.range.start == types.Position(1, 13)
    assert inline.range.end == types.Position(1, 13 + 19)
    off = by_code["KC302"]
    assert (off.range.start, off.range.end) == (types.Position(2, 20), types.Position(2, 23))
    assert off.severity == types.DiagnosticSeverity.Warning
    assert all(d.source == "kcconf" for d in found)
    assert not any(SECRET in d.message for d in found)


def test_did_change_publishes_the_new_verdict(config: Path) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        first = list(await diagnostics_of(client, uri))
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(2, 20), types.Position(2, 23)), text="no")]))
        second = await diagnostics_of(client, uri)
        return first, second

    first, second = session(VSCODE, work)
    assert any(d.code == "KC302" for d in first)
    assert not any(d.code == "KC302" for d in second)
    assert {d.code for d in second} == {d.code for d in first} - {"KC302"}


def test_debounced_change_is_published_once_typing_pauses(config: Path) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        await diagnostics_of(client, uri)
        for version, word in enumerate(("n", "no"), start=2):
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(
                    text=SERVER_CFG.replace("= off", f"= {word}"))]))
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri], client.diagnostic_versions.get(uri) \
            if hasattr(client, "diagnostic_versions") else None

    # Both changes are sent at once, far inside the pause: only the last is checked.
    found, _ = session(VSCODE, work, "--debounce", "500")
    # Only the last text is checked: "n" would be read as TRUE (KC302), "no" is clean.
    assert not any(d.code == "KC302" for d in found)


@pytest.mark.parametrize("client_name", [VSCODE, BARE])
def test_hover_tells_meaning_type_default_and_reload(config: Path, client_name: str) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        await diagnostics_of(client, uri)
        on_name = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 3)))
        on_blank = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 3)))
        return on_name, on_blank

    on_name, on_blank = session(client_name, work)
    text = on_name.contents.value
    # Markdown only for a client that says it renders it.
    markdown = client_name != BARE
    assert on_name.contents.kind == ("markdown" if markdown else "plaintext")
    assert ("**log_method**" if markdown else "log_method (server") in text
    assert "release 11.0" in text and "type: enum" in text and "reload:" in text
    assert ("default: `auto`" if markdown else "default: auto") in text
    assert on_name.range == types.Range(types.Position(1, 0), types.Position(1, 10))
    assert on_blank is None


def test_hover_on_a_secret_never_shows_its_value(config: Path) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        await diagnostics_of(client, uri)
        hovers = [await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(3, character))) for character in (2, 20)]
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        return hovers, symbols

    hovers, symbols = session(VSCODE, work)
    for hover in hovers:
        assert "**mysql_password**" in hover.contents.value
        assert "secret" in hover.contents.value
        assert SECRET not in hover.contents.value
    assert SECRET not in repr(symbols)


def test_completion_of_names_is_release_aware(tmp_path: Path) -> None:
    new = tmp_path / "new" / "server.cfg"
    old = tmp_path / "old" / "server.cfg"
    for path, release in ((new, "11.0"), (old, "8.0")):
        path.parent.mkdir()
        path.write_text(f"# kcconf: release={release}\n\n")

    async def work(client):
        labels = {}
        for path in (new, old):
            uri = opened(client, path, path.read_text())
            await diagnostics_of(client, uri)
            result = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(1, 0)))
            labels[path] = {item.label: item for item in result.items}
        return labels

    labels = session(NEOVIM, work)
    # server_listen came in 8.5; server_tcp_port was removed before 11.0.
    assert "server_listen" in labels[new] and "server_tcp_port" not in labels[new]
    assert "server_tcp_port" in labels[old] and "server_listen" not in labels[old]
    assert labels[new]["log_method"].detail == "enum, default: auto"
    assert labels[old]["log_method"].detail == "enum, default: file"
    assert labels[new]["mysql_password"].detail == "string, secret"


def test_completion_of_values_offers_what_the_service_reads_as_meant(config: Path) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        await diagnostics_of(client, uri)
        result = {}
        for line, character in ((2, 20), (1, 13)):
            answer = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line, character)))
            result[line] = [item.label for item in answer.items]
        return result

    words = session(VSCODE, work)
    assert sorted(words[2]) == ["false", "no", "true", "yes"]  # never off/on: read as TRUE
    assert sorted(words[1]) == ["auto", "file", "off", "syslog"]


def test_a_file_lint_cannot_check_says_why(tmp_path: Path) -> None:
    placed = tmp_path / "server.cfg"
    placed.write_text("# kcconf: component=nonesuch\nlog_level = 3\n")
    unplaced = tmp_path / "site.cfg"
    unplaced.write_text("log_level = 3\n")

    async def work(client):
        first = list(await diagnostics_of(client, opened(client, placed, placed.read_text())))
        second = await diagnostics_of(client, opened(client, unplaced, unplaced.read_text()))
        return first, second

    bad_hint, unknown = session(VSCODE, work)
    assert len(bad_hint) == 1 and "unknown component 'nonesuch'" in bad_hint[0].message
    assert bad_hint[0].severity == types.DiagnosticSeverity.Error
    assert [d.code for d in unknown] == ["KC602"]  # as lint: a note, never a guess


def test_definition_of_an_include_and_document_symbols(config: Path) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        await diagnostics_of(client, uri)
        where = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(4, 12)))
        nowhere = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(2, 3)))
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        return where, nowhere, symbols

    where, nowhere, symbols = session(VSCODE, work)
    assert where.uri == from_fs_path(str(config.parent / "extra.cfg"))
    assert nowhere is None
    groups = {s.name: [c.name for c in s.children] for s in symbols}
    assert groups["Logging"] == ["log_method"]
    assert groups["Database"] == ["mysql_password"]
    assert any("audit_log_enabled" in names for names in groups.values())
    logging = next(s for s in symbols if s.name == "Logging")
    assert logging.children[0].selection_range == types.Range(types.Position(1, 0),
                                                              types.Position(1, 10))


@pytest.mark.skipif(not HAS_FIX_ENGINE, reason="the fix engine (Diagnostic.fixes, h/fixes)"
                    " is not merged yet; the conversion is tested with fixes made here")
@pytest.mark.parametrize("client_name", [VSCODE, BARE])
def test_quick_fix_from_the_fix_engine(config: Path, client_name: str) -> None:
    async def work(client):
        uri = opened(client, config, SERVER_CFG)
        found = await diagnostics_of(client, uri)
        off = next(d for d in found if d.code == "KC302")
        return await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=off.range,
            context=types.CodeActionContext(diagnostics=[off])))

    actions = session(client_name, work)
    if client_name == BARE:
        assert all(isinstance(a, types.Command) for a in actions)
        assert any(a.command == lsp_server.APPLY_COMMAND for a in actions)
        return
    fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert fixes, actions
    [edit] = next(iter(fixes[0].edit.changes.values()))
    assert edit.range.start.line == edit.range.end.line == 2
    line = SERVER_CFG.splitlines()[2]
    fixed = line[:edit.range.start.character] + edit.new_text + line[edit.range.end.character:]
    assert fixed == "audit_log_enabled = no"


def test_code_actions_without_fixes_are_empty(tmp_path: Path) -> None:
    path = tmp_path / "server.cfg"
    path.write_text("server_name = mail\n")

    async def work(client):
        uri = opened(client, path, path.read_text())
        await diagnostics_of(client, uri)
        return await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 5)),
            context=types.CodeActionContext(diagnostics=[])))

    assert list(session(NEOVIM, work)) == []


# -- the conversion of fixes, with fixes made here ------------------------------------------

def _fix(title: str, applicability: str, *edits: tuple[int, int, bytes]):
    """A fix with the fix engine's shape (kcconf/fixes.py: Fix(title, applicability,
    edits), Edit(start, end, replacement)), made without it."""
    return SimpleNamespace(title=title, applicability=applicability,
                           edits=tuple(SimpleNamespace(start=s, end=e, replacement=r)
                                       for s, e, r in edits))


def test_fix_edits_become_utf16_text_edits() -> None:
    data = "a = 😀ü\nlog_method = file # für 😀 jetzt\n".encode()
    buffer = Buffer("/nowhere/server.cfg", data, ProjectSettings())
    start = data.index("# für".encode())
    end = len(data) - 1
    fix = _fix("Move the comment above", "unsafe", (start - 1, end, b""),
               (data.index(b"log_method"), data.index(b"log_method"), "# für 😀 jetzt\n".encode()))
    edits = lsp_server.text_edits(buffer, fix)
    # Line 1 is "log_method = file # für 😀 jetzt": the comment starts at character 17
    # (after "log_method = file") and the line ends at 13 + 19 = 32 UTF-16 units.
    assert edits[0].range == types.Range(types.Position(1, 17), types.Position(1, 32))
    assert edits[1].range == types.Range(types.Position(1, 0), types.Position(1, 0))
    assert edits[1].new_text == "# für 😀 jetzt\n"


def test_fix_all_takes_safe_fixes_that_do_not_overlap() -> None:
    first = SimpleNamespace(fixes=(_fix("Comment out", "safe", (0, 0, b"# ")),))
    second = SimpleNamespace(fixes=(_fix("Write no", "unsafe", (10, 13, b"no")),))
    third = SimpleNamespace(fixes=(_fix("Comment out", "safe", (0, 0, b"# ")),))
    chosen = lsp_server.safe_fixes([(first, 0, 1), (second, 10, 13), (third, 0, 1)])
    assert chosen == [first.fixes[0]]


def _in_process(capabilities_: types.ClientCapabilities, text: str, found, monkeypatch):
    """The server's own code action handler on a document, with the findings given (the
    fix engine is not needed to test what the server makes of its fixes)."""
    server = lsp_server.build(0)
    init = server.protocol.lsp_initialize(types.InitializeParams(capabilities=capabilities_))
    with contextlib.suppress(StopIteration):
        while True:
            next(init)
    uri = "file:///nowhere/server.cfg"
    server.workspace.put_text_document(types.TextDocumentItem(
        uri=uri, language_id="kopano", version=1, text=text))
    monkeypatch.setattr(Buffer, "diagnostics", lambda self: found)
    handler = server.protocol.fm.features[types.TEXT_DOCUMENT_CODE_ACTION]
    every = types.Range(types.Position(0, 0), types.Position(99, 0))
    return uri, handler(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=every,
        context=types.CodeActionContext(diagnostics=[])))


def _finding(code: str, *fixes) -> SimpleNamespace:
    return SimpleNamespace(code=code, message=f"{code} found", hint="", severity="warning",
                           fixes=fixes)


TEXT = "log_level = 010\naudit_log_enabled = off\nlog_level = 3\n"
LEVEL = TEXT.index("010")
OFF = TEXT.index("off")
FINDINGS = [
    (_finding("KC307", _fix("Write 8 (what the service reads)", "safe", (LEVEL, LEVEL + 3, b"8")),
              _fix("Write 10 (what the writer meant)", "unsafe",
                   (LEVEL, LEVEL + 3, b"10"))), LEVEL, LEVEL + 3),
    (_finding("KC302", _fix("Write no", "unsafe", (OFF, OFF + 3, b"no"))), OFF, OFF + 3),
    (_finding("KC209", _fix("Comment out the earlier assignment", "safe", (0, 0, b"# "))), 0, 9),
]


def test_code_action_literals_per_fix_and_fix_all_safe(monkeypatch) -> None:
    uri, actions = _in_process(pytest_lsp.client_capabilities(VSCODE), TEXT, FINDINGS,
                               monkeypatch)
    titles = [a.title for a in actions]
    assert titles == ["KC307: Write 8 (what the service reads)",
                      "KC307: Write 10 (what the writer meant)", "KC302: Write no",
                      "KC209: Comment out the earlier assignment", "kcconf: fix all safe"]
    quick = actions[:4]
    assert all(a.kind == types.CodeActionKind.QuickFix for a in quick)
    # Two alternatives: neither is preferred; a single safe fix is.
    assert [a.is_preferred for a in quick] == [None, None, None, True]
    ten = quick[1].edit.changes[uri][0]
    assert (ten.range, ten.new_text) == (
        types.Range(types.Position(0, 12), types.Position(0, 15)), "10")
    assert quick[0].diagnostics[0].code == "KC307"
    fix_all = actions[4]
    assert fix_all.kind == lsp_server.FIX_ALL_KIND
    # Safe ones only: 010 -> 8 and the comment mark, never "no" for off.
    assert sorted((e.range.start.line, e.range.start.character, e.new_text)
                  for e in fix_all.edit.changes[uri]) == [(0, 0, "# "), (0, 12, "8")]


def test_code_actions_as_commands_for_a_client_without_literals(monkeypatch) -> None:
    uri, actions = _in_process(types.ClientCapabilities(), TEXT, FINDINGS, monkeypatch)
    assert all(isinstance(a, types.Command) for a in actions)
    off = next(a for a in actions if a.title == "KC302: Write no")
    assert off.command == lsp_server.APPLY_COMMAND
    assert off.arguments == [uri, [{"range": {"start": {"line": 1, "character": 20},
                                              "end": {"line": 1, "character": 23}},
                                    "newText": "no"}]]


def test_line_index_counts_as_each_side_does() -> None:
    data = "x = ü😀y\r\nb = 1\rc = 2\n".encode()
    index = LineIndex(data)
    # kcconf splits at LF only: "b = 1\rc = 2" is its line 2; LSP splits at the CR too.
    assert index.kcconf_line(data.index(b"c =")) == 2
    assert index.position(data.index(b"c =")) == (2, 0)
    # Column 7 in characters is "y": after x, space, =, space, ü and the emoji, which
    # takes two UTF-16 units: character 6 + 1 = 7.
    y = index.kcconf_offset(1, 7)
    assert data[y:y + 1] == b"y"
    assert index.position(y) == (0, 7)
    assert index.offset(0, 7) == y
    assert index.offset(0, 99) == data.index(b"\r")  # past the end: the line's end
    assert utf16_units("😀ü") == 3


def test_lsp_is_in_the_cli_but_pygls_is_not_on_the_start_up_path() -> None:
    probe = run_kcconf("lsp", "--help")
    assert probe.returncode == 0 and b"--debounce" in probe.stdout
    code = ("import sys, kcconf.cli; kcconf.cli.build_parser();"
            " print(any(m.startswith(('pygls', 'lsprotocol', 'kcconf.lsp')) for m in sys.modules))")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_without_pygls_lsp_says_so_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('blocked for the test')\n")
    result = run_kcconf("lsp", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "'lsp' extra" in lines[0] and "Traceback" not in lines[0]


@pytest.mark.skipif(not HAS_FIX_ENGINE, reason="the fix engine is not merged")
def test_a_fix_command_reaches_the_editor_as_workspace_apply_edit(config: Path) -> None:
    """A client without code action literals gets commands; executing one makes the
    server ask the editor to apply the edit (workspace/applyEdit), which is what the
    editor then does to the buffer."""
    asked: list[types.ApplyWorkspaceEditParams] = []

    async def work(client):
        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams):
            asked.append(params)
            return types.ApplyWorkspaceEditResult(applied=True)

        uri = opened(client, config, SERVER_CFG)
        found = await diagnostics_of(client, uri)
        off = next(d for d in found if d.code == "KC302")
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=off.range,
            context=types.CodeActionContext(diagnostics=[off])))
        command = next(a for a in actions if isinstance(a, types.Command)
                       and "KC302" in a.title)
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=command.command, arguments=command.arguments))
        return uri

    uri = session(BARE, work)
    assert len(asked) == 1
    [edit] = asked[0].edit.changes[uri]
    line = SERVER_CFG.splitlines()[2]
    assert edit.range.start.line == edit.range.end.line == 2
    assert line[:edit.range.start.character] + edit.new_text + \
        line[edit.range.end.character:] == "audit_log_enabled = no"
