"""docs/reload-audit.rst: the whole reload audit as tables, generated from the schemas.

Every option flagged RELOADABLE in some release gets one row per audit entry
(``x-kc-reload``): what a running service does with a changed value after SIGHUP, in
which releases, and where in Kopano's code that was established. ``kcconf generate``
writes the page, so the drift test keeps it in step with the schemas.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import schema
from ..schema import Component
from .rst import heading, span, text

BEHAVIOUR_WORDS = {
    "applied": "applied",
    "new-connections": "new connections only",
    "restart": "restart, although flagged",
    "not-established": "not established",
    "no-effect": "no effect (nothing reads it)",
    schema.UNAUDITED: "not audited yet",
}
COUNTED = ("applied", "new-connections", "restart", "not-established", "no-effect",
           schema.UNAUDITED)

INTRO = """\
Kopano flags some options RELOADABLE. The flag says one thing only: on SIGHUP
(``service kopano-NAME reload``) the configuration reader resets these options and
takes the values the file now gives them; every other option keeps its old value
until a restart. Whether the running service then *uses* an accepted value is a
question of how its code holds it:

- **applied**: the code asks for the setting each time it needs it, keeps the live
  text the reader rewrites in place, or the SIGHUP handler applies it again (log
  levels, for example).
- **new connections only**: the value is fixed when a connection, session, worker
  thread or child process starts; those started after the reload get the new one,
  existing ones keep the old one until they end.
- **restart, although flagged**: the code parsed or copied the value once at start
  (a number, a copy of the text, a listener, a plugin set up from it), so the
  reader's new text is never looked at again.
- **not established**: the source did not settle it; kcconf treats it as needing a
  restart.
- **no effect**: nothing in the service reads the option in that release, so
  neither a reload nor a restart changes anything.

kcconf follows the code, not the flag: ``kcconf diff`` gives each change the verdict
of this audit with the reason, and the RELOADING section of every man page lists the
options by what a reload really does. The rows below are that audit, per release
series, with the function that reads each value; options never flagged reloadable
need a restart and are not listed. An option whose row says *not audited yet* is
still described by its flag.
"""


def _flagged_series(component: Component, name: str) -> list[str]:
    return [s for s in schema.series_list()
            if (o := component.option(name, s)) is not None and o.present and o.reloadable]


def _rows(component: Component, name: str) -> list[tuple[str, str, list[str], str]]:
    """(behaviour, applies-to, series, evidence) per audit entry, in release order;
    a row for the flagged series no entry covers yet."""
    flagged = _flagged_series(component, name)
    rows: list[tuple[str, str, list[str], str]] = []
    by_key: dict[tuple[str, str, str], list[str]] = {}
    for series in flagged:
        option = component.option(name, series)
        assert option is not None
        rel = option.reload
        key = (rel.behaviour, rel.applies_to, rel.evidence)
        if key not in by_key:
            by_key[key] = []
            rows.append((rel.behaviour, rel.applies_to, by_key[key], rel.evidence))
        by_key[key].append(series)
    return rows


def counts(component: Component) -> Counter[str]:
    """Options per audited behaviour at the newest series they are flagged in."""
    found: Counter[str] = Counter()
    for name in component.specs:
        flagged = _flagged_series(component, name)
        if flagged:
            option = component.option(name, flagged[-1])
            assert option is not None
            found[option.reload.behaviour] += 1
    return found


def _cell(value: str) -> str:
    return text(value) if value else ""


def _table(header: list[str], rows: list[list[str]], widths: str) -> str:
    out = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            lead = "   * - " if i == 0 else "     - "
            out.append(lead + (cell if cell else "\\ "))
    return "\n".join(out) + "\n"


def summary_table(components: list[Component]) -> str:
    header = ["component", "flagged", "applied", "new connections only",
              "restart, although flagged", "not established", "no effect", "not audited yet"]
    rows = []
    for component in components:
        found = counts(component)
        total = sum(found.values())
        if total:
            rows.append([component.name, str(total), *(str(found[k]) for k in COUNTED)])
    return _table(header, rows, "14 10 10 12 14 12 10 12")


def audit_table(components: list[Component]) -> str:
    header = ["component", "option", "flag", "behaviour", "releases", "where in the code"]
    rows: list[list[str]] = []
    for component in components:
        for name in sorted(component.specs):
            flagged = _flagged_series(component, name)
            if not flagged:
                continue
            for behaviour, applies_to, series, evidence in _rows(component, name):
                word = BEHAVIOUR_WORDS[behaviour]
                if applies_to:
                    word += f" ({applies_to})"
                rows.append([component.name, f"``{name}``", f"reloadable in {span(flagged)}",
                             _cell(word), span(series), _cell(evidence)])
    return _table(header, rows, "10 18 12 14 10 36")


def programs_table(components: list[Component]) -> str:
    words = {"restart": "ignores SIGHUP: restart", "next-run": "read at each run"}
    rows = []
    for component in components:
        sighup: dict[str, Any] = component.sighup
        rows.append([component.name, _cell(words.get(sighup.get("behaviour", ""),
                                                     "not established")),
                     _cell(sighup.get("evidence", ""))])
    return _table(["component", "a change takes effect", "where in the code"], rows,
                  "14 20 66")


def page() -> str:
    loaded = [schema.load(n) for n in schema.component_names()]
    cxx = [c for c in loaded if not c.python]
    whole = [c for c in loaded if c.sighup]
    out = [".. This page is generated by 'kcconf generate' from the schemas; do not edit.\n",
           heading("Reload audit"), INTRO, heading("Counts", "-"),
           "Options flagged reloadable in some release, by what a reload does with them in"
           " the newest release they are flagged in.\n", summary_table(cxx),
           heading("C++ services and plugins", "-"), audit_table(cxx),
           heading("Programs that do not reload", "-"),
           "For these programs SIGHUP decides for the whole file, whatever the flags say."
           " The Python services have no reloadable options (their reader is kopano.Config)"
           " and none of them re-reads its file on SIGHUP; the programs run per use read"
           " the file at each run, and ``kcconf diff`` says ``next-run`` for them.\n",
           programs_table(whole)]
    return "\n".join(out)
