"""Config files that are templates: what the renderer will put in is unknown, so lines
that are only template syntax are masked (kept as bare comments, so line numbers stay)
and the branches of conditionals are recorded, so that an option set in both arms of
an ``if`` is not taken for a duplicate.

Dialects, as configuration management tools write them:

- Jinja2 (Ansible, Salt): ``{{ x }}``, ``{% if %}`` ... ``{% endif %}``, ``{# #}``.
- ERB (Chef, Puppet 3) and Puppet EPP: ``<%= x %>``, ``<% if x %>`` ... ``<% end %>``,
  ``<% if $x { -%>`` ... ``<% } -%>``.
- Mason (Zentyal): ``<%args>`` ... ``</%args>`` blocks, ``% perl`` lines, ``<% $x %>``.
- Go templates (dockerize, confd, Helm): ``{{ .Env.X }}``, ``{{ if }}`` ... ``{{ end }}``.
- Smarty-like ``.tpl``: ``{$x}``, ``{if}`` ... ``{/if}``, ``{* *}``.
- Perl Text::Template (e-smith/NethServer fragments): ``{`` ... ``}`` blocks of code.

A template whose code blocks may write settings of their own (Mason, Text::Template)
hides settings from kcconf: ``Masked.unseen`` says so, and whole-configuration checks
(empty mandatory options, cross-option rules) are then left out.
"""

from __future__ import annotations

import functools
import os
import re

from .placement import TEMPLATE_SUFFIXES
from .records import field, record

JINJA, ERB, MASON, GO, SMARTY, PERL = "jinja", "erb", "mason", "go", "smarty", "perl"

_CURLY = rb"\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\}|\{\{(?:(?!\}\}).)*\}\}"
_ANGLE = rb"<%(?:(?!%>).)*%>"
_SMARTY = rb"\{(?:\*(?:(?!\*\}).)*\*|/?[A-Za-z$][^{}\n]*)\}"
_TAGS = {JINJA: _CURLY + b"|" + _ANGLE, ERB: _ANGLE + b"|" + _CURLY, GO: _CURLY + b"|" + _ANGLE,
         MASON: _ANGLE + b"|" + _CURLY, SMARTY: _SMARTY + b"|" + _CURLY, PERL: _CURLY}


@functools.cache
def tag_line(dialect: str) -> re.Pattern[bytes]:
    """A line that is nothing but template tags, in ``dialect``. Compiled on first use:
    most configs are no templates, and these patterns cost start-up time."""
    tag = _TAGS[dialect]
    return re.compile(rb"^[ \t]*(?:" + tag + rb")(?:[ \t]*(?:" + tag + rb"))*[ \t]*\r?$")


@functools.cache
def _tag_text(dialect: str) -> re.Pattern[bytes]:
    return re.compile(_TAGS[dialect])


MARKERS = (b"{%", b"{{", b"{#", b"<%")
MASON_BLOCK = re.compile(rb"^[ \t]*<%(args|init|once|shared|perl|cleanup|doc|flags|attr|filter|"
                         rb"method|def|text)\b[^>]*>", re.IGNORECASE)

_OPEN_WORDS = {"if", "unless", "for", "foreach", "while", "until", "range", "with", "case",
               "section", "macro", "block", "define", "call", "filter"}
_CONDITIONAL_WORDS = {"if", "unless", "case", "with"}
_MIDDLE_WORDS = {"else", "elif", "elsif", "elseif", "when"}
_WORD = re.compile(r"[A-Za-z_]+")


@record(slots=True)
class Masked:
    """A template's bytes with its template-only lines masked, and its branch structure."""

    data: bytes
    dialect: str | None
    control: bool = False
    """Some masked line is control flow (if, else, end ...)."""
    unseen: bool = False
    """Code blocks may set options kcconf cannot see (Mason, Text::Template)."""
    followed: bool = True
    """The conditionals could be followed (balanced): paths can be trusted."""
    paths: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """For a line inside conditionals: (block, arm) of each enclosing conditional."""

    def conditions(self, line: int) -> tuple[tuple[int, int], ...]:
        """The arms a line is rendered under: two lines with equal conditions are in the
        rendered file together. Two ifs may test exclusive conditions (backend == 'db',
        backend == 'ldap'), so lines under different conditions may not be."""
        return self.paths.get(line, ())


def is_expression(text: str) -> bool:
    """Template expressions: Jinja2 and Go ({{ }}, {% %}), ERB, EPP and Mason (<%= %>,
    <% $x %>), Smarty and Perl Text::Template ({$x}): the real text is not known yet."""
    return "{{" in text or "{%" in text or "<%" in text or "{$" in text


DIALECT_BY_SUFFIX = {".mas": MASON, ".tpl": SMARTY, ".erb": ERB, ".epp": ERB, ".j2": JINJA,
                     ".jinja": JINJA, ".jinja2": JINJA}
_NAMED_SUFFIXES = tuple(DIALECT_BY_SUFFIX)


