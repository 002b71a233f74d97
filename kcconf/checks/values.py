"""KC3xx: values, judged the way the service will read them.

The message says what the service does with the text (reads ``off`` as true, ``512b``
as 0, ``010`` as 8), because that is what an administrator needs to know. Values of
secret options never appear in a message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .. import fixes, schema, templates, values
from ..diagnostics import Diagnostic, make
from ..effective import CXX_VALUE_LIMIT, reader_semantics
from ..fixes import Fix
from ..loader import Assignment, named
from ..redact import MASK
from ..schema import Option
from . import Context

TRUE_WORDS = {"yes", "true", "1", "on", "enabled", "enable", "y"}
FALSE_LOOKING = {"off", "disabled", "disable", "none", "n", "never", "nein", "non", "nope",
                 "null", "nil", "-", "", "0.0", "inactive"}
# Patterns as text: re compiles each on first use and caches it, so importing this
# module (on the path of every kcconf validate) compiles nothing.
INLINE_COMMENT = r"\s[#;]"
HASH_COMMENT = r"\s#"
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
LISTEN_ITEM = \
    r"^(?:unix:/\S*|(?:\*|\[[0-9A-Fa-f:.]*\]|[^\s\[\]%:]*)(?:%[\w.-]+)?:(\d{1,5}))$"
SOCKET = r"^(?:file://\S+|https?://\S+|default:)$"
URL = r"^[A-Za-z][A-Za-z0-9+.-]*://\S*$"
HEX = r"^(?:0[xX])?[0-9A-Fa-f]+$"


def shown(option: Option, text: str) -> str:
    """A value fit for a message: secrets are never shown (and validate passes every
    message through redact.Redactor besides)."""
    if option.secret:
        return MASK
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


def check(ctx: Context) -> Iterator[Diagnostic]:
    options = ctx.options
    accepted = ctx.component.accepted(ctx.series)
    python = ctx.python
    every = ctx.loaded.assignments
    # A large load is read by name first, so that unknown names make no Assignment.
    pairs = ((a.name, a) for a in every) if type(every) is list else \
        ((name, index) for index, name, _ in named(every))
    for written, found in pairs:
        name = accepted.get(written)
        if name is None or (python and name != written):
            continue  # unknown (a name check's finding); the Python services have no renames
        option = options[name]
        if option.status == "ignored":
            continue
        assignment = found if type(found) is not int else every[found]
        text = assignment.value
        key = (id(option), text)
        if key in _CLEAN:
            continue
        found = list(_assignment(ctx, assignment, option))
        if found:
            yield from found
        elif not text.startswith("$"):  # the environment's value may differ next time
            if len(_CLEAN) >= CLEAN_CACHE_SIZE:
                _CLEAN.clear()
            _CLEAN[key] = option  # held, so that its id is not reused while cached
    yield from _final(ctx)


CLEAN_CACHE_SIZE = 65536
_CLEAN: dict[tuple[int, str], Option] = {}
"""(option, value) pairs that gave no finding: the same value of the same option (an
Option belongs to one component and release, and lives as long as the process) gives
none again, whatever the file. Repositories repeat their values from host to host."""


def _final(ctx: Context) -> Iterator[Diagnostic]:
    """Checks Kopano makes after loading, on the value that won."""
    if ctx.python or ctx.partial:
        return
    root = ctx.loaded.root.path
    settings = ctx.effective.settings
    for name, option in _nonempty(ctx.component, ctx.series):
        if name not in settings:
            continue
        setting = settings[name]
        if setting.option is None or setting.value not in ("", None):
            continue
        if ctx.unread(name):
            continue  # an include kcconf cannot read here may well set it
        a = setting.assignment
        file, line, col = (a.file, a.entry.line, a.entry.value_col) if a else \
            ctx.commented_default(name) or (root, 1, 1)
        origin = "" if a else " (its built-in default is empty)"
        cause = ctx.cut_short(name)
        if cause is not None:
            yield make("KC311", cause[0], cause[1], 1,
                       f"{setting.name} must not be empty: it keeps its empty built-in default"
                       f" {cause[2]}, and the service refuses to start",
                       "Fix the include first; then set the option if it is still empty.",
                       option=setting.name)
            continue
        yield make("KC311", file, line, col,
                   f"{setting.name} must not be empty{origin}: the service refuses to start",
                   f"Give {setting.name} a value, or remove the line to keep the default"
                   f" {option.default!r}." if option.default else f"Give {setting.name} a value.",
                   option=setting.name)


@functools.lru_cache(maxsize=512)
def _nonempty(component, series: str) -> tuple[tuple[str, Option], ...]:
    """The options the reader requires to be non-empty at ``series``."""
    return tuple((name, option) for name, option in component.at(series).items()
                 if option.nonempty)


is_template = templates.is_expression
"""A value that is a template expression: the real value is not known yet."""


def _assignment(ctx: Context, a: Assignment, option: Option) -> Iterator[Diagnostic]:
    text = a.value
    if is_template(text):
        return
    diag = _Reporter(ctx, a, option)

    if not ctx.python:
        if len(text) * 4 > CXX_VALUE_LIMIT and \
                len(text.encode("utf-8", errors="surrogateescape")) > CXX_VALUE_LIMIT:
            yield diag("KC312", f"value is longer than {CXX_VALUE_LIMIT} bytes: the service"
                       " keeps only the first 1023", "Shorten the value.")
        if text.startswith("$"):
            if option.exact:
                if re.match(ENV_NAME, text[1:]):
                    yield diag("KC314", "this option is never taken from the environment:"
                               " the value is used literally, '$' included",
                               "Write the value itself.", )
            else:
                found = ctx.environ.get(text[1:])
                if found is None and option.size:
                    # The literal '$NAME' is then read as a size: not a number.
                    yield diag("KC313", f"{text} is not set in the environment: the service"
                               " reads the text itself as a size, reports an error and keeps"
                               f" the previous value ({option.default!r} by default)",
                               f"Set {text[1:]} for the service, or write the value.",
                               severity="error")
                    return
                if found is None:
                    yield diag("KC313", f"{text} is not set in the environment: the service"
                               " keeps the text itself as the value",
                               f"Set {text[1:]} for the service, or write the value.")
                    return
                text = found
    comment = re.search(INLINE_COMMENT, text) if "#" in text or ";" in text else None
    if comment and text[comment.start() + 1] == "#":
        yield diag("KC303", f"the value includes {text[comment.start() + 1:]!r}:"
                   " Kopano has no comments after a value" if not option.secret else
                   "the value includes a '#' comment: Kopano has no comments after a value",
                   "Put the comment on its own line, starting with #.",
                   fixes=() if option.secret or text != a.value else
                   _comment_above(ctx, a, comment.start()))
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        yield diag("KC316", "the quotes are part of the value: Kopano does not remove them",
                   "Write the value without quotes.")
    if ctx.python:
        yield from _python(ctx, option, text, diag)
    else:
        yield from _cxx(ctx, option, text, diag, bool(comment))


class _Reporter:
    """Makes the findings about one assignment's value (called like ``make``, with the
    place and option filled in), and the fix that writes the value anew. One small
    object per assignment rather than two closures: most values have no finding."""

    __slots__ = ("a", "ctx", "option")

    def __init__(self, ctx: Context, a: Assignment, option: Option) -> None:
        self.ctx, self.a, self.option = ctx, a, option

    def __call__(self, code: str, message: str, hint: str = "", severity: str | None = None,
                 fixes: tuple[Fix, ...] = ()) -> Diagnostic:
        a = self.a
        return make(code, a.file, a.entry.line, a.entry.value_col,
                    f"{self.option.name}: {message}", hint, severity=severity, option=a.name,
                    fixes=fixes)

    def rewrite(self, title: str, applicability: str, value: str) -> tuple[Fix, ...]:
        """The fix that writes the value anew, when the value is written in the file
        (not taken from the environment)."""
        a = self.a
        lines = self.ctx.lines_for(a)
        if lines is None or a.entry.value != a.value:
            return ()
        return (Fix(title, applicability, (fixes.replace_value(lines, a.entry.line, value),)),)


def _comment_above(ctx: Context, a: Assignment, cut: int) -> tuple[Fix, ...]:
    """The ``# comment`` after a value moved to a comment line of its own above it."""
    lines = ctx.lines_for(a)
    if lines is None:
        return ()
    text = a.value
    keep = len(text[:cut].rstrip())
    entry = a.entry
    remark = text[cut:].strip()
    return (Fix("Move the comment to its own line above", "unsafe",
                (fixes.insert_above(lines, entry.line, remark),
                 fixes.delete_span(lines, entry.line, entry.value_col + keep,
                                   entry.value_col + len(text)))),)


