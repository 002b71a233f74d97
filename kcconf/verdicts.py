"""What a change of one option takes, from the reload facts in the schemas: the one place
the rules live, so ``kcconf diff``, the man pages and docs/reload-audit.rst agree.

A program-wide fact (kopano.json ``sighup``: run per use, no SIGHUP handler, a Python
service that ignores the signal) decides before the option's own audit entry
(``x-kc-reload``); otherwise Kopano's RELOADABLE flag and the audit decide.
"""

from __future__ import annotations

from . import schema
from .records import record
from .schema import UNAUDITED, Component, Option


@record(frozen=True, slots=True)
class Verdict:
    """What one changed option needs, and why, from the flag and the reload audit."""

    action: str
    """reload, new-connections, restart, next-run (Python programs run per use) or
    no-effect (nothing in the service reads the option)."""
    reason: str
    reloadable: bool = False
    """Kopano's RELOADABLE flag: the reader accepts a new value on SIGHUP."""
    behaviour: str | None = None
    """The audited behaviour (applied, new-connections, restart, not-established), or
    unaudited; None where the flag already says restart."""
    evidence: str = ""
    applies_to: str = ""
    program: bool = False
    """The program's own SIGHUP fact decided, not the option's audit entry."""


UNKNOWN_TO_KCCONF = Verdict("restart", "restart: kcconf has no reload facts for this name")
NO_VERDICT = Verdict("none", "")


def program_action(component: Component) -> str | None:
    """next-run or restart when the program's SIGHUP fact decides for every option
    (run per use; a Python service; a daemon without a SIGHUP handler), else None."""
    if component.runs_per_use:
        return "next-run"
    if component.python or component.sighup.get("behaviour") == "restart":
        return "restart"
    return None


def forks_children(component: Component, model: str | None, present: bool) -> bool:
    """The service sends each message from a new process that reads the file afresh
    (kopano.json ``children``): ``model`` is the effective value of the record's model
    option, ``present`` whether that option exists in the series (before it, always)."""
    children = component.children
    if not children:
        return False
    return not present or (model or "") not in children["threaded"]


def verdict_of(component: Component, option: Option, reread: bool = False,
               forked: bool = False) -> Verdict:
    """The verdict for a change of ``option``, with the reason in words.

    ``reread``: the new value comes from a ``!propmap`` file, which Kopano's reload reads
    again with the right to overwrite the map whatever the flag says; an unflagged option
    whose audit records that follows its audit then. ``forked``: the service runs a
    new child per message that reads the file afresh (``forks_children``), so an option
    a reload leaves alone still reaches the next message unless the parent keeps it.
    """
    service, name = component.service, option.name
    sighup = component.sighup
    action = program_action(component)
    if action == "next-run":
        return Verdict("next-run", f"next run: {service} reads the file each time it runs,"
                       " so the next run uses the new value", reloadable=option.reloadable,
                       evidence=sighup["evidence"], program=True)
    if action == "restart" and component.python:
        return Verdict("restart", f"restart: {service} ignores SIGHUP and reads {name} only"
                       " at start", evidence=sighup.get("evidence", ""), program=True)
    if action == "restart":
        return Verdict("restart", f"restart: {service} has no SIGHUP handler (the signal ends"
                       f" it) and reads {name} only at start", reloadable=option.reloadable,
                       evidence=sighup["evidence"], program=True)
    rel = option.reload
    if not option.reloadable:
        audit = option.spec.get("x-kc-reload") if reread else None
        rel = schema.resolve_reload(audit, option.series, True) if audit else rel
        if rel.behaviour in ("restart", UNAUDITED):
            verdict = Verdict("restart", f"restart: a reload does not re-read {name}")
            return _per_child(component, option, verdict) if forked else verdict
    verdict = _audited(service, name, rel, option.reloadable)
    return _per_child(component, option, verdict) if forked else verdict


def _per_child(component: Component, option: Option, verdict: Verdict) -> Verdict:
    """A restart verdict turned into "messages sent from now on" where each message's
    own process reads the file and the main process does not keep the option."""
    children = component.children
    if verdict.action != "restart" or option.name in children["parent-only"]:
        return verdict
    who = (f"messages sent from now on, each by a new {component.service} process that"
           f" reads {component.file} afresh (no reload needed); the main process keeps"
           " the old value")
    return Verdict("new-connections", f"new children only: with {children['model']} fork"
                   f" a new value of {option.name} applies to {who}",
                   reloadable=option.reloadable, behaviour=verdict.behaviour,
                   evidence=children["evidence"], applies_to=who)


def propmap_verdict(component: Component, series: str, name: str) -> Verdict | None:
    """The verdict for a tag a ``!propmap`` file sets that the schema does not name: the
    component's recorded propmap reload fact, or None where it records none."""
    rel = component.propmap_reload(series)
    if rel is None:
        return None
    return _audited(component.service, name, rel, False)


def _audited(service: str, name: str, rel: schema.Reload, reloadable: bool) -> Verdict:
    common = {"reloadable": reloadable, "behaviour": rel.behaviour,
              "evidence": rel.evidence, "applies_to": rel.applies_to}
    if rel.behaviour == "applied":
        return Verdict("reload", f"reload: {service} uses the new value of {name} after a"
                       " reload", **common)
    if rel.behaviour == UNAUDITED:
        return Verdict("reload", f"reload: {name} is flagged reloadable; what {service} does"
                       " with it after a reload is not audited yet", **common)
    if rel.behaviour == "new-connections":
        who = rel.applies_to or "connections started after the reload"
        return Verdict("new-connections", f"new connections only: a reload applies {name} to"
                       f" {who}; existing ones keep the old value", **common)
    if rel.behaviour == "no-effect":
        return Verdict("no-effect", f"no effect: {service} does not read {name} in this"
                       " release, so neither a reload nor a restart changes anything", **common)
    if rel.behaviour == "not-established":
        return Verdict("restart", f"restart: a reload accepts the new value of {name}, but"
                       f" whether {service} then uses it is not established", **common)
    return Verdict("restart", f"restart: {service} reads {name} only at start, although a"
                   " reload accepts the new value", **common)
