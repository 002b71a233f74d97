"""Templates as lint sees them: the masking itself lives in kcconf.templates, which
``kcconf validate`` uses too, so that both judge a template alike."""

from __future__ import annotations

from ..placement import TEMPLATE_SUFFIXES
from ..templates import dialect_of, mask

__all__ = ["TEMPLATE_SUFFIXES", "is_template", "mask_template_lines"]


def is_template(path: str, data: bytes) -> bool:
    """A template by its name, or by template tags in it (most configs have no '{')."""
    return dialect_of(path, data) is not None


def mask_template_lines(data: bytes, path: str = "") -> tuple[bytes, bool]:
    """Lines that are only template tags become bare comments, keeping line numbers;
    and whether any of them is control flow ({% if %}, <% end %>)."""
    masked = mask(path, data)
    return masked.data, masked.control
