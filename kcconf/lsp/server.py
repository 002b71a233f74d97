"""The pygls wiring: requests in, ``features`` answers out, lsprotocol types back.

Diagnostics are published when a document opens (at once) and after it changes (once
typing pauses for ``debounce`` seconds). Code actions come from the fixes the checks put
on their diagnostics (``Diagnostic.fixes``): one quick fix per fix, and a source action
that applies every safe fix that does not overlap another. A client without code action
literals gets commands instead, applied through workspace/applyEdit.
"""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from .. import __version__
from ..fixes import Fix, compatible
from .features import Buffer, settings_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..lint.settings import ProjectSettings

APPLY_COMMAND = "kcconf.applyEdits"
FIX_ALL_KIND = "source.fixAll.kcconf"
SEVERITY = {"error": types.DiagnosticSeverity.Error,
            "warning": types.DiagnosticSeverity.Warning}


class KcconfServer(LanguageServer):
    """A language server that keeps, per open document, the last buffer it checked."""

    def __init__(self, debounce: float) -> None:
        super().__init__("kcconf", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self._buffers: dict[str, tuple[int | None, Buffer]] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._settings: dict[str, ProjectSettings] = {}

    def buffer(self, uri: str) -> Buffer:
        """The buffer of the document's current text (checked once per version)."""
        document = self.workspace.get_text_document(uri)
        cached = self._buffers.get(uri)
        if cached is not None and cached[0] == document.version and document.version is not None:
            return cached[1]
        path = document.path or uri
        folder = os.path.dirname(os.path.abspath(path))
        settings = self._settings.get(folder)
        if settings is None:
            settings, error = settings_for(path)
            self._settings[folder] = settings
            if error is not None:
                self.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message=f"kcconf: {error}; checking without the project settings"))
        buffer = Buffer(path, document.source.encode("utf-8", "surrogatepass"), settings)
        self._buffers[uri] = (document.version, buffer)
        return buffer

    def forget(self, uri: str) -> None:
        self._buffers.pop(uri, None)
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        buffer = self.buffer(uri)
        found = [lsp_diagnostic(buffer, d, start, end) for d, start, end in buffer.diagnostics()]
        if buffer.error is not None:
            # What lint prints on stderr (exit 2): the file is not checked at all.
            found.insert(0, types.Diagnostic(
                range=lsp_range(buffer, 0, buffer.index.kcconf_offset(1, 2)),
                message=buffer.error, severity=types.DiagnosticSeverity.Error,
                source="kcconf"))
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=found))

    def publish_later(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        if self.debounce <= 0:
            self.publish(uri)
            return
        self._pending[uri] = asyncio.get_running_loop().create_task(self._after_pause(uri))

    async def _after_pause(self, uri: str) -> None:
        await asyncio.sleep(self.debounce)
        self._pending.pop(uri, None)
        self.publish(uri)


def lsp_range(buffer: Buffer, start: int, end: int) -> types.Range:
    (sl, sc), (el, ec) = buffer.index.position(start), buffer.index.position(end)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def lsp_diagnostic(buffer: Buffer, d: Diagnostic, start: int, end: int) -> types.Diagnostic:
    message = f"{d.message}\n{d.hint}" if d.hint else d.message
    return types.Diagnostic(range=lsp_range(buffer, start, end), message=message,
                            severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Information),
                            code=d.code, source="kcconf")


def text_edits(buffer: Buffer, fix: object) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(buffer, e.start, e.end),
                           new_text=e.replacement.decode("utf-8", "replace"))
            for e in getattr(fix, "edits", ())]


def safe_fixes(found: list[tuple[Diagnostic, int, int]]) -> list[Fix]:
    """The first safe fix of each finding, leaving out those that overlap one taken
    (the fix engine's own rule, fixes.compatible)."""
    firsts = (next((f for f in d.fixes if f.applicability == "safe"), None)
              for d, _start, _end in found)
    return compatible(f for f in firsts if f is not None)


