"""The Kopano configuration file format, and nothing about options.

Two readers exist in Kopano and they disagree on details, so this module splits a
file the way each of them does:

* ``CXX`` is ECConfigImpl (kopano-server, -spooler, -dagent, -gateway, -ical, -monitor,
  the user plugins, admin, archiver, statsd). It works on bytes: ``fgets`` into a
  4096-byte buffer (a longer physical line is read as several lines), a NUL byte ends
  the line, a comment needs ``#`` as the very first byte, a ``!`` at byte 0 starts a
  directive, the first ``=`` splits name from value, and both are trimmed of space,
  tab, CR and LF only.
* ``PYTHON`` is ``kopano.Config`` (kopano-search, -spamd, -backup, -autorespond). It
  decodes the file as UTF-8 text with universal newlines, strips each line of all
  white space before the ``#`` test, and knows no directives.

The result keeps every byte of the file (``Document.data``) plus the physical lines, so
an editor can write the file back unchanged except for the lines it edits.
"""

from __future__ import annotations

import enum
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence

from .records import field, record

CXX_LINE_BUFFER = 4096
"""fgets buffer size in ECConfigImpl: a line holds at most 4095 bytes."""

CXX_TRIM = b" \t\r\n"
"""The only characters ECConfigImpl trims from names and values."""
_TRIM_TEXT = CXX_TRIM.decode()


class Flavour(enum.Enum):
    """Which of Kopano's two readers a file is meant for."""

    CXX = "c++"
    PYTHON = "python"


class Kind(enum.Enum):
    BLANK = "blank"
    COMMENT = "comment"
    DIRECTIVE = "directive"
    OPTION = "option"
    IGNORED = "ignored"
    """Text the reader skips without a word: no ``=`` in it, or an empty name."""


@record(slots=True)
class Entry:
    """One line as the reader sees it, with 1-based positions in the physical file.

    A big file has millions of entries, so an entry holds only what most lines have;
    what few lines have (a directive, a cut, a note) is in ``rare``, and the raw bytes
    of name and value are made again from the text when asked for."""

    kind: Kind
    line: int
    text: str
    """The line's text as the reader sees it (after the NUL cut), without its ending."""
    name: str | None = None
    value: str | None = None
    name_col: int = 1
    value_col: int = 1
    rare: tuple[str | None, str | None, int, str | None] | None = None
    """(directive, argument, chunk, note), or None when all are unset: see ``make_entry``."""

    @property
    def directive(self) -> str | None:
        return self.rare[0] if self.rare else None

    @property
    def argument(self) -> str | None:
        return self.rare[1] if self.rare else None

    @property
    def chunk(self) -> int:
        """0 for the start of a physical line; n for the n-th 4095-byte continuation."""
        return self.rare[2] if self.rare else 0

    @property
    def note(self) -> str | None:
        """A fact about how the reader treated this line (``nul``, ``no-newline``...)."""
        return self.rare[3] if self.rare else None

    @property
    def raw_name(self) -> bytes | None:
        """The name's bytes in the file (text keeps bytes that are not UTF-8 as
        surrogates, so they come back exactly)."""
        return None if self.name is None else self.name.encode("utf-8", "surrogateescape")

    @property
    def raw_value(self) -> bytes | None:
        return None if self.value is None else self.value.encode("utf-8", "surrogateescape")


def make_entry(kind: Kind, line: int, text: str, name: str | None = None,
               value: str | None = None, name_col: int = 1, value_col: int = 1, *,
               directive: str | None = None, argument: str | None = None, chunk: int = 0,
               note: str | None = None) -> Entry:
    """An Entry with any of the rare fields set (those left unset cost nothing)."""
    rare = (directive, argument, chunk, note) \
        if directive is not None or argument is not None or chunk or note is not None else None
    return Entry(kind, line, text, name, value, name_col, value_col, rare)


OptionFields = tuple[str, str, str, int, int]
"""(text, name, value, name_col, value_col) of a plain option line."""


