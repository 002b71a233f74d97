"""Sphinx extension: ``.. kcconf-options:: COMPONENT`` renders a component's options.

It reuses kcconf.render.rst, the generator behind the man pages, so the web reference
and kopano-COMPONENT.cfg(5) say the same. Each option becomes a ``confval`` entry
(index entry and anchor ``confval-COMPONENT.OPTION``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from kcconf import schema
from kcconf.render import rst


class KcconfOptions(SphinxDirective):
    required_arguments = 1
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Callable[[str], str]]] = {"release": str}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        component = schema.load(name)
        series = schema.resolve_release(self.options.get("release"))
        self.env.note_dependency(str(schema.schema_dir() / f"{name}.schema.json"))
        source = rst.render_component(component, series, sphinx=True)
        return self.parse_text_to_nodes(source, allow_section_headings=True)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("kcconf-options", KcconfOptions)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
