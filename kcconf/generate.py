"""Regenerate the files derived from the schemas, or report which ones drifted.

One function lists every generated file with its content; ``kcconf generate`` writes
them and ``kcconf generate --check`` compares. A test runs the check, so a schema change
without regenerating fails CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import schema
from .atomic import write_atomic
from .render import audit, codes, defaults


def generated_files() -> Iterator[tuple[str, str]]:
    """(path relative to the checkout, content) for every generated file."""
    newest = schema.newest_series()
    for name in schema.component_names():
        component = schema.load(name)
        yield f"etc/kopano/{component.file}", defaults.render(component, newest)
    yield from codes.generated_files()
    yield "docs/reload-audit.rst", audit.page()
    try:
        from .render import manpage
    except ImportError:  # pragma: no cover - docutils missing
        return
    yield from manpage.generated_files()


def _current(path: Path) -> str | None:
    """The file's text; None when missing, unreadable or not a regular file (a fifo would
    block the read; writing it is then refused)."""
    try:
        if not path.is_file():
            return None
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def drift(root: Path) -> list[str]:
    return [relative for relative, content in generated_files()
            if _current(root / relative) != content]


def write_all(root: Path) -> list[str]:
    written = []
    for relative, content in generated_files():
        path = root / relative
        if _current(path) == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(str(path), content.encode("utf-8"))
        written.append(relative)
    return written
