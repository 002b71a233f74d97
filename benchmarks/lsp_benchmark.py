#!/usr/bin/env python3
"""How soon ``kcconf lsp`` publishes diagnostics after a change to a big server.cfg.

    python3 benchmarks/lsp_benchmark.py [--lines 4000] [--changes 40]

Builds a 4,000-line server.cfg in a temporary folder, as a big hand-kept one looks:
the annotated defaults (``kcconf defaults server``), every option of the newest release
set once, a few lines wrong (an 'off' boolean, an inline comment, a typo, a duplicate)
so the check has findings to report, and comment blocks up to the wanted length. Starts
``kcconf lsp --debounce 0`` (the debounce, 150 ms by default, is left out: this is the
time from the didChange notification being sent until the publishDiagnostics of that
version arrives, so it includes reading the JSON, re-checking the whole file and
converting every finding), opens the file, then sends --changes changes one at a time
(a value edited on a line in the middle), first as whole-document changes, then as
incremental ones (what VS Code and Neovim send), and prints the median and spread of
each and the number of findings. Needs pygls (pip install 'kcconf[lsp]').
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcconf import schema  # noqa: E402

TARGET_MS = 50.0


def build_config(lines: int) -> str:
    """Like a big hand-kept server.cfg: the annotated defaults, every option of the
    release set once (a few of them wrong), and comment blocks up to ``lines``."""
    defaults = subprocess.run([sys.executable, "-m", "kcconf", "defaults", "server"],
                              capture_output=True, text=True, check=True, cwd=ROOT).stdout
    comments = [line if line.startswith("#") or not line else f"# {line}"
                for line in defaults.splitlines()]
    text = list(comments)
    for option in schema.load("server").present(schema.newest_series()).values():
        if not option.secret and option.default not in (None, ""):
            text.append(f"{option.name} = {option.default}")
    text += WRONG
    while len(text) < lines:
        text += comments
    return "\n".join(text[:lines]) + "\n"


WRONG = ["audit_log_enabled = off", "log_method = file # for now", "log_levle = 3",
         "log_level = 3", "log_level = 4"]
"""A typo, a boolean read as TRUE, an inline comment and a duplicate: findings to send."""


async def measure(path: Path, text: str, changes: int,
                  incremental: bool) -> tuple[list[float], int]:
    client = LanguageClient("kcconf-benchmark", "1")
    arrived: dict[int, float] = {}
    counts: dict[int, int] = {}
    signal = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived[params.version] = time.perf_counter()
            counts[params.version] = len(params.diagnostics)
            signal.set()

    await client.start_io(sys.executable, "-m", "kcconf", "lsp", "--debounce", "0")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(path))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="kopano-cfg", version=1,
                                             text=text)))
    await _wait(signal, arrived, 1)
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    took = []
    for version in range(2, changes + 2):
        old_length = len(lines[middle].rstrip("\n"))
        lines[middle] = f"log_level = {version % 7}\n"
        change: types.TextDocumentContentChangeEvent = (
            types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(middle, 0), types.Position(middle, old_length)),
                text=lines[middle].rstrip("\n"))
            if incremental else types.TextDocumentContentChangeWholeDocument(text="".join(lines)))
        signal.clear()
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change]))
        await _wait(signal, arrived, version)
        took.append((arrived[version] - sent) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return took, counts[changes + 1]


async def _wait(signal: asyncio.Event, arrived: dict[int, float], version: int) -> None:
    while version not in arrived:
        await asyncio.wait_for(signal.wait(), 60)
        signal.clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=4000)
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "server.cfg"
        text = build_config(args.lines)
        path.write_text(text, encoding="utf-8")
        results = {kind: asyncio.run(measure(path, text, args.changes, kind == "incremental"))
                   for kind in ("whole-document", "incremental")}
    findings = results["incremental"][1]
    print(f"server.cfg: {len(text.splitlines())} lines, {len(text.encode())} bytes,"
          f" {findings} findings published")
    print(f"didChange sent -> publishDiagnostics received (debounce 0), {args.changes}"
          " changes each:")
    for kind, (took, _) in results.items():
        median = statistics.median(took)
        print(f"  {kind:<15} median {median:.1f} ms, min {min(took):.1f} ms,"
              f" max {max(took):.1f} ms, target {TARGET_MS:.0f} ms"
              f" ({'met' if median <= TARGET_MS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
