"""reStructuredText for a component's configuration file, generated from its schema.

One generator feeds two outputs, so they cannot disagree: the man page
kopano-COMPONENT.cfg(5) (through docutils' man page writer, see ``manpage``) and the
Sphinx reference pages (``docs/_ext/kcconf_sphinx.py``), where each option becomes a
``confval`` entry with an index entry and an anchor. Only the page frame and the shape
of an option entry differ between the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import __version__, schema, verdicts
from ..schema import Component, Option

MAN_DATE = "2026-11-24"
"""The date in the pages' headers: fixed, so regenerating changes nothing unless the
schemas or kcconf change (a build date would make every page drift every day)."""

STATUS_NOTES = {
    "obsolete": "Obsolete: the service accepts it, with a warning, and ignores it.",
    "unused": "Unused: the service accepts it, with a warning, but nothing reads it.",
    "deprecated": "Deprecated: it still works, with a warning; it is meant to go away.",
    "ignored": "Ignored: the service warns about it and does nothing with it.",
}

# Inline markup characters, and an underscore that could end a reference name (``name_``).
_INLINE = re.compile(r"[\\*`|]|_(?![A-Za-z0-9])")
# A paragraph docutils could read as an enumerated list item: "1. ", "a) ", "xiv. "...
_ENUMERATOR = re.compile(r"^(\w+|#)[.)](\s|$)")
# Four or more of one punctuation character make a transition line.
_TRANSITION = re.compile(r"([^\w\s])\1{3,}")


def text(value: str) -> str:
    """Escape prose so reST shows it literally: schema texts are plain text, not markup."""
    return _INLINE.sub(lambda m: "\\" + m.group(0), value)


def paragraphs(value: str) -> list[str]:
    """Plain text (blank lines between paragraphs) as escaped reST paragraphs.

    Lines of a paragraph are joined, so only a paragraph's start can look like a list,
    a directive, a table or a transition; a backslash before its first character stops
    that. A trailing ``::`` would announce a literal block, so it is escaped too, and a
    paragraph of nothing but backslashes, which escaping turns into a transition line,
    gets a leading escaped space.
    """
    out = []
    for chunk in re.split(r"\n[ \t]*\n", value.strip()):
        para = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if not para:
            continue
        para = text(para)
        if para[0] != "\\" and (not para[0].isalnum() or _ENUMERATOR.match(para)):
            para = "\\" + para
        if para.endswith("::"):
            para = para[:-1] + "\\:"
        if _TRANSITION.fullmatch(para):  # only escaped backslashes: "\\\\\\\\"
            para = "\\ " + para  # an escaped space, which reST drops
        out.append(para)
    return out


def literal(value: str) -> str:
    """A value as inline literal text; in quotes, escaped, when a literal cannot hold it
    (backticks, backslashes, or white space at either end)."""
    if value == "":
        return "empty"
    if "`" in value or "\\" in value or value != value.strip():
        return "'" + text(value) + "'"
    return f"``{value}``"


def heading(title: str, char: str = "=") -> str:
    return f"{title}\n{char * len(title)}\n"


def indent(block: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else "" for line in block.splitlines())


def span(releases: Iterable[str]) -> str:
    """``8.0 to 8.4, 10.0 to 11.0``: the series an option exists in, as runs."""
    order = schema.series_list()
    present = set(releases)
    runs: list[list[str]] = []
    previous = False
    for series in order:
        if series in present:
            if previous:
                runs[-1].append(series)
            else:
                runs.append([series])
        previous = series in present
    if not runs:
        return "none"
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def type_text(option: Option) -> str:
    """The meaning type in words: ``integer, 0 to 6``, ``one of file, syslog (any case)``."""
    spec = option.spec
    kind = option.type
    parts = []
    if kind == "enum" and spec.get("enum"):
        parts.append("one of " + ", ".join(schema.enum_at(spec, option.series))
                     + (" (in any case)" if spec.get("x-kc-case-insensitive") else ""))
        otherwise = schema.otherwise_at(spec, option.series)
        if isinstance(otherwise, dict) and "prefix" in otherwise:
            parts.append("any other word acts as " + ", ".join(
                f"{word} if it starts with {start}" for start, word in otherwise["prefix"].items())
                + f", else as {otherwise['else']}")
        elif isinstance(otherwise, dict):
            parts.append(f"any other word is read as a boolean: {otherwise['true']} when"
                         f" true, {otherwise['false']} when false")
        elif otherwise:
            parts.append(f"any other word acts as {otherwise}")
    else:
        parts.append(kind)
    low, high = spec.get("minimum"), spec.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{_num(low)} to {_num(high)}")
    elif low is not None:
        parts.append(f"at least {_num(low)}")
    elif high is not None:
        parts.append(f"at most {_num(high)}")
    if spec.get("x-kc-unit") == "count":
        parts.append("a count")
    elif spec.get("x-kc-unit"):
        parts.append(f"in {spec['x-kc-unit']}")
    if spec.get("x-kc-items"):
        parts.append("items from " + ", ".join(spec["x-kc-items"]))
    if spec.get("x-kc-separator"):
        parts.append(f"separated by {spec['x-kc-separator']!r}")
    if spec.get("x-kc-int-base") == 0:
        parts.append("a leading 0 means octal, 0x hexadecimal")
    return ", ".join(parts)


MULTILINE_DEFAULT = ("a text of several lines, built into the service"
                     " (a config file cannot hold one)")


def default_text(option: Option) -> str:
    if option.secret:
        return "not shown (the option holds a secret)"
    if option.default is None:
        return "none"
    if "\n" in option.default:
        return MULTILINE_DEFAULT
    return literal(option.default)


TEMPLATE_LABELS = {"openldap": "OpenLDAP", "active-directory": "Active Directory"}
"""The templates x-kc-shipped-values may name (meta.schema.json), as a reader knows them."""


def _template_value(value: str) -> str:
    return "an empty value" if value == "" else literal(value)


def shipped_text(option: Option) -> str:
    """What Kopano's own templates set at the option's series, to show beside the default."""
    spec = option.spec.get("x-kc-shipped-values")
    if not spec or option.secret:
        return ""
    key = schema.series_key(option.series)
    found: dict[str, str] = {}
    for variant in TEMPLATE_LABELS:
        held = [v for s, v in spec.get(variant, {}).items() if schema.series_key(s) <= key]
        if held and held[-1] is not None:
            found[variant] = held[-1]
    if not found:
        return ""
    if len(found) == 1:
        variant, value = next(iter(found.items()))
        other = next(v for v in TEMPLATE_LABELS if v != variant)
        return (f"Kopano's {TEMPLATE_LABELS[variant]} template sets {_template_value(value)};"
                f" the {TEMPLATE_LABELS[other]} one does not set it.")
    values = list(found.values())
    if values[0] == values[1]:
        return ("Kopano's OpenLDAP and Active Directory templates both set"
                f" {_template_value(values[0])}.")
    return "Kopano's templates set " + " and ".join(
        f"{_template_value(value)} ({TEMPLATE_LABELS[variant]})"
        for variant, value in found.items()) + "."


def facts(component: Component, option: Option, sphinx: bool = False) -> list[str]:
    """Releases, reload behaviour, status and build feature, as short sentences."""
    out = [f"Releases: {span(component.releases_of(option.name))}."]
    out.append(reload_fact(component, option))
    if option.renamed_to:
        out.append(f"Old name of {text(option.renamed_to)}: the value is stored under that"
                   " name, and the service warns.")
    if option.status in STATUS_NOTES:
        out.append(STATUS_NOTES[option.status])
    if option.nonempty:
        out.append("Must not be empty.")
    if option.exact and not component.python:
        out.append("A value starting with $ is taken literally, not from the environment.")
    if option.build:
        out.append(f"Only in builds with {text(option.build)} support.")
    see = option.spec.get("x-kc-see-also")
    if see:
        out.append("See also: " + ", ".join(_see_also(component, option, n, sphinx)
                                            for n in see) + ".")
    return out


def _see_also(component: Component, option: Option, name: str, sphinx: bool) -> str:
    """A link to the option's entry on the same page (Sphinx), else its name."""
    if sphinx and name in component.present(option.series):
        return f":confval:`{name} <{component.name}.{name}>`"
    return text(name)