class Entries(Sequence[Entry]):
    """The entries of a document, kept compact: a file of millions of option lines must
    not hold an Entry per line to the end of the run. A plain option line is its line
    number (in an array) and one tuple of its fields, shared by every line of the same
    text; its Entry is made when asked for and dies young. Other entries are kept as
    they are. Reads like the list of entries it stands for (equal to one, too)."""

    __slots__ = ("_items", "_lines")

    def __init__(self) -> None:
        self._lines = array("I")
        self._items: list[OptionFields | Entry] = []

    def append(self, entry: Entry) -> None:
        self._lines.append(entry.line)
        self._items.append(entry)

    def add_option(self, line: int, fields: OptionFields) -> None:
        self._lines.append(line)
        self._items.append(fields)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._items)))]
        item = self._items[index]
        if type(item) is tuple:
            return Entry(Kind.OPTION, self._lines[index], *item)
        return item

    def __iter__(self) -> Iterator[Entry]:
        option = Kind.OPTION
        for number, item in zip(self._lines, self._items, strict=True):
            yield Entry(option, number, *item) if type(item) is tuple else item  # type: ignore[misc]

    def pick(self, indices: Iterable[int]) -> Iterator[Entry]:
        """The entries at ``indices``, in that order (faster than one look-up each)."""
        lines, items, option = self._lines, self._items, Kind.OPTION
        for index in indices:
            item = items[index]
            yield Entry(option, lines[index], *item) if type(item) is tuple else item  # type: ignore[misc]

    def options_from(self, start: int) -> tuple[array[int], int]:
        """``options_from`` below, for compact entries."""
        items, option, directive = self._items, Kind.OPTION, Kind.DIRECTIVE
        found = array("I")
        add = found.append
        for index in range(start, len(items)):
            item = items[index]
            if type(item) is tuple:
                add(index)
            elif item.kind is directive:  # type: ignore[union-attr]
                return found, index
            elif item.kind is option:  # type: ignore[union-attr]
                add(index)
        return found, len(items)

    def stored(self) -> Iterator[tuple[int, OptionFields | Entry]]:
        """(line, item) as kept: a plain option line's fields tuple (text, name, value,
        name column, value column), or the Entry of any other line."""
        return zip(self._lines, self._items, strict=True)

    def unusual(self) -> Iterator[Entry]:
        """The entries that are not plain option lines, and the plain ones whose name
        starts with '#': what the file-format check looks at, without making an Entry
        for every ordinary line."""
        option = Kind.OPTION
        for number, item in zip(self._lines, self._items, strict=True):
            if type(item) is not tuple:
                yield item  # type: ignore[misc]
            elif item[1].startswith("#"):
                yield Entry(option, number, *item)

    def located(self, indices: Iterable[int]) -> Iterator[tuple[str, int, int, int]]:
        """(name, line, name column, chunk) of the option entries at ``indices``,
        without making them."""
        lines, items = self._lines, self._items
        for index in indices:
            item = items[index]
            if type(item) is tuple:
                yield item[1], lines[index], item[3], 0  # type: ignore[misc]
            else:
                yield item.name, item.line, item.name_col, item.chunk  # type: ignore[union-attr,misc]

    def place_at(self, index: int) -> tuple[int, int, int]:
        """(line, name column, chunk) of an option entry without making it."""
        item = self._items[index]
        if type(item) is tuple:
            return self._lines[index], item[3], 0  # type: ignore[return-value]
        return item.line, item.name_col, item.chunk  # type: ignore[union-attr]

    def kind_at(self, index: int) -> Kind:
        """The kind of an entry without making it."""
        item = self._items[index]
        return Kind.OPTION if type(item) is tuple else item.kind  # type: ignore[union-attr]

    def name_at(self, index: int) -> str | None:
        """The name of an entry without making it."""
        item = self._items[index]
        return item[1] if type(item) is tuple else item.name  # type: ignore[union-attr,return-value]

    def with_entries(self, extra: list[Entry]) -> Entries:
        """These entries and ``extra`` (in line order) merged by line, as ``sorted(self +
        extra, key=line)`` would: on the same line these come first."""
        merged = Entries()
        lines, items = merged._lines, merged._items
        pending = iter(extra)
        waiting = next(pending, None)
        for number, item in zip(self._lines, self._items, strict=True):
            while waiting is not None and waiting.line < number:
                lines.append(waiting.line)
                items.append(waiting)
                waiting = next(pending, None)
            lines.append(number)
            items.append(item)
        while waiting is not None:
            lines.append(waiting.line)
            items.append(waiting)
            waiting = next(pending, None)
        return merged

    def __eq__(self, other: object) -> bool:
        return same_items(self, other, Entries)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entries({list(self)!r})"


