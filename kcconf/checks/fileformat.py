"""KC1xx: what the reader does to the file itself (encoding, comments, long lines)."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, make
from ..dialect import CXX_LINE_BUFFER, Document, Flavour, Kind, unusual
from ..fixes import Edit, Fix
from . import Context
from .values import is_template


def check(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.loaded.documents:
        yield from _document(ctx, doc)
    yield from ctx.loaded.diagnostics


def _document(ctx: Context, doc: Document) -> Iterator[Diagnostic]:
    python = ctx.python
    if doc.utf8_error is not None:
        line, col = doc.utf8_error
        if python:
            yield make("KC101", doc.path, line, col,
                       "bytes that are not UTF-8: the Python service fails to read this file"
                       " and stops", "Save the file as UTF-8.", severity="error")
        else:
            yield make("KC101", doc.path, line, col,
                       "bytes that are not UTF-8: the service passes them on unchanged,"
                       " but names and paths with them rarely mean what was intended",
                       "Save the file as UTF-8.")
    if doc.bom:
        yield _bom(doc)
    for entry in unusual(doc.entries):  # plain option lines have nothing to report here
        if entry.note == "nul" and not python:
            yield make("KC103", doc.path, entry.line, 1,
                       "a NUL byte ends this line for the reader: the rest of the line is lost",
                       "Remove the NUL byte.")
        if entry.chunk == 1 and not python:
            yield _long_line(doc, entry)
        if entry.kind is Kind.OPTION and not python and entry.name and \
                entry.name.startswith("#"):
            yield make("KC105", doc.path, entry.line, entry.name_col,
                       f"indented comment read as an option named '{entry.name}': only a # in"
                       " the very first column starts a comment",
                       "Move the # to the first column.", option=entry.name)
        elif entry.kind is Kind.IGNORED:
            yield from _ignored(ctx, doc, entry)


def _bom(doc: Document) -> Diagnostic:
    """A BOM changes the reading only when the first line is an option or a directive:
    a first comment without '=' or a blank first line is ignored either way."""
    first = next((e for e in doc.entries if e.line == 1 and e.chunk == 0), None)
    text = first.text.lstrip("\ufeff") if first is not None else ""
    if first is not None and first.kind is Kind.OPTION:
        name = (first.name or "").lstrip("\ufeff")
        return make("KC102", doc.path, 1, 1,
                    "the file starts with a byte order mark: the reader keeps it glued to"
                    f" the first name, so '{_short(name)}' on line 1 is read as an unknown"
                    " option", "Save the file as UTF-8 without BOM.", severity="error",
                    fixes=_unbom(doc, "unsafe"))
    if text.startswith("!"):
        return make("KC102", doc.path, 1, 1,
                    "the file starts with a byte order mark: the reader keeps it as part of"
                    f" the first line, so '{_short(text)}' is no directive and is ignored",
                    "Save the file as UTF-8 without BOM.", severity="error",
                    fixes=_unbom(doc, "unsafe"))
    return make("KC102", doc.path, 1, 1,
                "the file starts with a byte order mark: the reader keeps it as part of the"
                " first line, which changes nothing here (a comment or blank line), but"
                " would turn a first option into an unknown name",
                "Save the file as UTF-8 without BOM.", severity="warning",
                fixes=_unbom(doc, "safe"))


def _unbom(doc: Document, applicability: str) -> tuple[Fix, ...]:
    if doc.bundled:
        return ()
    return (Fix("Remove the byte order mark", applicability, (Edit(0, 3, b""),)),)


def _long_line(doc: Document, entry) -> Diagnostic:
    """Over 4095 bytes the rest of the line is read as new lines: that changes the
    reading when a piece becomes an option or a directive, or when the cut shortens a
    value below the 1023 bytes Kopano keeps anyway; a long comment otherwise stays
    without effect."""
    pieces = [e for e in doc.entries if e.line == entry.line]
    head = next((e for e in pieces if e.chunk == 0), None)
    created = [e for e in pieces if e.chunk > 0 and e.kind in (Kind.OPTION, Kind.DIRECTIVE)]
    rest = [e for e in pieces if e.chunk > 0 and e.kind is not Kind.BLANK]
    shortened = bool(rest) and head is not None and head.kind is Kind.OPTION and \
        len(head.raw_value or b"") < 1023
    limit = CXX_LINE_BUFFER - 1
    if created or shortened:
        what = (f"the text after byte {limit} is read as the line"
                f" '{_short(created[0].text)}'" if created else
                f"the value is cut at byte {limit} of the line, before the 1023 bytes"
                " Kopano keeps of a value")
        return make("KC104", doc.path, entry.line, CXX_LINE_BUFFER,
                    f"line longer than {limit} bytes: {what}",
                    "Shorten the line; Kopano values keep at most 1023 bytes anyway.",
                    severity="error", fixes=_split_at_reads(doc, entry.line) if created else ())
    return make("KC104", doc.path, entry.line, CXX_LINE_BUFFER,
                f"line longer than {limit} bytes: the reader reads the rest as a new line,"
                " which changes nothing here (no '=' in it), but a long line can hide or"
                " create a setting", "Shorten the line.", severity="warning")


def _split_at_reads(doc: Document, number: int) -> tuple[Fix, ...]:
    """The over-long line broken where the reader breaks it: each piece it reads as a
    line of its own becomes one, so the text that is read as an option shows as one."""
    if doc.bundled or doc.flavour is not Flavour.CXX:
        return ()
    lines = doc.lines
    start = sum(len(line) for line in lines[: number - 1])
    physical = lines[number - 1]
    body = physical.rstrip(b"\n")
    ending = b"\r\n" if doc.crlf else b"\n"
    limit = CXX_LINE_BUFFER - 1
    cuts = range(limit, len(body), limit)
    edits = tuple(Edit(start + cut, start + cut, ending) for cut in cuts)
    if not edits:
        return ()
    return (Fix("Break the line where the reader breaks it", "safe", edits),)


def _ignored(ctx: Context, doc: Document, entry) -> Iterator[Diagnostic]:
    if entry.chunk > 0 and not ctx.python:
        return  # the rest of an over-long line: reported with the line (KC104)
    if doc.bom and entry.line == 1 and entry.text.startswith("\ufeff"):
        return  # the first line, ignored because of its byte order mark (KC102)
    text = entry.text.strip()
    if entry.note == "empty-name":
        yield make("KC107", doc.path, entry.line, 1,
                   "nothing before '=': the reader ignores this line",
                   "Write the option name before '='.")
        return
    if ctx.python and text.startswith("!"):
        yield make("KC118", doc.path, entry.line, 1,
                   f"'{text.split()[0]}': Python services know no directives and ignore this"
                   " line", "Copy the settings into this file instead of including them.")
        return
    if is_template(text):
        return  # a template's control line ({% if %}, <% end %>): not for the service
    if not ctx.python and entry.text[:1] in (" ", "\t") and text.startswith("#"):
        # An indented comment without '=' is dropped like any line without '='.
        return
    if text.startswith("[") and text.endswith("]"):
        what = "section headers mean nothing to Kopano"
    else:
        what = "a line without '=' is ignored"
    yield make("KC106", doc.path, entry.line, 1,
               f"{what}: '{_short(text)}' has no effect",
               "Write name = value, or make the line a comment with # in the first column.")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