def option_entry(component: Component, option: Option, sphinx: bool) -> str:
    """One option: a definition list item for the man page, a ``confval`` for Sphinx."""
    body: list[str] = []
    title = option.title.strip()
    if title:
        body.append(paragraphs(title if title[-1] in ".?!" else title + ".")[0])
    body += paragraphs(option.description)
    if option.spec.get("x-kc-flag-bits") and schema.flags_at(option.spec["x-kc-flag-bits"],
                                                             option.series):
        body.append(flag_list(option))
    type_default = f"Type: {text(type_text(option))}. Default: {default_text(option)}."
    shipped = shipped_text(option)
    if sphinx:
        body.append(".. only:: man\n\n" + indent(type_default))
        if shipped:
            body.append(shipped)
        body.append(" ".join(facts(component, option, sphinx=True)))
        default = "not shown (secret)" if option.secret else default_text(option)
        head = (f".. confval:: {component.name}.{option.name}\n"
                f"   :type: {text(type_text(option))}\n"
                f"   :default: {default}\n\n")
        return head + indent("\n\n".join(body)) + "\n"
    line = [type_default, shipped] if shipped else [type_default]
    body.append(" ".join([*line, *facts(component, option)]))
    return f"**{text(option.name)}**\n" + indent("\n\n".join(body)) + "\n"