def _python(ctx: Context, option: Option, text: str, diag) -> Iterator[Diagnostic]:
    kind = option.py_type
    items = text.split() if option.py_multiple else [text]
    if kind == "boolean":
        if values.python_bool(text) is None:
            yield diag("KC301", f"{shown(option, text)} is not accepted: the service stops at"
                       " start-up", "Write exactly one of yes, no, true, false, 1, 0"
                       " (lower case).")
        return
    if kind == "integer":
        numbers = []
        for item in items:
            number = values.python_int(item, option.py_base)
            if number is None:
                yield diag("KC317", f"{shown(option, item)} is not a whole number"
                           f"{' in base 16' if option.py_base == 16 else ''}: the service"
                           " stops at start-up", "Write a whole number.")
                return
            numbers.append(number)
        if option.py_options is not None and any(str(n) not in option.py_options for n in numbers):
            yield diag("KC310", f"{shown(option, text)} is not one of"
                       f" {', '.join(option.py_options)}: the service stops at start-up")
            return
        for number in numbers:
            yield from _range(option, number, diag)
        return
    if kind == "size":
        number = values.python_size(text)
        if number is None:
            yield diag("KC308", f"{shown(option, text)} is not a size: the service stops at"
                       " start-up", "Write a number with a unit (the Python services need"
                       " one): 512b, 64k, 16mb, 2gib.")
            return
        yield from _range(option, number, diag)
        return
    if option.py_options is not None:
        bad = [i for i in items if i not in option.py_options]
        if bad:
            yield diag("KC310", f"{shown(option, bad[0])} is not one of"
                       f" {', '.join(option.py_options)} (compared exactly): the service stops"
                       " at start-up", "Use one of the listed words, in lower case.")
        return
    yield from _shape(option, text, diag)