def same_items(view: Sequence[object], other: object, kind: type) -> bool:
    """``==`` for a compact view: equal to a view of the same kind or to a list holding
    the same items (the storage is not what is compared)."""
    if not isinstance(other, (kind, list)):
        return NotImplemented  # type: ignore[return-value]
    return len(view) == len(other) and all(a == b for a, b in zip(view, other, strict=True))


def options_from(entries: Sequence[Entry], start: int) -> tuple[Sequence[int], int]:
    """The indices of the option entries from ``start`` up to the first directive, and
    the index of that directive (``len(entries)`` when there is none): how the loader
    walks a file without making an Entry per line."""
    if type(entries) is Entries:
        return entries.options_from(start)
    found = []
    for index in range(start, len(entries)):
        kind = entries[index].kind
        if kind is Kind.DIRECTIVE:
            return found, index
        if kind is Kind.OPTION:
            found.append(index)
    return found, len(entries)


def unusual(entries: Sequence[Entry]) -> Iterable[Entry]:
    """``Entries.unusual`` for any sequence of entries (a list: all of them)."""
    return entries.unusual() if type(entries) is Entries else entries


def pick(entries: Sequence[Entry], indices: Iterable[int]) -> Iterator[Entry]:
    """The entries at ``indices`` in that order (see ``Entries.pick``)."""
    if type(entries) is Entries:
        return entries.pick(indices)
    return (entries[index] for index in indices)


SHARED_TEXTS = 4096
"""Distinct line texts remembered while splitting a file, so that repeated lines (a
generated file, the same line a million times) share one string."""


def _shared(cache: dict[str, str], text: str) -> str:
    known = cache.get(text)
    if known is not None:
        return known
    if len(cache) >= SHARED_TEXTS:
        cache.clear()
    cache[text] = text
    return text


@record(slots=True)
class Document:
    """A parsed file: its exact bytes, physical lines and the reader's entries."""

    path: str
    data: bytes
    flavour: Flavour
    entries: Sequence[Entry] = field(default_factory=list)
    """A list, or for the loader's big files ``Entries`` (compact, read-only)."""
    bom: bool = False
    utf8_error: tuple[int, int] | None = None
    """(line, column) of the first byte sequence that is not UTF-8."""
    crlf: bool = False
    final_newline: bool = True
    bundled: bool = False
    """Stands in for a file Kopano's packages install (read from kcconf's facts)."""
    reader_lines: bool = False
    """Lines (and entry numbers) are the reader's own: for the Python reader a lone CR
    ends a line too. What an editor needs; positions for people follow LF."""
    _lines: list[bytes] | None = None

    @property
    def lines(self) -> list[bytes]:
        """The physical lines with their endings; split on first use (checks need only
        the entries, editing needs the lines)."""
        if self._lines is None:
            self._lines = (split_universal_lines(self.data) if self.reader_lines else
                           split_physical_lines(self.data))
        return self._lines

    def to_bytes(self) -> bytes:
        return b"".join(self.lines)


def decode(raw: bytes) -> str:
    """Bytes to text without losing any byte: invalid UTF-8 maps to surrogates."""
    return raw.decode("utf-8", errors="surrogateescape")


def split_physical_lines(data: bytes) -> list[bytes]:
    """Lines with their endings; only LF ends a line (as for fgets)."""
    if not data:
        return []
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


_UNIVERSAL_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_universal_lines(data: bytes) -> list[bytes]:
    """Lines with their endings as Python's text mode reads them: CRLF, CR or LF."""
    return _UNIVERSAL_LINE.findall(data)


def parse(data: bytes, path: str = "<memory>", flavour: Flavour = Flavour.CXX,
          comments: bool = True, marked_comments: bool = False,
          reader_lines: bool = False) -> Document:
    """Split a file into entries the way the chosen Kopano reader does.

    ``comments=False`` leaves out the entries of blank lines and of comment lines the
    reader passes over without trace (most of a shipped file), for checks that only
    look at what the reader keeps; ``lines`` still holds every byte. With
    ``marked_comments`` the comment lines that carry ``kcconf:`` (suppressions and
    hints) are kept all the same (C++ reader; the Python reader keeps every comment).
    ``reader_lines``: number lines as the reader splits them (see ``Document``), for
    editing; the same as physical lines for the C++ reader.
    """
    if marked_comments and not comments and flavour is not Flavour.CXX:
        comments = True
    doc = Document(path=path, data=data, flavour=flavour,
                   reader_lines=reader_lines and flavour is Flavour.PYTHON)
    doc.bom = data.startswith(b"\xef\xbb\xbf")
    doc.crlf = b"\r" in data and b"\r\n" in data  # one byte first: memchr is quicker
    doc.final_newline = not data or data.endswith(b"\n")
    doc.utf8_error = _first_utf8_error(data)
    if flavour is Flavour.CXX:
        plain = None if comments else _plain_cxx_entries(data, doc.utf8_error)
        doc.entries = plain if plain is not None else _cxx_entries(doc.lines, comments, data)
        if marked_comments and not comments:
            marked = _marked_comment_entries(data)
            if marked and isinstance(doc.entries, Entries):
                doc.entries = doc.entries.with_entries(marked)
            elif marked:
                doc.entries = sorted([*doc.entries, *marked], key=lambda e: e.line)
    else:
        doc.entries = list(_python_entries(data, comments, doc.reader_lines))
    return doc


