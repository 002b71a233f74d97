"""Fixes: byte edits of a file that a diagnostic carries, and how to apply them.

A check that finds a problem it can repair attaches a ``Fix`` to its diagnostic: a
title, an applicability and the edits. *safe* fixes leave what the service reads
unchanged (the appliers verify that with the effective settings); *unsafe* fixes change
the reading into what the writer evidently meant; *display-only* fixes are shown, never
applied. Several fixes on one diagnostic are alternatives: an editor offers each, batch
mode takes none when more than one unsafe alternative is left.

The edit builders here know kinds of edits (comment a line out, rename an option, write
a value, insert a line above), never options: set, unset, env, upgrade and the checks
all build their edits with them. Lines are addressed as the document splits them:
``edit.parse_for_edit`` splits as the reader does (a lone CR ends a line for the Python
services); the loader's documents follow LF, where a line holding a lone CR cannot be
addressed and gets no fix.

This module sits at the bottom of the layers: it imports only the dialect and records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

from .dialect import CXX_LINE_BUFFER, Document, Flavour
from .records import record

APPLICABILITIES = ("safe", "unsafe", "display-only")


@record(frozen=True, slots=True)
class Edit:
    """Replace bytes ``start:end`` (end exclusive) of the file with ``replacement``."""

    start: int
    end: int
    replacement: bytes


@record(frozen=True, slots=True)
class Fix:
    title: str
    applicability: str
    edits: tuple[Edit, ...]

    def __post_init__(self) -> None:
        if self.applicability not in APPLICABILITIES:
            raise ValueError(f"applicability {self.applicability!r} is not one of"
                             f" {', '.join(APPLICABILITIES)}")
        for e in self.edits:
            if not 0 <= e.start <= e.end:
                raise ValueError(f"edit {e.start}:{e.end} is not a span")

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "applicability": self.applicability,
                "edits": [{"start": e.start, "end": e.end,
                           "replacement": e.replacement.decode("utf-8", "surrogateescape")}
                          for e in self.edits]}


class FixOverlap(ValueError):
    """Two edits touch the same bytes: applying both would be ambiguous."""


def _clash(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one place: their order is unknown
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def overlaps(fix: Fix, others: Iterable[Fix]) -> bool:
    return any(_clash(a, b) for other in others for a in other.edits for b in fix.edits)


def compatible(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes, in order, leaving out each one that overlaps one taken before it (the
    next round of a fix loop takes it up again)."""
    taken: list[Fix] = []
    for fix in fixes:
        if not overlaps(fix, taken):
            taken.append(fix)
    return taken


def apply_fixes(data: bytes, fixes: Iterable[Fix]) -> bytes:
    """The bytes with every fix's edits applied; FixOverlap if two edits clash."""
    return apply_edits(data, [e for f in fixes for e in f.edits])


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """The bytes with the edits applied (offsets into ``data``); FixOverlap if two
    clash or one lies past the end."""
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    for index, before in enumerate(edits):
        for after in edits[index + 1 :]:
            if after.start > before.end:
                break
            if _clash(before, after):
                raise FixOverlap(f"edits {before.start}:{before.end} and"
                                 f" {after.start}:{after.end} overlap")
    for e in edits:
        if e.end > len(data):
            raise FixOverlap(f"edit {e.start}:{e.end} lies past the end of the file")
    out, at = [], 0
    for e in edits:
        out.append(data[at : e.start])
        out.append(e.replacement)
        at = e.end
    out.append(data[at:])
    return b"".join(out)


def choose(fixes: Sequence[Fix], unsafe: bool) -> Fix | None:
    """The one fix batch mode applies for a diagnostic, or None: a safe fix first; an
    unsafe one only when asked and when it is the only unsafe alternative."""
    safe = [f for f in fixes if f.applicability == "safe"]
    if safe:
        return safe[0]
    if not unsafe:
        return None
    risky = [f for f in fixes if f.applicability == "unsafe"]
    return risky[0] if len(risky) == 1 else None


# -- addressing lines -----------------------------------------------------------------


