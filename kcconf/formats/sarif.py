"""SARIF 2.1.0 for GitHub code scanning, written as results come in.

Emits everything GitHub's table asks for ($schema, version, tool.driver.name and rules
with id, shortDescription, fullDescription and help; message.text; repository-relative
artifactLocation.uri; region start and end; partialFingerprints) plus ruleId and level; helpUri
and informationUri only once a documentation URL is published in the package's metadata.
Columns count Unicode code points, as kcconf's do. A finding's fixes (safe and unsafe)
are SARIF fixes, byte regions replaced, for viewers that apply them.
"""

from __future__ import annotations

import base64
import json
import os

from .. import __version__
from ..lint import FileResult
from . import Totals, dumps, fingerprint

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from ..fixes import Fix

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
NOTIFICATIONS_KEPT = 1000
"""Input errors listed in the run's invocation; more are only counted."""


def docs_url() -> str | None:
    """The Documentation URL of the installed package (pyproject's [project.urls]), if
    one is published; none is yet, and a dead link is worse than none."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        for item in metadata("kcconf").get_all("Project-URL") or []:
            label, _, url = item.partition(",")
            if label.strip().lower() == "documentation" and url.strip():
                return url.strip().rstrip("/")
    except (ImportError, PackageNotFoundError):
        pass
    return None


def uri(path: str) -> str:
    """Relative to the working directory (the repository root in CI), forward slashes,
    percent-encoded as an RFC 3986 relative reference: ``a b/x.cfg`` -> ``a%20b/x.cfg``,
    ``odd,dir:x/server.cfg`` -> ``odd%2Cdir%3Ax/server.cfg`` (a colon in the first
    segment would read as a scheme). Bytes that are not UTF-8 are encoded as they are."""
    from urllib.parse import quote

    relative = os.path.relpath(path) if os.path.isabs(path) else os.path.normpath(path)
    return quote(relative.replace(os.sep, "/").encode("utf-8", "surrogateescape"),
                 safe="/-._~")


def rules(docs: str | None) -> list[dict]:
    from ..render.codes import entries

    found = []
    for e in entries():
        rule = {"id": e["code"], "name": e["name"],
                "shortDescription": {"text": e["summary"]},
                "fullDescription": {"text": e["explanation"]},
                "help": {"text": f"{e['explanation']}\n\nFix: {e['fix']}"},
                "defaultConfiguration": {"level": LEVEL[e["severity"]]}}
        if docs:
            rule["helpUri"] = f"{docs}/codes/{e['code']}.html"
        found.append(rule)
    return found


def _fix(where: str, fix: Fix) -> dict:
    """A fix as SARIF states one: byte regions of the file replaced (viewers such as
    VS Code's SARIF viewer offer to apply them; an unsafe one says so in its text)."""
    replacements = []
    for e in fix.edits:
        inserted: dict[str, str]
        try:
            inserted = {"text": e.replacement.decode("utf-8")}
        except UnicodeDecodeError:  # bytes the file had that are not UTF-8
            inserted = {"binary": base64.b64encode(e.replacement).decode("ascii")}
        replacements.append({"deletedRegion": {"byteOffset": e.start,
                                               "byteLength": e.end - e.start},
                             "insertedContent": inserted})
    text = fix.title + (" (unsafe: check the result)" if fix.applicability == "unsafe"
                        else "")
    return {"description": {"text": text},
            "artifactChanges": [{"artifactLocation": {"uri": where},
                                 "replacements": replacements}]}


class Sarif:
    def __init__(self) -> None:
        self.first = True
        self.notifications: list[dict] = []
        self.failed = 0

    def begin(self, out: TextIO) -> None:
        docs = docs_url()
        driver: dict = {"name": "kcconf", "version": __version__,
                        "semanticVersion": __version__}
        if docs:
            driver["informationUri"] = docs
        driver["rules"] = rules(docs)
        out.write(f'{{"$schema": "{SCHEMA}", "version": "2.1.0", "runs": [{{"tool":'
                  f' {{"driver": {json.dumps(driver, ensure_ascii=False)}}},'
                  ' "columnKind": "unicodeCodePoints", "results": [')

    def file(self, out: TextIO, result: FileResult) -> None:
        if result.error is not None:
            self.failed += 1
            if len(self.notifications) < NOTIFICATIONS_KEPT:
                self.notifications.append({
                    "level": "error", "message": {"text": result.error},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": uri(result.path)}}}]})
            return
        seen: dict[str, int] = {}
        for d in result.diagnostics:
            where = uri(d.file)
            # Stable while lines move: the code, file and message, and which occurrence.
            key = f"{d.code}\0{where}\0{d.option or ''}\0{d.message}"
            seen[key] = seen.get(key, 0) + 1
            stable = fingerprint(key, seen[key])
            text = d.message + (f"\nHint: {d.hint}" if d.hint else "")
            item = {"ruleId": d.code, "level": LEVEL[d.severity], "message": {"text": text},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": where},
                        "region": {"startLine": d.line, "startColumn": d.col,
                                   "endLine": d.line,
                                   "endColumn": max(d.end_col or d.col + 1, d.col + 1)}}}],
                    "partialFingerprints": {"kcconf/v1": stable}}
            fixes = [_fix(where, f) for f in d.fixes if f.applicability != "display-only"]
            if fixes:
                item["fixes"] = fixes
            if d.more:
                item["occurrenceCount"] = d.more  # the closing finding of a file over the limit
            out.write(("\n" if self.first else ",\n") + dumps(item))
            self.first = False

    def end(self, out: TextIO, totals: Totals) -> None:
        invocation: dict = {"executionSuccessful": self.failed == 0}
        if self.notifications:
            invocation["toolExecutionNotifications"] = self.notifications
        text = dumps(invocation)
        out.write(f'\n], "invocations": [{text}]}}]}}\n')