def flag_list(option: Option) -> str:
    """The switches an option's upper bits select at the option's release, as a table."""
    name = option.spec["x-kc-flag-bits"]
    rows = ["   * - bit\n     - decimal\n     - subsystem\n     - logs"]
    for flag in schema.flags_at(name, option.series):
        since = f" (from {flag['since']})" if flag["since"] != schema.series_list()[0] else ""
        rows.append(f"   * - ``{flag['bit']}``\n     - {int(flag['bit'], 16)}\n"
                    f"     - {text(flag['name'])}{since}\n     - {text(flag['meaning'])}")
    return ("Subsystem bits, added to the level:\n\n.. list-table::\n   :header-rows: 1\n\n"
            + "\n".join(rows))


def groups_of(component: Component, series: str) -> list[tuple[dict, list[Option]]]:
    """Groups in schema order, each with every option that exists at ``series``."""
    present = component.present(series)
    result = []
    for key, group in component.groups.items():
        members = [o for o in present.values() if o.group == key]
        if members:
            result.append((group, members))
    grouped = {o.name for _, members in result for o in members}
    stray = [o for o in present.values() if o.name not in grouped]
    if stray:  # an option naming no known group must still be documented
        result.append(({"title": "Other options"}, stray))
    return result


def file_format(component: Component) -> str:
    """The dialect's real rules (see docs/reader.rst), in the reader this service uses."""
    if component.python:
        rules = [
            "Each line holds one setting, *name* = *value*; name and value are trimmed of"
            " white space. The file is read as UTF-8 text.",
            "A line is a comment when its first character other than white space is #."
            " There are no comments after a value: everything after the = is the value.",
            "Lines without = are ignored. When a name is set twice, the last assignment"
            " wins.",
            "There are no directives: a line such as !include is ignored. Values are not"
            " taken from the environment: $NAME is just text.",
            "Booleans must be written exactly yes, no, true, false, 1 or 0; anything else"
            " stops the service. Unknown names only produce a warning.",
        ]
    else:
        rules = [
            "Each line holds one setting, *name* = *value*. The first = separates them;"
            " both are trimmed of spaces, tabs and line ends. Names are case-sensitive.",
            "A line is a comment only when # is its very first character. An indented #"
            " line that contains = is read as a setting with an odd name, which the"
            " service rejects as unknown.",
            "There are no comments after a value: in ``log_level = 3 # debug`` the value"
            " is ``3 # debug``.",
            "Lines without = are ignored without a message. When a name is set twice, the"
            " last assignment wins; that holds across an old name and its new one too.",
            "``!include FILE`` reads another file at that point. A relative FILE is taken"
            " from the directory of the including file; each file is read once per load."
            " If an included file is missing or unreadable, nothing after it is read.",
        ]
        if "propmap" in component.directives:
            rules.append("``!propmap FILE`` reads a property map file, which maps LDAP"
                         " attributes to MAPI properties; a relative FILE is taken from the"
                         " working directory of kopano-server.")
        rules += [
            "A value starting with $ is replaced by the environment variable of that name,"
            " except in options that hold passwords; when the variable is unset, the text"
            " stays as written.",
            "A value is cut to 1023 bytes. A line longer than 4095 bytes is split, and the"
            " rest is read as a new line.",
            "Booleans: only no, false and 0 are false (before 10.0 only in lower case);"
            " every other word, off and the empty value included, is true.",
            "Unknown names are errors: the service refuses to start.",
        ]
    return "\n".join(f"- {rule}" for rule in rules) + "\n"


