"""Load the component schemas and answer "what is option X at release R?".

Schemas are plain JSON read with the standard library: importing jsonschema costs
about 0.2 s, which would triple the start-up time of ``kcconf validate``. The schema
files are validated against ``meta.schema.json`` by the test suite and by
``kcconf schemas --check``, so the hot path can trust their shape.
"""

from __future__ import annotations

import functools
import json
import os

from .records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FACT_DEFAULTS: dict[str, Any] = {
    "present": False, "default": None, "reloadable": False, "nonempty": False,
    "exact": False, "size": False, "status": "active", "renamed-to": None, "build": None,
    "py-type": None, "py-options": None, "py-multiple": False, "py-base": 10,
    "py-check-path": False,
}


PLACEHOLDER = "TODO"
"""What the reference import writes for meaning not yet written (issue 3)."""
NOT_DESCRIBED = "Not described yet: see the option's type, default and releases below."


class SchemaError(Exception):
    """A schema file is missing or broken: an installation problem (exit status 2)."""


class ReleaseError(ValueError):
    """A release the user named is not one kcconf knows."""


def schema_dir() -> Path:
    """Installed wheels carry the schemas inside the package; a checkout has them at the top."""
    from pathlib import Path

    return Path(schema_root())


@functools.cache
def schema_root() -> str:
    """schema_dir() as text: pathlib is left out of the start-up path."""
    override = os.environ.get("KCCONF_SCHEMA_DIR")
    if override:
        return override
    here = os.path.dirname(os.path.realpath(__file__))
    bundled = os.path.join(here, "_schemas")
    if os.path.isfile(os.path.join(bundled, "kopano.json")):
        return bundled
    return os.path.join(os.path.dirname(here), "schemas")


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise SchemaError(f"{path}: schema file not found"
                          " (is kcconf installed completely?)") from None
    except (OSError, ValueError) as err:
        raise SchemaError(f"{path}: cannot read schema: {err}") from None


@functools.cache
def kopano() -> dict[str, Any]:
    """schemas/kopano.json: releases, build profile, components."""
    return _read_json(os.path.join(schema_root(), "kopano.json"))


def flag_table(name: str) -> dict[str, Any]:
    """A named bit table of kopano.json (``x-kc-flag-bits`` points to one)."""
    return kopano()["flag_tables"][name]


def flags_at(name: str, series: str) -> list[dict[str, Any]]:
    """The flags of table ``name`` that exist at ``series``."""
    key = series_key(series)
    return [f for f in flag_table(name)["flags"]
            if series_key(f["since"]) <= key and
            ("until" not in f or key <= series_key(f["until"]))]


def otherwise_at(spec: dict[str, Any], series: str) -> str | dict[str, str] | None:
    """What other text of an enum acts as at ``series`` (``x-kc-otherwise``): one word,
    a ``{"true": word, "false": word}`` map for text the service reads as a boolean, or
    ``{"prefix": {start: word}, "else": word}`` for a service that compares the start only.
    A map keyed by series holds each entry from its series until the next."""
    value = spec.get("x-kc-otherwise")
    if not isinstance(value, dict) or "true" in value or "prefix" in value:
        return value
    key = series_key(series)
    held = [since for since in value if series_key(since) <= key]
    return value[max(held, key=series_key)] if held else None


def series_list() -> list[str]:
    return list(_series())


@functools.cache
def _series() -> tuple[str, ...]:
    return tuple(r["series"] for r in kopano()["releases"])


def newest_series() -> str:
    return _series()[-1]


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=256)
def series_key(series: str) -> tuple[int, int]:
    """``"8.7"`` -> (8, 7), for ordering (cached: resolving facts asks it very often)."""
    major, minor = series.split(".")[:2]
    return int(major), int(minor)


def resolve_release(text: str | None) -> str:
    """``8.7``, ``8.7.25`` or ``8.7.3`` -> the series ``8.7``; None -> the newest."""
    if text is None or text == "":
        return newest_series()
    if text in _series():
        return text
    parts = text.strip().split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts) or len(parts) > 3:
        raise ReleaseError(f"release {text!r} is not of the form X.Y or X.Y.Z")
    series = f"{int(parts[0])}.{int(parts[1])}"
    known = series_list()
    if series not in known:
        raise ReleaseError(f"release {text!r} is unknown; kcconf knows {known[0]} to {known[-1]}"
                           f" ({', '.join(known)})")
    return series


def components() -> dict[str, dict[str, Any]]:
    return kopano()["components"]


RELOAD_BEHAVIOURS = ("applied", "new-connections", "restart", "not-established", "no-effect")
"""What the audit records per option and series (x-kc-reload, see schemas/meta.schema.json)."""
UNAUDITED = "unaudited"
"""Flagged reloadable, but no audit entry covers the series yet: kcconf repeats the flag."""