def commented_assignment(name: str) -> re.Pattern[str]:
    """A comment line that reads as ``name = ...`` once its ``#`` is removed: the way
    default configs show an option's default."""
    return re.compile(r"^\s*#+\s*(" + re.escape(name) + r")\s*=")


def find_commented_assignment(doc: Document, name: str) -> tuple[int, int] | None:
    """(line, column of the name) of the first commented-out ``name = ...`` line, also
    where the entries leave comments out; None if there is none."""
    needle = name.encode("utf-8", "surrogateescape")
    if needle not in doc.data:
        return None
    pattern = commented_assignment(name)
    for number, raw in enumerate(doc.lines, 1):
        if needle in raw:
            match = pattern.match(decode(raw))
            if match:
                return number, match.start(1) + 1
    return None


def _first_utf8_error(data: bytes) -> tuple[int, int] | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = len(decode(before[before.rfind(b"\n") + 1 :])) + 1
        return line, col
    return None


def _col(prefix: bytes) -> int:
    """1-based column of the character after ``prefix`` (counted in characters)."""
    return len(decode(prefix)) + 1


def _cxx_entries_general(lines: list[bytes]) -> list[Entry]:
    """Any bytes: lines split into 4095-byte reads, NUL cuts, columns in characters."""
    limit = CXX_LINE_BUFFER - 1
    out: list[Entry] = []
    append = out.append
    comment = Kind.COMMENT
    for number, physical in enumerate(lines, start=1):
        if physical[:1] == b"#" and len(physical) <= limit and b"\0" not in physical:
            # Most lines are comments: the cheap path.
            append(Entry(comment, number, physical.rstrip(b"\n").decode("utf-8",
                                                                          "surrogateescape")))
            continue
        chunks = [physical[i : i + limit] for i in range(0, len(physical), limit)] or [b""]
        offset = 0
        for index, chunk in enumerate(chunks):
            char_base = len(decode(physical[:offset])) if offset else 0
            append(_cxx_entry(chunk, number, index, char_base,
                              no_newline=not physical.endswith(b"\n") and
                              index == len(chunks) - 1))
            offset += len(chunk)
    return out


_READ_LINE_START = re.compile(rb"^[^#\n]", re.MULTILINE)
"""Where a line starts that is neither a comment nor empty."""


def _numbered(lines: list[bytes], comments: bool, data: bytes | None
              ) -> Iterable[tuple[int, bytes]]:
    """(line number, line) to look at. Without comments, and when no line holds a NUL or
    needs a second read, comment and empty lines are skipped by a regular expression
    instead of one by one."""
    if comments or data is None or b"\0" in data or \
            max(map(len, lines), default=0) > CXX_LINE_BUFFER - 1:
        return enumerate(lines, start=1)
    numbered = []
    number, previous = 1, 0
    for match in _READ_LINE_START.finditer(data):
        start = match.start()
        number += data.count(b"\n", previous, start)
        previous = start
        numbered.append((number, lines[number - 1]))
    return numbered


MARK = b"kcconf:"
"""What kcconf's own comment lines carry (see suppress.py)."""


def _marked_comment_entries(data: bytes) -> list[Entry]:
    """The entries ``_cxx_entries`` makes for comment lines holding ``kcconf:``: a line
    whose first byte is # and that fits one read without a NUL."""
    out: list[Entry] = []
    at = data.find(MARK)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end + 1
        physical = data[start:end]
        if physical[:1] == b"#" and len(physical) <= CXX_LINE_BUFFER - 1 and \
                b"\0" not in physical:
            number = data.count(b"\n", 0, start) + 1
            out.append(Entry(Kind.COMMENT, number, decode(physical.rstrip(b"\n"))))
        at = data.find(MARK, end)
    return out


