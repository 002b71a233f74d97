"""What a piece of text from a config file may look like in kcconf's output.

Config files are bytes: names, values, directive arguments and file names can hold
terminal escape sequences, line breaks and bytes that are not UTF-8. Printed as they
are, they would clear a screen, set a window title, split one diagnostic into two or
make JSON and XML that strict readers reject. Every output goes through one of these:

* ``human`` for text read by people (terminal, CI log): control characters (C0, DEL,
  C1), bidirectional-text controls, line and paragraph separators and the byte order
  mark are written as ``\\xNN`` or ``\\uNNNN``, so a diagnostic is always one line.
* ``machine`` for JSON and SARIF: only bytes that are not UTF-8 change; the JSON
  encoder escapes control characters itself and the value stays exact.
* ``xml`` for JUnit: also the characters XML 1.0 cannot carry at all (most C0
  controls, U+FFFE, U+FFFF), written as escapes.

A byte that is not UTF-8 (kept by the reader as a surrogate escape) is written as
``\\xNN`` in every format, so the output is valid UTF-8 whatever the input.
"""

from __future__ import annotations

import functools
import re

_BIDI_AND_INVISIBLE = "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e" \
                      "\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff"


# Patterns as text, compiled by re on first use (and cached there): a class of
# surrogates takes re about a millisecond to compile, and most runs never print a
# character outside ASCII.
SURROGATE = "[\ud800-\udfff]"
XML_UNSAFE = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@functools.lru_cache(maxsize=8)
def _human_unsafe(keep: str) -> re.Pattern[str]:
    unsafe = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in keep)
    return re.compile(f"[{re.escape(unsafe + _BIDI_AND_INVISIBLE)}\ud800-\udfff]")


def human(text: str, keep_tab: bool = False, keep: str = "") -> str:
    """Text for people: one line, nothing a terminal acts on. ``keep_tab`` leaves tabs
    (the indentation of a config line shown in a diff); ``keep`` names other control
    characters the caller escapes its own way."""
    if text.isprintable():
        return text
    return _human_unsafe(keep + ("\t" if keep_tab else "")).sub(_escaped, text)


def machine(text: str) -> str:
    """Text for JSON and SARIF: valid UTF-8, otherwise unchanged."""
    if text.isascii():
        return text
    return re.sub(SURROGATE, _escaped, text)


def xml(text: str) -> str:
    """Text XML 1.0 can carry (to be escaped for markup by the caller)."""
    if text.isprintable():
        return text
    return re.sub(XML_UNSAFE, _escaped, text)


def machine_data(data: object) -> object:
    """``machine`` applied to every string (keys included) of a JSON-like value."""
    if isinstance(data, str):
        return machine(data)
    if isinstance(data, dict):
        return {machine(k) if isinstance(k, str) else k: machine_data(v)
                for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [machine_data(v) for v in data]
    return data