def _cxx(ctx: Context, option: Option, text: str, diag, has_comment: bool
         ) -> Iterator[Diagnostic]:
    case_insensitive_bool, humansize = reader_semantics(ctx.series)
    kind = option.type
    if option.size:
        yield from _size(option, text, humansize, diag)
        return
    if kind == "boolean":
        yield from _bool(option, text, case_insensitive_bool, diag, has_comment)
        return
    if kind in ("integer", "duration", "loglevel"):
        yield from _integer(option, text, diag, has_comment, ctx.series)
        return
    if has_comment and re.search(HASH_COMMENT, text):
        yield from _after_comment(_enum(option, text, diag, case_insensitive_bool)
                                  if kind == "enum" else
                                  _shape(option, text, diag))
        return
    if kind == "enum":
        yield from _enum(option, text, diag, case_insensitive_bool)
        return
    yield from _shape(option, text, diag)


def _after_comment(found: Iterator[Diagnostic]) -> Iterator[Diagnostic]:
    """A value refused only because it holds a '# comment' (KC303, reported before it)
    says so, once: each word of the comment is no further mistake."""
    seen: set[str] = set()
    for d in found:
        if d.code in ("KC310", "KC315"):
            if d.code in seen:
                continue
            seen.add(d.code)
            d.message += " (the comment after it is part of the value)"
        yield d


def _bool(option: Option, text: str, ci: bool, diag, has_comment: bool) -> Iterator[Diagnostic]:
    if not values.cxx_bool(text, ci):
        return
    low = text.lower()
    if low in values.CXX_FALSE_WORDS:
        yield diag("KC302", f"{text!r} is read as TRUE in this release: the comparison is"
                   " case-sensitive before 10.0", f"Write {low}.",
                   fixes=diag.rewrite(f"Write {low}", "unsafe", low))
        return
    if has_comment:
        word = text.split()[0].lower() if text.split() else ""
        if word in values.CXX_FALSE_WORDS or word in FALSE_LOOKING:
            yield diag("KC302", f"{text!r} is read as TRUE: the comment is part of the value",
                       f"Write just {word if word in values.CXX_FALSE_WORDS else 'no'}.")
        return
    bare = low.strip("\"'")
    if bare in FALSE_LOOKING or bare in values.CXX_FALSE_WORDS:
        yield diag("KC302", f"{text!r} is read as TRUE: only no, false and 0 mean false",
                   "Write no.", fixes=diag.rewrite("Write no", "unsafe", "no"))
        return
    if low not in TRUE_WORDS:
        yield diag("KC301", f"{text!r} is not a boolean word: the service reads it as true",
                   "Write yes or no.", severity="warning")


