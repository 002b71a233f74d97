"""Config files that are templates (Jinja2, ERB, Go templates ...): what the renderer
will replace is unknown, so lines that are only template tags are masked before checking."""

from __future__ import annotations

import re

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".erb", ".tmpl")
_TAG = rb"(?:\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\}|\{\{(?:(?!\}\}).)*\}\}|<%(?:(?!%>).)*%>)"
TEMPLATE_LINE = re.compile(rb"^[ \t]*" + _TAG + rb"(?:[ \t]*" + _TAG + rb")*[ \t]*(?=\r?$)",
                           re.MULTILINE)
"""A line that is nothing but template tags: control ({% if %}, <% end %}), comments
({# #}) or a whole-line expression. What it renders to is unknown, so it is masked."""
TEMPLATE_MARKERS = (b"{%", b"{{", b"{#", b"<%")
CONTROL_TAG = re.compile(rb"\{%|<%(?![=#])")
TEMPLATE_BRANCH_CODES = frozenset({"KC209"})
"""Not reported in templates with control flow: an option set in both branches of an
``{% if %}`` is set once in the rendered file."""


def is_template(path: str, data: bytes) -> bool:
    """A template by its name, or by template tags in it (most configs have no '{')."""
    if path.lower().endswith(TEMPLATE_SUFFIXES):
        return True
    if b"{" not in data and b"<%" not in data:
        return False
    return any(marker in data for marker in TEMPLATE_MARKERS)



def mask_template_lines(data: bytes) -> tuple[bytes, bool]:
    """Lines that are only template tags become bare comments, keeping line numbers;
    and whether any of them is control flow ({% if %}, <% end %>).

    ``{% if tls %}`` has no '=' (KC106) and ``{% set x = 1 %}`` would read as an
    unknown option; neither reaches the service as written.
    """
    control = False

    def blank(match: re.Match[bytes]) -> bytes:
        nonlocal control
        control = control or CONTROL_TAG.search(match.group()) is not None
        return b"#"

    return TEMPLATE_LINE.sub(blank, data), control