@record(frozen=True, slots=True)
class Reload:
    """What a running service does with a changed value after SIGHUP, at one series.

    ``behaviour`` is one of RELOAD_BEHAVIOURS, or UNAUDITED. For an option that is not
    flagged reloadable it is ``restart`` with no evidence: the reader itself keeps the
    old value, so there is nothing to audit.
    """

    behaviour: str
    evidence: str = ""
    applies_to: str = ""
    audited: bool = False

    @property
    def applies(self) -> bool:
        """True when a reload is enough for every connection (the flag's word for unaudited)."""
        return self.behaviour in ("applied", UNAUDITED)


NOT_RELOADABLE = Reload("restart")


def resolve_reload(entries: list[dict[str, Any]] | None, series: str, flagged: bool) -> Reload:
    """The x-kc-reload entry in force at ``series`` (each holds until the next one's since)."""
    if not flagged:
        return NOT_RELOADABLE
    target = series_key(series)
    found: dict[str, Any] | None = None
    for entry in entries or []:
        if series_key(entry["since"]) > target:
            break
        found = entry
    if found is None:
        return Reload(UNAUDITED)
    return Reload(found["behaviour"], found.get("evidence", ""), found.get("applies-to", ""),
                  audited=True)


@record(frozen=True, slots=True)
class Option:
    """An option as it is at one release series: facts resolved, meaning attached."""

    name: str
    series: str
    present: bool
    default: str | None
    reloadable: bool
    nonempty: bool
    exact: bool
    size: bool
    status: str
    renamed_to: str | None
    build: str | None
    py_type: str | None
    py_options: tuple[str, ...] | None
    py_multiple: bool
    py_base: int
    py_check_path: bool
    spec: dict[str, Any]
    """The option's schema entry (title, description, type, ranges...)."""
    reload: Reload = NOT_RELOADABLE
    """What a reload really does with it at this series, from the audit (x-kc-reload)."""
    type: str = "string"
    """The value's kind (x-kc-type): kept as a field, since every check asks for it."""
    secret: bool = False
    """Its values are never shown (x-kc-secret)."""

    @property
    def title(self) -> str:
        title = self.spec.get("title", "")
        return "" if title == PLACEHOLDER else title

    @property
    def description(self) -> str:
        text = self.spec.get("description", "")
        return NOT_DESCRIBED if text in ("", PLACEHOLDER) else text

    @property
    def group(self) -> str:
        return self.spec.get("x-kc-group", "")


def resolve_facts(history: list[dict[str, Any]], series: str) -> dict[str, Any]:
    facts = dict(FACT_DEFAULTS)
    target = series_key(series)
    for entry in history:
        if series_key(entry["since"]) > target:
            break
        facts.update(entry)
    facts.pop("since", None)
    return facts