class Lines:
    """Byte offsets of a document's lines, in the document's own line numbering."""

    __slots__ = ("doc", "starts")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.starts = [0, *accumulate(map(len, doc.lines))]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def raw(self, number: int) -> bytes:
        return self.doc.lines[number - 1]

    def start(self, number: int) -> int:
        return self.starts[number - 1]

    def body(self, number: int) -> bytes:
        return _split_ending(self.raw(number))[0]

    def ending(self, number: int) -> bytes:
        return _split_ending(self.raw(number))[1]

    def addressable(self, number: int) -> bool:
        """Whether edits of line ``number`` edit exactly one line the reader reads: not a
        line over the C++ reader's buffer (its rest is read as more lines), nor an LF
        line that a lone CR splits for the Python reader."""
        if not 1 <= number <= len(self):
            return False
        body = self.body(number)
        if self.doc.flavour is Flavour.PYTHON:
            return self.doc.reader_lines or b"\r" not in body
        return len(self.raw(number)) <= CXX_LINE_BUFFER - 1

    def offset(self, number: int, col: int) -> int:
        """The byte offset of 1-based character column ``col`` of line ``number``."""
        text = self.body(number).decode("utf-8", "surrogateescape")
        return self.start(number) + len(_encode(text[: col - 1]))

    def new_line_ending(self) -> bytes:
        return line_ending(self.doc)


def line_ending(doc: Document) -> bytes:
    """The ending for a new line: the file's own (a lone CR only where the reader ends
    lines with it, in a file that has no LF)."""
    if doc.crlf:
        return b"\r\n"
    if doc.reader_lines and b"\r" in doc.data and b"\n" not in doc.data:
        return b"\r"
    return b"\n"


def _split_ending(line: bytes) -> tuple[bytes, bytes]:
    for ending in (b"\r\n", b"\n", b"\r"):
        if line.endswith(ending):
            return line[: -len(ending)], ending
    return line, b""


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


# -- edit builders --------------------------------------------------------------------


def comment_out(lines: Lines, number: int) -> Edit:
    """``#`` in front of the line, its indentation dropped (an indented ``#`` is no
    comment for the C++ reader)."""
    raw = lines.raw(number)
    indent = len(raw) - len(raw.lstrip(b" \t"))
    start = lines.start(number)
    return Edit(start, start + indent, b"#")


def insert_above(lines: Lines, number: int, text: str) -> Edit:
    """A new line with ``text`` above line ``number`` (after the last line when
    ``number`` is one past it), ending as the file's lines end."""
    ending = lines.new_line_ending()
    if number > len(lines):
        end = lines.starts[-1]
        last = lines.raw(len(lines)) if len(lines) else b"\n"
        glue = b"" if last.endswith((b"\n", b"\r")) else ending
        return Edit(end, end, glue + _encode(text) + ending)
    start = lines.start(number)
    return Edit(start, start, _encode(text) + ending)


def note_line(text: str) -> str:
    """The comment kcconf writes above a line it comments out, naming the tool."""
    return f"# kcconf upgrade: {text}"


def comment_out_with_note(lines: Lines, number: int, note: str) -> tuple[Edit, ...]:
    """The line commented out under a note line saying why (one edit: the note and the
    ``#`` go in at the same place)."""
    out = comment_out(lines, number)
    above = _encode(note_line(note)) + lines.new_line_ending()
    return (Edit(out.start, out.end, above + out.replacement),)


def rename(lines: Lines, number: int, new_name: str) -> Edit:
    """The option's name on line ``number`` written as ``new_name``, one space before
    its '='; indentation and value kept."""
    body = lines.body(number)
    eq = body.index(b"=")
    lead = len(body) - len(body.lstrip(b" \t"))
    start = lines.start(number)
    return Edit(start + lead, start + eq, _encode(new_name) + b" ")


def replace_value(lines: Lines, number: int, value: str) -> Edit:
    """Everything after the '=' of line ``number`` written as ``value``, after the
    spacing the line has there (one space if none)."""
    body = lines.body(number)
    eq = body.index(b"=")
    after = body[eq + 1 :]
    spacing = after[: len(after) - len(after.lstrip(b" \t"))] or (b" " if value else b"")
    start = lines.start(number)
    return Edit(start + eq + 1, start + len(body), spacing + _encode(value))


def replace_line(lines: Lines, number: int, text: str) -> Edit:
    """Line ``number`` written as ``text``, keeping its own line ending."""
    start = lines.start(number)
    return Edit(start, start + len(lines.body(number)), _encode(text))


def delete_span(lines: Lines, number: int, start_col: int, end_col: int) -> Edit:
    """Characters ``start_col`` to ``end_col`` (exclusive) of a line removed."""
    return Edit(lines.offset(number, start_col), lines.offset(number, end_col), b"")
