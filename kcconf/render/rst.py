"""reStructuredText for a component's configuration file, from its schema.

One generator feeds both outputs: the man page kopano-COMPONENT.cfg(5) (through
docutils' man page writer) and the Sphinx reference pages (where each option becomes a
``confval`` entry with an index entry and an anchor). Only the option entries differ.
"""

from __future__ import annotations

import re

from .. import __version__, schema
from ..schema import Component, Option

MAN_DATE = "2026-11-24"
"""Fixed so that regenerating the pages changes nothing unless the schemas change."""

_SPECIAL = re.compile(r"([\\*`|])")
_TRAILING_UNDERSCORE = re.compile(r"(\w)_(?=\W|$)")


def text(value: str) -> str:
    """Escape prose so that reST reads it literally."""
    value = _SPECIAL.sub(r"\\\1", value)
    return _TRAILING_UNDERSCORE.sub(r"\1\\_", value)


def literal(value: str) -> str:
    if value == "":
        return "empty"
    if "``" in value or value != value.strip():
        return text(repr(value))
    return f"``{value}``"


def heading(title: str, char: str = "=") -> str:
    return f"{title}\n{char * len(title)}\n"


def span(releases: list[str]) -> str:
    if not releases:
        return "none"
    order = schema.series_list()
    first, last = order.index(releases[0]), order.index(releases[-1])
    if releases == order[first : last + 1]:
        return releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"
    return ", ".join(releases)


def type_text(option: Option) -> str:
    spec = option.spec
    kind = option.type
    parts = []
    if kind == "enum" and spec.get("enum"):
        words = ", ".join(spec["enum"])
        parts.append(f"one of {words}" + (" (any case)" if spec.get("x-kc-case-insensitive")
                                          else ""))
    else:
        parts.append(kind)
    if "minimum" in spec or "maximum" in spec:
        low, high = spec.get("minimum"), spec.get("maximum")
        parts.append(f"{_num(low)} to {_num(high)}" if low is not None and high is not None
                     else f"at least {_num(low)}" if low is not None else f"at most {_num(high)}")
    if spec.get("x-kc-unit"):
        parts.append(f"in {spec['x-kc-unit']}")
    return ", ".join(parts)