_KEPT_LINE = re.compile(r"\n([^#\n][^\n]*)")
"""A line the reader keeps something of (not a comment, not empty), after its newline:
searched in the text behind one extra newline, which is faster than a ^ anchor."""


def _plain_cxx_entries(data: bytes, utf8_error: tuple[int, int] | None = None
                       ) -> Entries | None:
    """``_cxx_entries(lines, comments=False)`` for the usual file: valid UTF-8, no NUL,
    every line within one read. Works on the decoded text at once instead of line by
    line (a character is then a column); None when the file needs the line reader."""
    limit = CXX_LINE_BUFFER - 1
    if utf8_error is not None or b"\0" in data:
        return None
    if len(data) >= limit and max(map(len, data.split(b"\n"))) >= limit:
        return None  # a line needs a second read, comment lines included
    text = "\n" + data.decode("utf-8")
    size = len(text)
    out = Entries()
    append = out.append
    add_line, add_item = out._lines.append, out._items.append  # add_option, for each line
    ignored, blank = Kind.IGNORED, Kind.BLANK
    trim = _TRIM_TEXT
    count = text.count
    number, previous = 0, 0
    known: dict[str, OptionFields] = {}
    """The fields of option lines seen, by text: a repeated line is split once."""
    for match in _KEPT_LINE.finditer(text):
        start = match.start(1)
        number += count("\n", previous, start)
        previous = start
        line = match.group(1)
        fields = known.get(line)
        if fields is not None:
            add_line(number)
            add_item(fields)
            continue
        if line[0] == "!":
            physical = line.encode() + (b"\n" if match.end() < size else b"")
            for entry in _cxx_entries_general([physical]):
                entry.line = number
                if entry.kind is not blank:
                    append(entry)
            continue
        eq = line.find("=")
        if eq < 0:
            if line.strip(trim):
                append(Entry(ignored, number, line))
            continue
        head = line[:eq]
        name = head.strip(trim)
        if not name:
            append(make_entry(ignored, number, line, note="empty-name"))
            continue
        after = line[eq + 1 :]
        value = after.strip(trim)
        value_col = eq + 2 + len(after) - len(after.lstrip(trim))
        fields = (line, name, value, len(head) - len(head.lstrip(trim)) + 1, value_col)
        if match.end() < size:
            if not value:
                # the line reader's blank value runs past the newline too
                fields = (line, name, value, fields[3], value_col + 1)
            if len(known) >= SHARED_TEXTS:
                known.clear()
            known[line] = fields
        add_line(number)
        add_item(fields)
    return out


def _cxx_entries(lines: list[bytes], comments: bool = True,
                 data: bytes | None = None) -> list[Entry]:
    """ECConfigImpl's view of each line. An ASCII line without NUL that fits one read
    (nearly every line) takes a short path where a byte is a character, so columns need
    no decoding; the others go through ``_cxx_entries_general``. ``data``, the lines
    joined, lets comment lines be skipped faster when ``comments`` is false."""
    limit = CXX_LINE_BUFFER - 1
    out: list[Entry] = []
    append = out.append
    comment, option, blank, ignored = Kind.COMMENT, Kind.OPTION, Kind.BLANK, Kind.IGNORED
    trim = _TRIM_TEXT
    texts: dict[str, str] = {}
    for number, physical in _numbered(lines, comments, data):
        first = physical[:1]
        if first == b"#" and len(physical) <= limit and b"\0" not in physical:
            if comments:
                append(Entry(comment, number, decode(physical.rstrip(b"\n"))))
            continue
        if len(physical) > limit or first == b"!" or not physical.isascii() or \
                b"\0" in physical:
            for entry in _cxx_entries_general([physical]):
                entry.line = number
                if comments or entry.kind is not blank:
                    append(entry)
            continue
        line = physical.decode("ascii")
        eq = line.find("=")
        text = _shared(texts, line.rstrip("\n"))
        if eq < 0:
            if line.strip(trim):
                append(Entry(ignored, number, line.rstrip("\n")))
            elif comments:
                append(Entry(blank, number, line.rstrip("\n")))
            continue
        head = line[:eq]
        name = head.strip(trim)
        if not name:
            append(make_entry(ignored, number, line.rstrip("\n"), note="empty-name"))
            continue
        after = line[eq + 1 :]
        value = after.strip(trim)
        append(Entry(option, number, text, name, value,
                     len(head) - len(head.lstrip(trim)) + 1,
                     eq + 2 + len(after) - len(after.lstrip(trim))))
    return out