def reload_fact(component: Component, option: Option) -> str:
    """What a reload does with the option: the words of ``kcconf diff``'s verdict
    (kcconf.verdicts), so the entry, RELOADING and diff agree."""
    verdict = verdicts.verdict_of(component, option)
    if verdict.action == "next-run":
        return "Read each time the program runs: the next run uses a change."
    if verdict.program:
        return "Read only at start." if component.python else (
            "Needs a restart: the program has no SIGHUP handler.")
    if verdict.behaviour is None:
        return "Needs a restart."
    if verdict.action == "new-connections":
        return (f"A reload applies it only to {text(verdict.applies_to or NEW_CONNECTIONS)};"
                " existing ones keep the old value.")
    if verdict.behaviour == "restart":
        return ("Needs a restart: a reload accepts the new value, but the service reads it"
                " only at start.")
    if verdict.action == "no-effect":
        return ("The service does not read it in this release: neither a reload nor a"
                " restart changes anything.")
    if verdict.behaviour == "not-established":
        return ("A reload accepts the new value; whether the service then uses it is not"
                " established, so restart to be sure.")
    return "A reload applies it."


NEW_CONNECTIONS = "connections started after the reload"

RELOAD_LISTS = (
    ("applied", "Applied by a reload in {series}"),
    ("restart", "Accepted by a reload but not applied in {series} (restart needed)"),
    ("not-established", "Accepted by a reload, not established whether applied, in {series}"
                        " (restart to be sure)"),
    ("no-effect", "Flagged reloadable but read by nothing in {series}"),
)


def reload_groups(component: Component, series: str) -> dict[str, list[Option]]:
    """The options flagged reloadable at ``series``, by audited behaviour (unaudited ones
    under their own key), each list sorted by name."""
    groups: dict[str, list[Option]] = {}
    for option in sorted(component.present(series).values(), key=lambda o: o.name):
        if option.reloadable:
            groups.setdefault(option.reload.behaviour, []).append(option)
    return groups


def reloadable_names(component: Component, series: str) -> list[str]:
    """The options Kopano's RELOADABLE flag lists at ``series``, audited or not."""
    return sorted(o.name for o in component.present(series).values() if o.reloadable)


def reloading(component: Component, series: str) -> str:
    service = component.service
    program = verdicts.program_action(component)
    if program == "next-run":
        signal = ("While it runs it ignores SIGHUP." if component.python else
                  "It has no SIGHUP handler: ``kill -HUP`` ends a running"
                  f" {service} instead of reloading it.")
        return (f"{service} is not a daemon: it reads this file each time it runs, so"
                f" the next run uses a change, with nothing to reload or restart. {signal}\n")
    if program == "restart" and component.python:
        return (f"{service} ignores SIGHUP, so neither ``service {service} reload`` nor"
                f" ``kill -HUP`` applies anything: after every change, restart it with"
                f" ``service {service} restart``.\n")
    if program == "restart":
        return (f"{service} has no SIGHUP handler: ``kill -HUP`` ends it instead of"
                f" reloading it. It reads this file only at start, so after every change"
                f" restart it with ``service {service} restart``.\n")
    intro = ""
    if service == "kopano-server" and component.name != "server":
        intro = (f"This file is read by the {component.summary}, inside kopano-server, so"
                 " kopano-server is the service to reload. ")
    groups = reload_groups(component, series)
    if not groups:
        return (intro + f"No option of this file is reloadable in {series}: a change takes"
                f" effect when {service} starts next.\n")
    out = [intro + f"``service {service} reload``, or ``kill -HUP`` sent to the {service}"
           " process, reads the file again. Kopano's reader accepts new values only for the"
           " options it flags reloadable; changes to every other option are ignored until a"
           " restart. Whether the running service then uses an accepted value depends on"
           " how its code holds it, and the lists below follow the code (kcconf's reload"
           " audit), not the flag.\n"]
    applied = groups.get("applied", []) + groups.get(schema.UNAUDITED, [])
    lists = dict(groups, applied=sorted(applied, key=lambda o: o.name))
    for key, title in RELOAD_LISTS:
        if lists.get(key):
            names = ", ".join(o.name for o in lists[key])
            out.append(f"{title.format(series=series)}: {text(names)}.\n")
        if key == "applied" and groups.get("new-connections"):
            by_who: dict[str, list[str]] = {}
            for o in groups["new-connections"]:
                by_who.setdefault(o.reload.applies_to or NEW_CONNECTIONS, []).append(o.name)
            out.append(f"Applied by a reload only to new connections in {series}; existing"
                       " ones keep the old values:\n")
            out.append("\n".join(f"- to {text(who)}: {text(', '.join(names))}."
                                  for who, names in by_who.items()) + "\n")
    if groups.get(schema.UNAUDITED):
        names = ", ".join(o.name for o in groups[schema.UNAUDITED])
        out.append(f"Not audited yet, so listed by Kopano's flag alone: {text(names)}.\n")
    children = component.children
    if children:
        kept = ", ".join(n for n in children["parent-only"]
                         if n in component.present(series))
        out.append(f"Without a reload, too: when {text(children['model'])} selects fork"
                   f" (or the release has no such option), each message is sent by a new"
                   f" {service} process that reads this file afresh, so a change of any"
                   " other option the sending code reads applies to the next message."
                   f" The main process keeps its own: {text(kept)}; those still need a"
                   " restart, and kcconf diff says which verdict a change gets.\n")
    return "\n".join(out)