def _num(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


LONG_VALUE = 40
"""Longer defaults are shown as a literal block: roff cannot break them inside a line."""


def facts_text(component: Component, option: Option) -> list[str]:
    """Type, releases, reload behaviour, status and (last) the default, as short sentences."""
    lines = [f"Type: {text(type_text(option))}.",
             f"Releases: {span(component.releases_of(option.name))}."]
    if component.python:
        lines.append("Applied at start only.")
    else:
        lines.append("Reload applies it." if option.reloadable else "Needs a restart.")
    if option.renamed_to:
        lines.append(f"Old name of {option.renamed_to}.")
    if option.status in ("obsolete", "unused", "deprecated", "ignored"):
        lines.append(f"Status in {option.series}: {option.status}.")
    if option.build:
        lines.append(f"Only in builds with {option.build} support.")
    if option.secret:
        lines.append("Default: not shown (a secret).")
    elif option.default is None:
        lines.append("Default: none.")
    elif len(option.default) > LONG_VALUE:
        lines.append("Default:")
    else:
        lines.append(f"Default: {literal(option.default)}.")
    return lines


def _indent(block: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else "" for line in block.splitlines())


def option_entry(component: Component, option: Option, sphinx: bool) -> str:
    description = text(option.spec.get("description", ""))
    facts = " ".join(facts_text(component, option))
    if option.default and len(option.default) > LONG_VALUE and not option.secret:
        facts += f"\n\n::\n\n   {option.default}\n"
    if sphinx:
        default = "" if option.secret or option.default is None else option.default
        name = f"{component.name}.{option.name}"
        body = f"{description}\n\n{facts}"
        return (f".. confval:: {name}\n   :type: {text(option.type)}\n"
                f"   :default: {literal(default) if default else 'none'}\n\n"
                f"{_indent(body)}\n")
    return f"**{option.name}**\n{_indent(description)}\n\n{_indent(facts)}\n"


def groups_of(component: Component, series: str) -> list[tuple[dict, list[Option]]]:
    present = component.present(series)
    result = []
    for key, group in component.groups.items():
        members = [o for o in present.values() if o.group == key]
        if members:
            result.append((group, members))
    return result


def file_format(component: Component) -> str:
    if component.python:
        rules = [
            "Each line holds one setting, *name* = *value*. The file is read as UTF-8;"
            " bytes that are not UTF-8 stop the service.",
            "A line whose first character other than white space is # is a comment."
            " There are no comments after a value: everything after the = is the value.",
            "Lines without = are ignored. The last assignment of a name wins.",
            "There are no directives and no environment variables: !include lines are"
            " ignored.",
            "Booleans must be exactly yes, no, true, false, 1 or 0.",
        ]
    else:
        rules = [
            "Each line holds one setting, *name* = *value*. Name and value are trimmed of"
            " spaces, tabs and line endings; the first = separates them.",
            "A line is a comment only when # is its very first character. An indented #"
            " line that contains = is read as a setting with a strange name, which the"
            " service reports as unknown.",
            "There are no comments after a value: in ``log_level = 3 # debug`` the value"
            " is ``3 # debug``.",
            "Lines without = are ignored without a message. The last assignment of a name"
            " wins.",
            "``!include FILE`` reads another file at that point, relative to the directory"
            " of the including file; each file is read once. A missing file stops reading.",
        ]
        if "propmap" in component.directives:
            rules.append("``!propmap FILE`` reads a property map (relative to the working"
                         " directory of the server).")
        rules += [
            "A value starting with $ is replaced by that environment variable, except for"
            " passwords; when the variable is unset the text is kept.",
            "Values are cut to 1023 bytes; lines longer than 4095 bytes are split.",
            "Booleans: only no, false and 0 are false (compared without case from 10.0);"
            " every other word, off included, is true.",
        ]
    return "\n".join(f"- {rule}" for rule in rules) + "\n"


def reloading(component: Component, series: str) -> str:
    if component.python:
        return (f"{component.service} ignores SIGHUP: every change needs a restart,"
                f" ``systemctl restart {component.service}``.\n")
    names = sorted(o.name for o in component.present(series).values()
                   if o.reloadable and not o.renamed_to)
    intro = (f"``systemctl reload {component.service}`` (or ``kill -HUP`` on its process)"
             " resets the options below to their defaults and reads the file again; changes"
             " to any other option are ignored until a restart.")
    if not names:
        return intro + " In this release no option is reloadable.\n"
    return f"{intro} Reloadable in {series}: {text(', '.join(names))}.\n"


SECURITY_LOGGING = """\
When audit_log_enabled is on, the server writes a separate audit log, meant for a
security review rather than for troubleshooting. It records:

- the start of the service, with the user id it runs as, and the signals it receives;
- each authentication: whether it succeeded, failed, or was a spoofing attempt, with the
  user name, the address the connection came from, the method used and the client
  program;
- impersonation: a user acting on behalf of another (for example through delegation);
- sharing decisions: each access to another user's store, folder or message that is
  allowed or denied, with the object's id, its MAPI type (3 a store, 5 a folder, 7 a
  message), the owner's name, the acting user's name and the rights involved.

audit_log_method chooses the destination (by default syslog's authpriv facility, where
authentication records usually go), audit_log_file the file when the method is file,
audit_log_level how much is recorded and audit_log_timestamp whether file lines carry
the time.
"""


def render_component(component: Component, series: str, sphinx: bool = False) -> str:
    title = f"kopano-{component.name}.cfg"
    out: list[str] = []
    if not sphinx:
        bar = "=" * len(title)
        summary = f"configuration file of the {component.summary}"
        out += [bar, title, bar, "", "-" * len(summary), summary, "-" * len(summary), "",
                ":Manual section: 5", ":Manual group: Kopano Core",
                f":Version: kcconf {__version__} (Kopano {series})", f":Date: {MAN_DATE}", ""]
        out.append(heading("SYNOPSIS"))
        out.append(f"**/etc/kopano/{component.file}**\n")
        out.append(heading("DESCRIPTION"))
    description = component.document.get("description", "")
    out.append(text(description) + "\n")
    out.append(f"This page describes Kopano {series}. It is generated by kcconf from the"
               f" schema of the {component.name} component; ``kcconf man {component.name}"
               " --release X.Y`` shows another release.\n")
    out.append(heading("FILE FORMAT" if not sphinx else "File format",
                       "=" if not sphinx else "-"))
    out.append(file_format(component))
    for group, members in groups_of(component, series):
        out.append(heading(group["title"].upper() if not sphinx else group["title"],
                           "=" if not sphinx else "-"))
        if group.get("description"):
            out.append(text(group["description"]) + "\n")
        for option in members:
            out.append(option_entry(component, option, sphinx))
    out.append(heading("RELOADING" if not sphinx else "Reloading", "=" if not sphinx else "-"))
    out.append(reloading(component, series))
    if component.name == "server":
        out.append(heading("SECURITY LOGGING" if not sphinx else "Security logging",
                           "=" if not sphinx else "-"))
        out.append(SECURITY_LOGGING)
    if not sphinx:
        out.append(heading("FILES"))
        out.append(f"/etc/kopano/{component.file}\n    The file this page describes.\n")
        out.append(heading("ENVIRONMENT"))
        if component.python:
            out.append("KOPANO_CFG_DIR\n    Directory the Python services read their"
                       " configuration from, instead of /etc/kopano.\n")
        else:
            out.append("KOPANO_CONFIG_PATH\n    Directory the services read their"
                       " configuration files from, instead of /etc/kopano.\n")
        out.append(heading("SEE ALSO"))
        others = [f"**kopano-{n}.cfg**\\ (5)" for n in schema.component_names()
                  if n != component.name][:6]
        out.append(f"**kcconf**\\ (1), **{component.service}**\\ (8), " + ", ".join(others) + "\n")
    return "\n".join(out)
