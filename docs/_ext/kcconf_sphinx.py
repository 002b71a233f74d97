"""Sphinx extension: kcconf's reference pages come from the same generator as its man pages.

``.. kcconf-options:: COMPONENT`` (optional ``:release: X.Y``) renders every option of a
component with ``kcconf.render.rst``, the generator behind kopano-COMPONENT.cfg(5), so
the web reference and the man page say the same. Each option is a ``confval`` entry
with an index entry and an anchor (``confval-server.log_level``), so
``:confval:`server.log_level``` links to it.

Option headings read as in the file (``log_level``); anchors keep the component.

``.. kcconf-command:: NAME`` renders the synopsis and options of ``kcconf NAME`` from
the argument parser, as kcconf(1) does.

For the man builder, Sphinx garbles confval's ``:type:`` and ``:default:`` fields
(mandoc reports errors), so a post-transform drops them there; the entries carry the
same facts in their body under ``.. only:: man``. The man output is also tidied the way
kcconf's own pages are, so ``mandoc -Tlint`` stays quiet.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import ConfigurationValue
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.manpage import ManualPageTranslator

from kcconf import schema
from kcconf.render import manpage, rst

OPTION_CLASS = "kcconf-option"


class KcconfOptions(SphinxDirective):
    """The options of one component at one release (default: the newest)."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"release": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in schema.component_names():
            raise self.error(f"kcconf-options: unknown component {name!r}")
        try:
            series = schema.resolve_release(self.options.get("release"))
            component = schema.load(name)
        except (schema.ReleaseError, schema.SchemaError) as err:
            raise self.error(f"kcconf-options: {err}") from None
        self.env.note_dependency(str(schema.schema_dir() / f"{name}.schema.json"))
        self.env.note_dependency(str(schema.schema_dir() / "kopano.json"))
        source = rst.render_component(component, series, sphinx=True)
        result = self.parse_text_to_nodes(source, allow_section_headings=True)
        for node in result:
            for desc in node.findall(addnodes.desc):
                if desc.get("objtype") == "confval":
                    desc["classes"].append(OPTION_CLASS)
        return result


class OptionAsInFile(ConfigurationValue):
    """A confval whose heading reads as the option is written in the file
    (``server_pipe_enabled``); its anchor, index entry and link target keep the component
    (``confval-server.server_pipe_enabled``), since names repeat across files."""

    def handle_signature(self, sig: str, sig_node: addnodes.desc_signature) -> str:
        fullname = super().handle_signature(sig, sig_node)
        shown = fullname.split(".", 1)[-1]
        sig_node.clear()
        sig_node += addnodes.desc_name(shown, shown)
        return fullname


class KcconfCommand(SphinxDirective):
    """Synopsis and options of ``kcconf NAME``, from kcconf's argument parser."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            source = manpage.command_reference(self.arguments[0])
        except KeyError:
            raise self.error(f"kcconf-command: no command {self.arguments[0]!r}") from None
        return self.parse_text_to_nodes(source)


class DropConfvalFieldsForMan(SphinxPostTransform):
    """Remove the Type/Default field list of kcconf's confval entries in man output."""

    builders = ("man",)
    default_priority = 400

    def run(self, **kwargs: Any) -> None:
        for desc in self.document.findall(addnodes.desc):
            if OPTION_CLASS not in desc["classes"]:
                continue
            for content in desc.findall(addnodes.desc_content):
                if content.children and isinstance(content[0], nodes.field_list):
                    content.remove(content[0])


class TidyManualPageTranslator(manpage.TidyMixin, ManualPageTranslator):
    """Sphinx's man translator with kcconf's fixes for mandoc's warnings."""


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("kcconf-options", KcconfOptions)
    app.add_directive("kcconf-command", KcconfCommand)
    app.add_directive_to_domain("std", "confval", OptionAsInFile, override=True)
    app.add_post_transform(DropConfvalFieldsForMan)
    app.set_translator("man", TidyManualPageTranslator)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
