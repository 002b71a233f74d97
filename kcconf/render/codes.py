"""Documentation of the diagnostic codes, from kcconf/codes.json: docs pages and explain."""

from __future__ import annotations

import json
from pathlib import Path

from ..diagnostics import WORD

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def entries() -> list[dict[str, Any]]:
    path = Path(__file__).resolve().parent.parent / "codes.json"
    return json.loads(path.read_text(encoding="utf-8"))["codes"]


def _heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def _block(text: str) -> str:
    lines = text.replace("\\n", "\n").splitlines() or [""]
    return ".. code-block:: text\n\n" + "\n".join(f"   {line}" for line in lines) + "\n"


def page(entry: dict[str, Any]) -> str:
    """One reStructuredText page: what the code means, a bad example, the fix."""
    out = [f".. _{entry['code'].lower()}:\n", _heading(f"{entry['code']} {entry['name']}", "=")]
    out.append(f"**Severity:** {WORD[entry['severity']]}. {entry['summary'].capitalize()}.\n")
    out.append(entry["explanation"] + "\n")
    out.append(_heading("Example", "-"))
    out.append(f"In ``{entry['component']}.cfg``:\n")
    out.append(_block(entry["example"]))
    out.append(_heading("Fix", "-"))
    out.append(_block(entry["fix"]))
    out.append(_heading("Fix safety", "-"))
    out.append(f"**Fixable by kcconf lint --fix:** {entry['fixable']}. {entry['fix-safety']}\n")
    out.append(_heading("Suppressing", "-"))
    out.append(suppressing(entry))
    return "\n".join(out)


def suppressing(entry: dict[str, Any]) -> str:
    """How to silence the code where it is intended; see docs/ci.rst, Suppressions."""
    code = entry["code"]
    settings = (f"In the project settings, ``disable = [\"{code}\"]`` in ``.kcconf.toml``"
                " (or ``[tool.kcconf]`` of ``pyproject.toml``) silences it everywhere.")
    if entry.get("suppress") == "settings":
        return (f"A file that reports {code} is not checked, so a comment in it cannot"
                f" silence the code. {settings} See :ref:`suppressions`.\n")
    return (f"Where the finding is intended, a comment line ``# kcconf: disable={code}``"
            " (with ``#`` in the first column) silences it on the next line that is neither"
            f" blank nor a comment, and ``# kcconf: disable-file={code}`` in the whole file."
            f" {settings} ``kcconf validate`` and ``kcconf lint`` honour both;"
            " see :ref:`suppressions`.\n")


def index() -> str:
    out = [_heading("Diagnostic codes", "="),
           "Every finding of kcconf carries a stable code; codes are never reused."
           " ``kcconf explain CODE`` prints the same text offline.\n",
           "KC1xx file format and directives, KC2xx option names, KC3xx values, KC4xx"
           " cross-option rules, KC5xx host checks (``--check-host``), KC6xx whole files.\n",
           ".. toctree::\n   :maxdepth: 1\n"]
    out.append("\n".join(f"   {e['code']}" for e in entries()) + "\n")
    return "\n".join(out)


def explain(entry: dict[str, Any]) -> str:
    example = entry["example"].replace("\\n", "\n    ")
    fix = entry["fix"].replace("\\n", "\n    ")
    return (f"{entry['code']} {entry['name']} ({WORD[entry['severity']]})\n\n"
            f"{entry['explanation']}\n\nExample ({entry['component']}.cfg):\n    {example}\n\n"
            f"Fix:\n    {fix}\n\n"
            f"Fixable by kcconf lint --fix: {entry['fixable']}. {entry['fix-safety']}\n")


def generated_files():
    yield "docs/codes/index.rst", index()
    for entry in entries():
        yield f"docs/codes/{entry['code']}.rst", page(entry)