def _integer(option: Option, text: str, diag, has_comment: bool,
             series: str) -> Iterator[Diagnostic]:
    base = option.spec.get("x-kc-int-base", 10)
    number = values.strtol(text, base) if base != 10 else values.atoi(text)
    if not number.found:
        yield diag("KC304", f"{text!r} is not a number: the service reads 0",
                   "Write a whole number.")
        yield from _range(option, 0, diag)
        return
    rest = text[number.end:].strip()
    if rest and not has_comment:
        yield diag("KC306", f"{text!r} is read as {number.value}: the text after the number"
                   " is ignored", f"Write {number.value}.",
                   fixes=diag.rewrite(f"Write {number.value}", "safe", str(number.value)))
    if base == 0 and re.match(r"^[+-]?0[0-9]", text.strip()):
        stripped = text.strip()
        sign = "-" if stripped.startswith("-") else ""
        decimal = sign + (stripped.lstrip("+-").lstrip("0") or "0")
        if rest:
            choices: tuple[Fix, ...] = ()
        elif decimal == str(number.value):  # 0 to 7: both readings agree
            choices = diag.rewrite(f"Write {decimal}", "safe", decimal)
        else:
            choices = diag.rewrite(f"Write {number.value} (the octal reading the service"
                                   " makes)", "unsafe", str(number.value)) + \
                diag.rewrite(f"Write {decimal} (the number read as decimal)", "unsafe",
                             decimal)
        yield diag("KC307", f"{text!r} starts with 0, so the service reads it as octal:"
                   f" {number.value}", f"Write {number.value} without the leading zero, or"
                   f" {text.strip().lstrip('+-0') or '0'} if you meant decimal.",
                   fixes=choices)
    table = option.spec.get("x-kc-flag-bits")
    if table and number.value < 0:
        yield _negative_flags(option, number.value, table, diag)
        return
    if table:
        yield from _flag_bits(option, number.value, table, series, diag)
        return
    yield from _range(option, number.value, diag)


def _negative_flags(option: Option, number: int, table_name: str, diag) -> Diagnostic:
    """The logger keeps its level in an unsigned 32-bit number: a negative one becomes a
    large one (-1 is 0xffffffff), whose level part is above every level and whose upper
    bits switch on every subsystem. The service starts and logs (nearly) everything."""
    unsigned = number & 0xFFFFFFFF
    table = schema.flag_table(table_name)
    level = unsigned & table["level_mask"]
    high = option.spec.get("maximum")
    above = high is not None and level > high
    flags = unsigned & table["flag_mask"]
    switches = "" if not flags else " and every subsystem switch" if \
        flags == table["flag_mask"] else f" and the subsystem bits 0x{flags:08x}"
    return diag("KC305", f"{number} is negative: the service reads it as the unsigned number"
                f" 0x{unsigned:08x}, level {level}{switches}"
                + (f", and logs everything, as at {_num(high)}" if above else ""),
                f"Write {_num(high)} to log everything, or a level of at least 0."
                if above else "Write a level of at least 0.", severity="warning")