class Component:
    """One component's schema, with per-release views built on demand and cached."""

    def __init__(self, name: str, document: dict[str, Any]) -> None:
        self.name = name
        self.document = document
        info = components()[name]
        self.file: str = info["file"]
        self.parser: str = info["parser"]
        self.service: str = info["service"]
        self.summary: str = info.get("summary", "")
        self.directives: tuple[str, ...] = tuple(info.get("directives", ["include"]))
        self.other_files: tuple[str, ...] = tuple(info.get("other_files", []))
        self.propmap_files: tuple[str, ...] = tuple(info.get("propmap_files", []))
        self.package_includes: tuple[dict[str, Any], ...] = tuple(
            info.get("package_includes", []))
        """Files of Kopano's package that its shipped config includes (the LDAP server
        type's settings): the annotated default config includes them the same way."""
        self._views: dict[str, dict[str, Option]] = {}
        self._releases: dict[str, list[str]] = {}
        self._accepted: dict[str, dict[str, str]] = {}
        self._accepting: dict[str, frozenset[str]] = {}

    @property
    def python(self) -> bool:
        return self.parser == "python"

    @property
    def sighup(self) -> dict[str, str]:
        """What SIGHUP does to the whole program, from kopano.json, where that overrides
        the per-option audit: ``behaviour`` is ``restart`` (a Python daemon that ignores
        the signal) or ``next-run`` (a program started per run, which reads the file each
        time), with the evidence. Empty for the C++ daemons."""
        return components()[self.name].get("sighup", {})

    @property
    def children(self) -> dict[str, Any]:
        """kopano.json ``children``: the service sends each message from a new process
        that reads the file afresh unless its model option names a threaded model;
        ``parent-only`` options stay with the main process. Empty for the others."""
        return components()[self.name].get("children", {})

    def propmap_reload(self, series: str) -> Reload | None:
        """What a reload does with a tag set in a ``!propmap`` file, for tags the schema
        does not name (kopano.json ``propmap_reload``, entries as in x-kc-reload)."""
        entries = components()[self.name].get("propmap_reload")
        return resolve_reload(entries, series, True) if entries else None

    @property
    def runs_per_use(self) -> bool:
        """A program started per run (kopano-backup, -autorespond, -archiver): a change
        applies to its next run, with nothing to reload or restart."""
        return self.sighup.get("behaviour") == "next-run"

    @property
    def specs(self) -> dict[str, dict[str, Any]]:
        return self.document["properties"]

    @property
    def groups(self) -> dict[str, dict[str, Any]]:
        return self.document.get("x-kc-groups", {})

    @property
    def rules(self) -> list[dict[str, Any]]:
        return self.document.get("x-kc-rules", [])

    def at(self, series: str) -> dict[str, Option]:
        """Every option the schema knows, resolved at ``series`` (present or not)."""
        view = self._views.get(series)
        if view is None:
            view = {name: self._option(name, spec, series) for name, spec in self.specs.items()}
            self._views[series] = view
        return view

    def accepted(self, series: str) -> dict[str, str]:
        """Each name the reader accepts at ``series``, with the name its value is stored
        under: itself, or for an old name the option it was renamed to (the C++ reader
        follows renames; a renamed name whose target is gone is not accepted)."""
        table = self._accepted.get(series)
        if table is None:
            options = self.at(series)
            table = {}
            for name, option in options.items():
                if not option.present:
                    continue
                target = option.renamed_to
                if target is None:
                    table[name] = name
                else:
                    stored = options.get(target)
                    if stored is not None and stored.present:
                        table[name] = target
            self._accepted[series] = table
        return table

    def series_accepting(self, name: str) -> frozenset[str]:
        """The series whose reader accepts ``name`` (as ``accepted`` says), found from
        the name's history alone rather than from every series' view."""
        found = self._accepting.get(name)
        if found is None:
            spec = self.specs.get(name)
            series: set[str] = set()
            if spec is not None:
                for at in self.releases_of(name):
                    target = resolve_facts(spec["x-kc-history"], at)["renamed-to"]
                    if target is None or at in self.releases_of(target):
                        series.add(at)
            found = self._accepting[name] = frozenset(series)
        return found

    def present(self, series: str) -> dict[str, Option]:
        return {n: o for n, o in self.at(series).items() if o.present}

    def option(self, name: str, series: str) -> Option | None:
        return self.at(series).get(name)

    def releases_of(self, name: str) -> list[str]:
        """The series in which an option exists."""
        found = self._releases.get(name)
        if found is None:
            spec = self.specs.get(name)
            found = [] if spec is None else [
                s for s in series_list() if resolve_facts(spec["x-kc-history"], s)["present"]]
            self._releases[name] = found
        return found

    def first_series(self) -> str:
        """The first series in which this component exists at all."""
        for s in series_list():
            if self.present(s):
                return s
        return series_list()[0]

    def _option(self, name: str, spec: dict[str, Any], series: str) -> Option:
        f = resolve_facts(spec["x-kc-history"], series)
        py_options = f["py-options"]
        return Option(
            name=name, series=series, present=f["present"], default=f["default"],
            reloadable=f["reloadable"], nonempty=f["nonempty"], exact=f["exact"],
            size=f["size"], status=f["status"], renamed_to=f["renamed-to"], build=f["build"],
            py_type=f["py-type"], py_options=tuple(py_options) if py_options is not None else None,
            py_multiple=f["py-multiple"], py_base=f["py-base"], py_check_path=f["py-check-path"],
            spec=spec,
            reload=resolve_reload(spec.get("x-kc-reload"), series,
                                  f["reloadable"] and not self.python),
            type=spec.get("x-kc-type", "string"), secret=bool(spec.get("x-kc-secret")),
        )


@functools.cache
def load(name: str) -> Component:
    if name not in components():
        raise SchemaError(f"unknown component {name!r}")
    document = _read_json(os.path.join(schema_root(), f"{name}.schema.json"))
    return Component(name, document)


def component_names() -> list[str]:
    return list(_component_names())


@functools.cache
def _component_names() -> tuple[str, ...]:
    return tuple(components())


def component_for_filename(filename: str) -> str | None:
    """server.cfg, kopano-server.cfg, zarafa-server.cfg, server.cfg.j2, ldapms.cfg ...
    (the naming rules live in kcconf.placement, shared by validate and lint)."""
    from .placement import component_by_name

    return component_by_name(os.path.basename(filename))