def group_details(group: dict, series: str) -> list[str]:
    """The group's longer explanations that hold at ``series``, as the schema writes them.

    They are reStructuredText already (lists, literal blocks), so they go in unchanged.
    """
    key = schema.series_key(series)
    return [d["text"].rstrip() + "\n" for d in group.get("details", [])
            if schema.series_key(d.get("since", series)) <= key
            <= schema.series_key(d.get("until", series))]


def _written(value: str | None) -> str:
    """A schema text, or nothing while it is still the import's placeholder."""
    return "" if value is None or value.strip() == schema.PLACEHOLDER else value


def _section(title: str, sphinx: bool) -> str:
    return heading(title if sphinx else title.upper(), "-" if sphinx else "=")


def _frame_top(component: Component, series: str) -> list[str]:
    """Title, subtitle and docinfo in the form rst2man turns into .TH and NAME."""
    title = f"kopano-{component.name}.cfg"
    summary = f"configuration file of the {component.summary}"
    return ["=" * len(title), title, "=" * len(title), "",
            "-" * len(summary), summary, "-" * len(summary), "",
            ":Manual section: 5", ":Manual group: Kopano Core",
            f":Version: kcconf {__version__}", f":Date: {MAN_DATE}", "",
            heading("SYNOPSIS"), f"**/etc/kopano/{component.file}**\n",
            heading("DESCRIPTION")]


def files_and_environment(component: Component, sphinx: bool) -> list[str]:
    out = [_section("Files", sphinx)]
    out.append(f"/etc/kopano/{component.file}\n   The file this page describes.\n")
    for other in component.other_files:
        out.append(f"/etc/kopano/{other}\n   Another file in the same format.\n")
    for propmap in component.propmap_files:
        out.append(f"/etc/kopano/{propmap}\n   The property map, read with !propmap.\n")
    out.append(_section("Environment", sphinx))
    if component.python:
        out.append("KOPANO_CFG_DIR\n   The directory in which the Python services look for"
                   " their configuration file when none is named on the command line;"
                   " /etc/kopano when unset.\n")
    elif component.service == "kopano-server" and component.name != "server":
        out.append("KOPANO_CONFIG_PATH\n   Does not apply to this file: kopano-server reads"
                   " it from the path in its user_plugin_config option.\n")
    else:
        out.append("KOPANO_CONFIG_PATH\n   The directory in which the C++ services look for"
                   " their configuration files when none is named on the command line;"
                   " /etc/kopano when unset.\n")
    return out


def render_component(component: Component, series: str, *, sphinx: bool = False) -> str:
    """The page for ``component`` at ``series``: a whole man page, or (``sphinx``) the
    body of a reference page, placed under a title the caller writes."""
    out: list[str] = [] if sphinx else _frame_top(component, series)
    reader = "Python" if component.python else "C++"
    out.append(f"``/etc/kopano/{component.file}`` holds the settings of the"
               f" {text(component.summary)}, read by {text(component.service)} with Kopano's"
               f" {reader} configuration reader.\n")
    out += [p + "\n" for p in paragraphs(_written(component.document.get("description")))]
    out.append(f"This page describes Kopano {series}; kcconf generated it from the schema"
               f" of the {component.name} component. ``kcconf man {component.name}"
               " --release X.Y`` shows the page for another release.\n")
    out.append(_section("File format", sphinx))
    out.append(file_format(component))
    for group, members in groups_of(component, series):
        out.append(_section(group["title"], sphinx))
        out += [p + "\n" for p in paragraphs(_written(group.get("description")))]
        out += group_details(group, series)
        out += [option_entry(component, o, sphinx) for o in members]
    out.append(_section("Reloading", sphinx))
    out.append(reloading(component, series))
    out += files_and_environment(component, sphinx)
    if not sphinx:
        out.append(heading("SEE ALSO"))
        pages = ["**kcconf**\\ (1)", f"**{component.service}**\\ (8)"]
        pages += [f"**kopano-{n}.cfg**\\ (5)" for n in schema.component_names()
                  if n != component.name]
        out.append(", ".join(pages) + "\n")
    return "\n".join(out)