def build(debounce: float = 0.15) -> KcconfServer:
    server = KcconfServer(debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KcconfServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KcconfServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KcconfServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)  # included files may have changed

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KcconfServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: KcconfServer, params: types.HoverParams) -> types.Hover | None:
        buffer, offset = _at(ls, params)
        found = buffer.hover(offset)
        if found is None:
            return None
        text, (start, end) = found
        kind = types.MarkupKind.Markdown if _markdown_hover(ls) else types.MarkupKind.PlainText
        if kind is types.MarkupKind.PlainText:
            text = text.replace("**", "").replace("`", "")
        return types.Hover(contents=types.MarkupContent(kind=kind, value=text),
                           range=lsp_range(buffer, start, end))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["=", " "]))
    def completion(ls: KcconfServer, params: types.CompletionParams) -> types.CompletionList:
        buffer, offset = _at(ls, params)
        before_value = b"=" not in buffer.data[buffer.data.rfind(b"\n", 0, offset) + 1:offset]
        kind = types.CompletionItemKind.Property if before_value else \
            types.CompletionItemKind.Value
        items = [types.CompletionItem(label=label, kind=kind, detail=detail or None,
                                      documentation=doc or None)
                 for label, detail, doc in buffer.completions(offset)]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: KcconfServer, params: types.DefinitionParams) -> types.Location | None:
        buffer, offset = _at(ls, params)
        target = buffer.definition(offset)
        if target is None:
            return None
        start = types.Position(0, 0)
        return types.Location(uri=from_fs_path(target) or target,
                              range=types.Range(start, start))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: KcconfServer,
                params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        buffer = ls.buffer(params.text_document.uri)
        result = []
        for title, key, items in buffer.symbols():
            children = [types.DocumentSymbol(
                name=name, detail=detail or None, kind=types.SymbolKind.Property,
                range=lsp_range(buffer, line_start, line_end),
                selection_range=lsp_range(buffer, start, end))
                for name, detail, line_start, line_end, start, end in items]
            whole = types.Range(children[0].range.start, children[-1].range.end)
            result.append(types.DocumentSymbol(name=title, detail=key or None,
                                               kind=types.SymbolKind.Namespace, range=whole,
                                               selection_range=children[0].selection_range,
                                               children=children))
        return result

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    def code_action(ls: KcconfServer, params: types.CodeActionParams
                    ) -> list[types.CodeAction | types.Command]:
        uri = params.text_document.uri
        buffer = ls.buffer(uri)
        found = buffer.diagnostics()
        literal = _literal_support(ls)
        wanted = params.context.only
        actions: list[types.CodeAction | types.Command] = []
        first = buffer.index.offset(params.range.start.line, params.range.start.character)
        last = buffer.index.offset(params.range.end.line, params.range.end.character)
        if not wanted or any(k.startswith(types.CodeActionKind.QuickFix) for k in wanted):
            for d, start, end in found:
                if not (start <= last and first <= end):
                    continue
                alternatives = [f for f in getattr(d, "fixes", ())
                                if f.applicability != "display-only"]
                for fix in alternatives:
                    edits = text_edits(buffer, fix)
                    actions.append(_action(
                        literal, uri, f"{d.code}: {fix.title}", edits,
                        types.CodeActionKind.QuickFix, [lsp_diagnostic(buffer, d, start, end)],
                        preferred=fix.applicability == "safe" and len(alternatives) == 1))
        if not wanted or any(FIX_ALL_KIND.startswith(k) for k in wanted):
            chosen = safe_fixes(found)
            if chosen:
                edits = [e for fix in chosen for e in text_edits(buffer, fix)]
                actions.append(_action(literal, uri, "kcconf: fix all safe", edits,
                                       FIX_ALL_KIND, None, preferred=False))
        return actions

    @server.command(APPLY_COMMAND)
    async def apply_edits(ls: KcconfServer, uri: str, edits: list[dict]) -> None:
        text_edits_ = [types.TextEdit(
            range=types.Range(types.Position(**e["range"]["start"]),
                              types.Position(**e["range"]["end"])),
            new_text=e["newText"]) for e in edits]
        await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            edit=types.WorkspaceEdit(changes={uri: text_edits_}), label="kcconf fix"))

    return server


def _at(ls: KcconfServer, params: types.TextDocumentPositionParams) -> tuple[Buffer, int]:
    """The buffer a request is about and the byte offset of its position."""
    buffer = ls.buffer(params.text_document.uri)
    return buffer, buffer.index.offset(params.position.line, params.position.character)


def _markdown_hover(ls: KcconfServer) -> bool:
    text = ls.client_capabilities.text_document
    hover = text.hover if text is not None else None
    formats = hover.content_format if hover is not None else None
    return bool(formats) and types.MarkupKind.Markdown in formats


def _literal_support(ls: KcconfServer) -> bool:
    text = ls.client_capabilities.text_document
    action = text.code_action if text is not None else None
    return action is not None and action.code_action_literal_support is not None


def _action(literal: bool, uri: str, title: str, edits: list[types.TextEdit], kind: str,
            diagnostics: list[types.Diagnostic] | None,
            preferred: bool) -> types.CodeAction | types.Command:
    if not literal:
        raw = [{"range": {"start": {"line": e.range.start.line,
                                    "character": e.range.start.character},
                          "end": {"line": e.range.end.line, "character": e.range.end.character}},
                "newText": e.new_text} for e in edits]
        return types.Command(title=title, command=APPLY_COMMAND, arguments=[uri, raw])
    return types.CodeAction(title=title, kind=kind, diagnostics=diagnostics,
                            is_preferred=preferred or None,
                            edit=types.WorkspaceEdit(changes={uri: edits}))


def serve(debounce: float) -> None:
    """Answer an editor on standard input and output until it says exit."""
    build(debounce).start_io()
