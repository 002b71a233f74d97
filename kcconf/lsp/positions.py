"""Places in a buffer: kcconf's and the editor's ways of counting.

kcconf counts lines split at LF (as Kopano's reader does) from 1 and columns in
characters from 1 (dialect.decode: an invalid byte is one character); fixes are byte
offsets. LSP counts lines split at CRLF, CR or LF from 0 and columns in UTF-16 code
units, where a character beyond the BMP (an emoji) takes two. Everything goes through
byte offsets, so a lone CR or a wide character cannot shift a range.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

from ..dialect import decode

_LSP_LINE_END = re.compile(rb"\r\n|\r|\n")


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units (a lone surrogate, an invalid byte, counts one)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """Line starts of one buffer, both ways of splitting it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # bytes.splitlines splits at exactly LSP's line ends (CRLF, CR, LF).
        self.lsp_starts = _starts(len(line) for line in data.splitlines(keepends=True))
        if data and not data.endswith((b"\n", b"\r")):
            self.lsp_starts.pop()  # the last line has no ending: nothing starts after it
        self.lf_starts = _starts(len(line) + 1 for line in data.split(b"\n")[:-1])

    def _lsp_line_end(self, line: int) -> int:
        """End of an LSP line's text, before its line ending."""
        start = self.lsp_starts[line]
        found = _LSP_LINE_END.search(self.data, start)
        return found.start() if found else len(self.data)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, UTF-16 column) of a byte offset; inside a line ending: its start."""
        offset = max(0, min(offset, len(self.data)))
        line = bisect.bisect_right(self.lsp_starts, offset) - 1
        start = self.lsp_starts[line]
        offset = min(offset, self._lsp_line_end(line))
        return line, utf16_units(decode(self.data[start:offset]))

    def offset(self, line: int, character: int) -> int:
        """Byte offset of an LSP position; past the end of a line: the line's end."""
        if line < 0:
            return 0
        if line >= len(self.lsp_starts):
            return len(self.data)
        start, end = self.lsp_starts[line], self._lsp_line_end(line)
        units = 0
        consumed = 0
        for ch in decode(self.data[start:end]):
            if units >= character:
                break
            units += 2 if ord(ch) > 0xFFFF else 1
            consumed += len(ch.encode("utf-8", "surrogateescape"))
        return start + consumed

    def kcconf_offset(self, line: int, col: int) -> int:
        """Byte offset of kcconf's (line, column), both 1-based, columns in characters."""
        if line < 1:
            return 0
        if line > len(self.lf_starts):
            return len(self.data)
        start = self.lf_starts[line - 1]
        end = self.lf_starts[line] - 1 if line < len(self.lf_starts) else len(self.data)
        text = decode(self.data[start:end])
        return start + len(text[: max(col - 1, 0)].encode("utf-8", "surrogateescape"))

    def kcconf_line(self, offset: int) -> int:
        """kcconf's 1-based line (LF-split) holding a byte offset."""
        return bisect.bisect_right(self.lf_starts, offset)


def _starts(lengths: Iterable[int]) -> list[int]:
    """Line start offsets from line lengths (0 first; a final line ending starts an
    empty last line)."""
    return [0, *itertools.accumulate(lengths)]