def _flag_bits(option: Option, number: int, table_name: str, series: str,
               diag) -> Iterator[Diagnostic]:
    """A level in the low bits plus switches above it (log_level's subsystem bits):
    only the level part has a range, and each switch must exist in this release."""
    table = schema.flag_table(table_name)
    level_mask, flag_mask = table["level_mask"], table["flag_mask"]
    level = number & level_mask
    known = {int(f["bit"], 16): f for f in schema.flags_at(table_name, series)}
    flags = number & flag_mask
    unknown = [bit for bit in _bits(flags) if bit not in known]
    if unknown:
        gone = {int(f["bit"], 16): f for f in table["flags"]}
        words = [f"0x{bit:08x}" + (f" ({gone[bit]['name']}, {_flag_span(gone[bit])})"
                                   if bit in gone else "") for bit in unknown]
        yield diag("KC305", f"{'bit' if len(words) == 1 else 'bits'} {', '.join(words)}"
                   f" {'switches' if len(words) == 1 else 'switch'} on no subsystem in"
                   f" {series}: no message carries {'it' if len(words) == 1 else 'them'}",
                   "Use the subsystem bits listed for this release, or remove the bit.",
                   severity="warning")
    ignored = number & ~(level_mask | flag_mask)
    if ignored:
        where = ("lies between the level and the subsystem bits" if flag_mask
                 else "lies above the level and switches nothing here")
        yield diag("KC305", f"0x{ignored:x} {where}: the service ignores it and reads"
                   f" level {level}", f"Write 0x{number & (level_mask | flag_mask):08x}."
                   if flag_mask else f"Write {level}.", severity="warning")
    high = option.spec.get("maximum")
    if high is not None and level > high:
        yield diag("KC305", f"level {level} is above {_num(high)}: the service logs everything,"
                   f" as at {_num(high)}", f"Write {_num(high)}" + (
                       f" plus the subsystem bits (0x{flags + int(high):08x})." if flags
                       else "."), severity="warning")
        return
    yield from _range(option, level, diag)


def _bits(value: int) -> list[int]:
    return [1 << i for i in range(value.bit_length()) if value >> i & 1]


def _flag_span(flag: dict) -> str:
    until = flag.get("until")
    return f"{flag['since']} to {until}" if until else f"from {flag['since']}"


def _range(option: Option, number: int, diag) -> Iterator[Diagnostic]:
    low = option.spec.get("minimum")
    high = option.spec.get("maximum")
    if (low is not None and number < low) or (high is not None and number > high):
        instead = option.spec.get("x-kc-outside-range")
        if instead:
            # The service corrects the value itself (clamps it, raises it): it works.
            bound = _num(low) if low is not None and number < low else _num(high)
            side = "below the minimum" if low is not None and number < low else \
                "above the maximum"
            yield diag("KC305", f"{number} is {side} of {bound}: {instead}",
                       f"Write {bound} to say what happens.", severity="warning")
            return
        unit = option.spec.get("x-kc-unit")
        unit = f" {unit}" if unit and unit != "count" else ""  # a count has no unit word
        if low is not None and high is not None:
            span = f"{_num(low)}..{_num(high)}"
            yield diag("KC305", f"{number} is outside {span}{unit}", f"Choose a value in {span}.")
        elif low is not None:
            yield diag("KC305", f"{number} is below the minimum of {_num(low)}{unit}",
                       f"Choose a value of at least {_num(low)}.")
        else:
            yield diag("KC305", f"{number} is above the maximum of {_num(high)}{unit}",
                       f"Choose a value of at most {_num(high)}.")