def _cxx_entry(chunk: bytes, number: int, index: int, char_base: int,
               no_newline: bool) -> Entry:
    note = None
    if b"\0" in chunk:
        chunk = chunk[: chunk.index(b"\0")]
        note = "nul"
    text = decode(chunk.rstrip(b"\n"))

    def col_at(pos: int) -> int:
        return char_base + _col(chunk[:pos])

    if not chunk:
        return make_entry(Kind.BLANK, number, text, chunk=index, note=note)
    if chunk[:1] == b"#":
        return make_entry(Kind.COMMENT, number, text, chunk=index, note=note)
    if chunk[:1] == b"!":
        return _cxx_directive(chunk, number, index, text, note, no_newline)
    eq = chunk.find(b"=")
    if eq < 0:
        kind = Kind.BLANK if not chunk.strip(CXX_TRIM) else Kind.IGNORED
        return make_entry(kind, number, text, chunk=index, note=note)
    raw_name = chunk[:eq].strip(CXX_TRIM)
    raw_value = chunk[eq + 1 :].strip(CXX_TRIM)
    if not raw_name:
        return make_entry(Kind.IGNORED, number, text, chunk=index, note=note or "empty-name")
    name_pos = len(chunk[:eq]) - len(chunk[:eq].lstrip(CXX_TRIM))
    after = chunk[eq + 1 :]
    value_pos = eq + 1 + len(after) - len(after.lstrip(CXX_TRIM))
    return make_entry(
        Kind.OPTION, number, text,
        name=decode(raw_name), value=decode(raw_value),
        name_col=col_at(name_pos), value_col=col_at(value_pos), chunk=index, note=note,
    )


def _cxx_directive(chunk: bytes, number: int, index: int, text: str, note: str | None,
                   no_newline: bool) -> Entry:
    # The name runs from byte 1 to the first space or tab; with neither, it is the rest of
    # the line including its newline, so a bare "!include" is a directive named
    # "include\n" that no table knows.
    cut = [p for p in (chunk.find(b" ", 1), chunk.find(b"\t", 1)) if p >= 0]
    if cut:
        pos = min(cut)
        name = decode(chunk[1:pos])
        argument = decode(chunk[pos:].strip(CXX_TRIM))
    else:
        name = decode(chunk[1:])
        argument = None
        if no_newline:
            note = "no-argument-at-eof"
    return make_entry(Kind.DIRECTIVE, number, text, directive=name, argument=argument,
                 chunk=index, note=note)


def _python_entries(data: bytes, comments: bool = True, reader_lines: bool = False
                    ) -> Iterator[Entry]:
    """kopano.Config: text mode (UTF-8, universal newlines), ``str.strip`` everything."""
    if reader_lines:
        for number, line in enumerate(split_universal_lines(data), start=1):
            piece = decode(line.rstrip(b"\r\n"))
            if comments or piece.lstrip()[:1] not in ("", "#"):
                yield _python_entry(piece, number)
        return
    text = decode(data)
    # Universal newlines: CRLF, lone CR and LF all end a line. Physical line numbers
    # for positions still follow LF, which is what editors show; a lone CR is rare.
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    for number, physical in enumerate(parts, start=1):
        if physical.endswith("\r"):
            physical = physical[:-1]
        for piece in physical.split("\r"):
            if comments or piece.lstrip()[:1] not in ("", "#"):
                yield _python_entry(piece, number)


def _python_entry(piece: str, number: int) -> Entry:
    stripped = piece.strip()
    if not stripped:
        return Entry(Kind.BLANK, number, piece)
    if stripped.startswith("#"):
        return Entry(Kind.COMMENT, number, piece)
    eq = stripped.find("=")
    if eq < 0:
        return Entry(Kind.IGNORED, number, piece)
    lead = len(piece) - len(piece.lstrip())
    name = stripped[:eq].strip()
    value = stripped[eq + 1 :].strip()
    after = stripped[eq + 1 :]
    value_col = lead + eq + 1 + (len(after) - len(after.lstrip())) + 1
    return Entry(Kind.OPTION, number, piece, name=name, value=value,
                 name_col=lead + 1, value_col=value_col)