def dialect_of(path: str, data: bytes) -> str | None:
    """The template dialect of a file by its name, else by what it holds; None for a
    plain config (most have no '{' and no '<%', which is the fast path)."""
    name = os.path.basename(path).lower()
    if name.endswith(_NAMED_SUFFIXES):
        for suffix, dialect in DIALECT_BY_SUFFIX.items():
            if name.endswith(suffix):
                return dialect
    # One byte before two: a search for one byte (memchr) is many times quicker.
    if b"{" not in data and (b"<" not in data or b"<%" not in data):
        return GO if name.endswith(".tmpl") else None
    if b"<%" in data and (b"</%args>" in data or b"<%init>" in data or
                          re.search(rb"(?m)^%[ \t]", data)):
        return MASON
    if b"{{" in data and re.search(rb"\{\{-?\s*(?:\.|if\s|range\s|with\s|end\b|else\b)", data):
        return GO
    if b"{%" in data or b"{{" in data or b"{#" in data:
        return JINJA
    if b"<%" in data:
        return ERB
    if re.search(rb"(?m)^[ \t]*\{/?(?:if|foreach|section)\b", data):
        return SMARTY
    if name.endswith(tuple(TEMPLATE_SUFFIXES)):
        return JINJA
    if re.search(rb"(?m)^\{[ \t]*\r?$", data):
        return PERL
    return None


def mask(path: str, data: bytes, dialect: str | None = None) -> Masked:
    """Mask the template-only lines of ``data`` (a no-op for a plain config)."""
    dialect = dialect or dialect_of(path, data)
    if dialect is None:
        return Masked(data, None)
    result = Masked(data, dialect)
    out: list[bytes] = []
    stack: list[list[int]] = []  # [block id, arm, conditional?]
    blocks = 0
    perl_depth = 0
    mason_end: bytes | None = None
    whole_line_tags = tag_line(dialect)
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        body = line.rstrip(b"\r\n")
        ending = line[len(body):]
        tags: list[bytes] | None = None
        if mason_end is not None:  # inside <%args> ... </%args>
            if mason_end in body.lower():
                mason_end = None
            out.append(b"#" + ending)
            continue
        if perl_depth:  # inside a Text::Template code block
            perl_depth += body.count(b"{") - body.count(b"}")
            perl_depth = max(perl_depth, 0)
            out.append(b"#" + ending)
            continue
        if dialect == MASON:
            block = MASON_BLOCK.match(body)
            if block:
                close = b"</%" + block.group(1).lower() + b">"
                if close not in body.lower():
                    mason_end = close
                result.unseen = result.unseen or block.group(1).lower() in (b"init", b"perl",
                                                                         b"once", b"shared")
                out.append(b"#" + ending)
                continue
            if body.startswith(b"%"):
                tags = [body[1:]]
        if dialect == PERL and body.lstrip().startswith(b"{"):
            # A code block, on one line or opening several: its output is unknown.
            perl_depth = max(body.count(b"{") - body.count(b"}"), 0)
            result.unseen = True
            out.append(b"#" + ending)
            continue
        if tags is None and (b"{" in body or b"<%" in body) and whole_line_tags.match(body):
            tags = [m.group() for m in _tag_text(dialect).finditer(body)]
        if tags is None:
            if stack:
                result.paths[number] = tuple((b, a) for b, a, c in stack if c)
            out.append(line)
            continue
        out.append(b"#" + ending)
        for tag in tags:
            step = _classify(tag)
            if step is None:
                # A whole-line expression may render settings kcconf cannot see.
                result.unseen = result.unseen or _outputs(tag)
                continue
            result.control = True
            kind, conditional = step
            if kind == "open":
                blocks += 1
                stack.append([blocks, 0, conditional])
            elif kind == "middle":
                if stack:
                    stack[-1][1] += 1
                else:
                    result.followed = False
            elif kind == "close":
                if stack:
                    stack.pop()
                else:
                    result.followed = False
            elif kind == "close-open":  # '} else {' and friends
                if stack:
                    stack[-1][1] += 1
                else:
                    result.followed = False
    if stack:
        result.followed = False
    result.data = b"".join(out)
    return result


def _outputs(tag: bytes) -> bool:
    """Whether a tag that is not control flow writes text into the file."""
    text = tag.strip()
    if text.startswith((b"{{/*", b"{#", b"<%#", b"{*")):
        return False
    return text.startswith((b"{{", b"<%=", b"{$")) or (
        text.startswith(b"<%") and text[2:].strip()[:1] == b"$")


def _classify(tag: bytes) -> tuple[str, bool] | None:
    """What a template tag does to the flow: ('open', conditional?), ('middle', _),
    ('close', _) or None for an expression or comment."""
    text = tag.decode("utf-8", errors="replace").strip()
    for opener, closer in (("{%", "%}"), ("{{", "}}"), ("<%", "%>"), ("{", "}")):
        if text.startswith(opener) and text.endswith(closer):
            text = text[len(opener):len(text) - len(closer)]
            break
    text = text.strip().strip("-~+").strip()
    if not text or text[0] in "#=*!$." or text.startswith("/*"):
        return None
    if text.startswith("/"):  # Smarty {/if}
        return ("close", False)
    if text.startswith("}"):  # Perl: '}', '} else {', '} elsif (...) {'
        rest = text[1:].strip()
        if not rest:
            return ("close", False)
        word = _WORD.match(rest)
        if word and word.group().lower() in _MIDDLE_WORDS:
            return ("close-open", False)
        return ("close", False)
    word = _WORD.match(text)
    if word is None:
        return None
    first = word.group().lower()
    if first.startswith("end"):
        return ("close", False)
    if first in _MIDDLE_WORDS:
        return ("middle", False)
    if first in _OPEN_WORDS:
        return ("open", first in _CONDITIONAL_WORDS)
    if re.search(r"\bdo\b\s*(\|[^|]*\|)?\s*$", text) or text.endswith("{"):
        return ("open", False)  # Ruby blocks (.each do |x|) and Perl loops
    return None
