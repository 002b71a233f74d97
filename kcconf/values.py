"""How Kopano turns the text of a value into a number, a size or a boolean.

Each function mirrors one reading in Kopano's source so that kcconf can say what a
service will really do with a value, not what the writer hoped. Release differences
(series before 10.0 compare booleans case-sensitively and know only k/m/g sizes) are
passed in as flags by the caller, which takes them from ``schemas/kopano.json``.
"""

from __future__ import annotations

from .records import record

C_SPACE = " \t\n\v\f\r"
"""isspace() in the C locale: what strtol/strtoul skip before a number."""

UINT64 = 1 << 64
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)


@record(slots=True)
class Number:
    """A number read from the start of a text, as the C library reads it."""

    value: int
    end: int
    """Characters consumed; 0 when no digits were found (the C ``endptr == nptr``)."""

    @property
    def found(self) -> bool:
        return self.end > 0


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def c_lower(text: str) -> str:
    """C tolower in the C locale: ASCII letters only. ``str.lower`` would change other
    characters too, some into two (U+0130 becomes 'i' plus a combining dot), some into
    ASCII (the Kelvin sign becomes 'k'), none of which Kopano's byte-wise reader does."""
    return text.translate(_ASCII_LOWER)


def c_upper(text: str) -> str:
    """C toupper in the C locale: ASCII letters only."""
    return text.translate(_ASCII_UPPER)


_C_DIGIT = {c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}
_C_DIGIT.update({c.upper(): i for c, i in _C_DIGIT.items() if c.isalpha()})


def _c_digits(text: str, pos: int, base: int) -> tuple[int, int]:
    """Digits of ``base`` from ``pos``: ASCII only, as C's strtol reads them."""
    value = 0
    start = pos
    digits = _C_DIGIT
    while pos < len(text):
        digit = digits.get(text[pos])
        if digit is None or digit >= base:
            break
        value = value * base + digit
        pos += 1
    return value, pos - start


def _sign(text: str) -> tuple[int, bool]:
    """Skip C white space and an optional sign: (position, negative)."""
    pos = 0
    while pos < len(text) and text[pos] in C_SPACE:
        pos += 1
    if pos < len(text) and text[pos] in "+-":
        return pos + 1, text[pos] == "-"
    return pos, False


def strtol(text: str, base: int = 10) -> Number:
    """C strtol: blanks, sign, then digits in ``base`` (0: 0x hex, 0 octal, else decimal)."""
    pos, negative = _sign(text)
    if base in (0, 16) and c_lower(text[pos : pos + 2]) == "0x" and \
            _c_digits(text, pos + 2, 16)[1] > 0:
        pos += 2
        base = 16
    elif base == 0:
        base = 8 if text[pos : pos + 1] == "0" else 10
    value, count = _c_digits(text, pos, base)
    if count == 0:
        return Number(0, 0)
    value = -value if negative else value
    value = max(INT64_MIN, min(INT64_MAX, value))
    return Number(value, pos + count)


def strtoul(text: str, base: int = 10) -> Number:
    """C strtoull: like strtol, but a minus sign wraps the number modulo 2**64."""
    pos, negative = _sign(text)
    value, count = _c_digits(text, pos, base)
    if count == 0:
        return Number(0, 0)
    if value >= UINT64:
        value = UINT64 - 1
    elif negative:
        value = (-value) % UINT64
    return Number(value, pos + count)


def atoi(text: str) -> Number:
    """C atoi: strtol base 10, the result cut to a 32-bit int."""
    n = strtol(text, 10)
    value = (n.value + (1 << 31)) % (1 << 32) - (1 << 31)
    return Number(value, n.end)


def strtod_prefix(text: str) -> tuple[float, int]:
    """C strtod for plain decimal numbers: the value and the characters consumed."""
    pos = 0
    while pos < len(text) and text[pos] in C_SPACE:
        pos += 1
    start = pos
    if pos < len(text) and text[pos] in "+-":
        pos += 1
    digits = 0
    while pos < len(text) and text[pos].isascii() and text[pos].isdigit():
        pos += 1
        digits += 1
    if pos < len(text) and text[pos] == ".":
        pos += 1
        while pos < len(text) and text[pos].isascii() and text[pos].isdigit():
            pos += 1
            digits += 1
    if digits == 0:
        return 0.0, 0
    if pos < len(text) and text[pos] in "eE":
        exp = pos + 1
        if exp < len(text) and text[exp] in "+-":
            exp += 1
        if exp < len(text) and text[exp].isascii() and text[exp].isdigit():
            while exp < len(text) and text[exp].isascii() and text[exp].isdigit():
                exp += 1
            pos = exp
    try:
        return float(text[start:pos]), pos
    except (ValueError, OverflowError):
        return float("inf"), pos