def _num(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def _size(option: Option, text: str, humansize: bool, diag) -> Iterator[Diagnostic]:
    reading = values.cxx_size(text, humansize)
    if not reading.accepted:
        yield diag("KC308", f"{text!r} is not a size: the service reports an error and keeps"
                   f" the previous value ({option.default!r} by default)",
                   "Write a number with an optional k, m or g multiplier, like 64M.")
        return
    if not reading.suffix_known:
        if humansize:
            yield diag("KC309", f"{text!r}: the suffix {reading.suffix!r} is unknown, so the"
                       " service reads 0", "Use K, M, G or T (powers of 1024), or no suffix.")
        else:
            yield diag("KC309", f"{text!r}: the suffix {reading.suffix!r} is ignored in this"
                       f" release, so the service reads {reading.value}",
                       "Use k, m or g (powers of 1024), or no suffix.", severity="warning")
    yield from _range(option, reading.value, diag)


def _enum(option: Option, text: str, diag, case_insensitive_bool: bool = True
          ) -> Iterator[Diagnostic]:
    choices = schema.enum_at(option.spec, option.series)
    if not choices:
        return
    insensitive = option.spec.get("x-kc-case-insensitive", False)
    probe = text.lower() if insensitive else text
    accepted = [c.lower() for c in choices] if insensitive else choices
    if probe not in accepted:
        close = [c for c in choices if c.lower() == text.lower()]
        hint = (f"Write {close[0]}: the comparison is case-sensitive." if close else
                f"Use one of: {', '.join(choices)}.")
        otherwise = schema.otherwise_at(option.spec, option.series)
        if isinstance(otherwise, dict) and "prefix" in otherwise:
            # The service compares the first letters only (strncmp).
            starts = [p for p in otherwise["prefix"] if text.startswith(p)]
            acts = otherwise["prefix"][starts[0]] if starts else otherwise["else"]
            tested = " or ".join(otherwise["prefix"])
            yield diag("KC310", f"{shown(option, text)} is not one of {', '.join(choices)}:"
                       f" the service only tests whether it starts with {tested} (case"
                       f" matters) and acts as {acts}", hint if close else f"Write {acts} to"
                       f" say what happens, or another of: "
                       f"{', '.join(c for c in choices if c != acts)}.", severity="warning")
            return
        if isinstance(otherwise, dict):
            # The service tests for some words, then reads the rest as a boolean.
            truth = values.cxx_bool(text, case_insensitive_bool)
            acts = otherwise["true" if truth else "false"]
            yield diag("KC310", f"{shown(option, text)} is not one of {', '.join(choices)}:"
                       f" the service reads it as a boolean, {'true' if truth else 'false'},"
                       f" and acts as {acts}", hint if close else f"Write {acts} to say what"
                       f" happens, or another of: {', '.join(c for c in choices if c != acts)}.",
                       severity="warning")
            return
        if otherwise is not None:
            # The service compares with some words only and treats the rest alike:
            # it starts and works, just maybe not as the writer meant.
            yield diag("KC310", f"{shown(option, text)} is not one of {', '.join(choices)}:"
                       f" the service treats it as {otherwise}",
                       hint if close else f"Write {otherwise} to say what happens, or another"
                       f" of: {', '.join(c for c in choices if c != otherwise)}.",
                       severity="warning")
            return
        yield diag("KC310", f"{shown(option, text)} is not one of {', '.join(choices)}", hint)


FORMS = {"socket": (SOCKET, "file:///path/to.sock, http://host:port/, https://host:port/"
                    " or default:"),
         "url": (URL, "a URL with a scheme, like ldap://host:389"),
         "hex": (HEX, "hexadecimal digits"),
         "email": (r"^[^@\s]+@[^@\s]+$", "an address like name@example.com")}
"""String kinds with a form: the pattern a value must match (compiled when first used)
and how to describe it."""


def _shape(option: Option, text: str, diag) -> Iterator[Diagnostic]:
    """Form checks for structured strings: warnings, since the service may still cope."""
    kind = option.type
    if text == "" or option.secret:
        return
    if kind == "list":
        allowed = option.spec.get("x-kc-items")
        if allowed:
            separator = option.spec.get("x-kc-separator")
            items = [i.strip() for i in (text.split(separator) if separator else text.split())]
            insensitive = option.spec.get("x-kc-case-insensitive", False)
            pool = {a.lower() for a in allowed} if insensitive else set(allowed)
            for item in items:
                if item and (item.lower() if insensitive else item) not in pool:
                    yield diag("KC310", f"{item!r} is not one of {', '.join(allowed)}",
                               "Remove or correct the item.")
        return
    if kind == "listen":
        for item in text.split():
            match = re.match(LISTEN_ITEM, item)
            if not match or (match.group(1) and not 0 < int(match.group(1)) < 65536):
                yield diag("KC315", f"{item!r} is not a listen address",
                           "Write address:port, *:port, [::1]:port, *%iface:port or"
                           " unix:/path: Kopano's listeners take an IP address, not a"
                           " host name.")
        return
    if kind in FORMS:
        pattern, what = FORMS[kind]
        if not re.match(pattern, text):
            yield diag("KC315", f"{text!r} does not look like {what.split(',')[0]}",
                       f"Expected {what}.")
        return
    if kind == "ldap-filter" and (not text.startswith("(") or text.count("(") != text.count(")")):
        yield diag("KC315", f"{text!r} is not an LDAP filter in balanced parentheses",
                   "Write a filter like (objectClass=person).")
        return
    pattern = option.spec.get("pattern")
    if pattern and not re.search(pattern, text):
        yield diag("KC315", f"{shown(option, text)} does not have the expected form",
                   option.spec.get("title", ""))