# --- sizes -----------------------------------------------------------------------

@record(frozen=True, slots=True)
class SizeReading:
    """What a C++ service stores for a SIZE option."""

    accepted: bool
    """False: Kopano rejects the value with an error and keeps the previous one."""
    value: int = 0
    suffix: str = ""
    """The character after the number that decided the multiplier ('' at the end)."""
    suffix_known: bool = True
    """False when the suffix was ignored (before 10.0) or turned the value into 0 (10.0+)."""


_SHIFTS_HUMANSIZE = {"K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}
_SHIFTS_OLD = {"k": 10, "m": 20, "g": 30}


def cxx_size(text: str, humansize: bool) -> SizeReading:
    """A SIZE option in ECConfigImpl: first the strtoul check, then the conversion.

    ``humansize`` selects the 10.0+ reading (K..E multipliers, an unknown suffix gives 0,
    a decimal point re-reads the number as a float); otherwise the older one (k/m/g in any
    case, any other suffix ignored).
    """
    if not strtoul(text).found:
        return SizeReading(False)
    return _humansize(text) if humansize else _old_size(text)


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _old_size(text: str) -> SizeReading:
    n = strtoul(text)
    if n.value == 0 or n.end >= len(text):
        return SizeReading(True, n.value)
    pos = _skip_blanks(text, n.end)
    suffix = text[pos : pos + 1]
    shift = _SHIFTS_OLD.get(c_lower(suffix))
    if shift is None:
        return SizeReading(True, n.value, suffix, suffix == "")
    return SizeReading(True, (n.value << shift) % UINT64, suffix)


def _humansize(text: str) -> SizeReading:
    n = strtoul(text)
    if text[n.end : n.end + 1] == ".":
        value, end = strtod_prefix(text)
        pos = _skip_blanks(text, end)
        suffix = text[pos : pos + 1]
        if suffix == "":
            factor = 1
        elif c_upper(suffix) in _SHIFTS_HUMANSIZE:
            factor = 1 << _SHIFTS_HUMANSIZE[c_upper(suffix)]
        elif c_upper(suffix) in ("Z", "Y"):
            factor = 1 << (70 if c_upper(suffix) == "Z" else 80)
        else:
            return SizeReading(True, 0, suffix, False)
        total = value * factor
        return SizeReading(True, int(total) if total < UINT64 else UINT64 - 1, suffix)
    pos = _skip_blanks(text, n.end)
    suffix = text[pos : pos + 1]
    if suffix == "":
        return SizeReading(True, n.value)
    up = c_upper(suffix)
    if up in _SHIFTS_HUMANSIZE:
        shifted = n.value << _SHIFTS_HUMANSIZE[up]
        return SizeReading(True, shifted if shifted < UINT64 else UINT64 - 1, suffix)
    if up in ("Z", "Y"):
        return SizeReading(True, UINT64 - 1, suffix)
    return SizeReading(True, 0, suffix, False)


_PY_SIZE_UNITS = (
    ("b", "k", "m", "g", "t", "p", "e", "z", "y"),
    ("b", "kb", "mb", "gb", "tb", "pb", "eb", "zb", "yb"),
    ("b", "kib", "mib", "gib", "tib", "pib", "eib", "zib", "yib"),
)


def python_size(text: str) -> int | None:
    """kopano.utils.human_to_bytes: digits and dots, then an optional unit; None if invalid.

    An invalid size raises an exception that kopano.Config does not catch, so the
    service stops at start-up.
    """
    lowered = text.lower()
    pos = 0
    while pos < len(lowered) and (lowered[pos].isdigit() or lowered[pos] == "."):
        pos += 1
    try:
        number = float(lowered[:pos])
    except ValueError:
        return None
    unit = lowered[pos:].strip()
    for units in _PY_SIZE_UNITS:
        if unit in units:
            index = units.index(unit)
            return int(number * (1 if index == 0 else 1 << (index * 10)))
    return None


# --- booleans -------------------------------------------------------------------

CXX_FALSE_WORDS = ("0", "false", "no")
PYTHON_BOOLEANS = {"yes": True, "no": False, "true": True, "false": False, "0": False, "1": True}


def cxx_bool(text: str, case_insensitive: bool) -> bool:
    """parseBool: only 0, false and no are false (any case from 10.0); all else is true."""
    word = c_lower(text) if case_insensitive else text
    return word not in CXX_FALSE_WORDS


def python_bool(text: str) -> bool | None:
    """kopano.Config: exactly these six words; anything else stops the service."""
    return PYTHON_BOOLEANS.get(text)


def python_int(text: str, base: int = 10) -> int | None:
    """kopano.Config integers are Python's int(text, base)."""
    try:
        return int(text, base)
    except ValueError:
        return None
