#!/usr/bin/env python3
"""Transcribe Kopano's option tables into the facts of kcconf's component schemas.

The facts (presence per release, built-in default, reader flags, build condition,
Python parser settings) come from ``kopano-options.json``; everything written by
hand in a schema (title, description, group, meaning type, ranges, rules) is kept.
Run it when the reference file changes:

    python3 tools/import_reference.py ../shared/reference/kopano-options.json

This is a maintainer tool. The schemas it writes are the source of truth that
kcconf ships; kcconf itself never reads the reference file.
"""

from __future__ import annotations

import argparse
import ast
import json
import operator
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SUPPLEMENT = Path(__file__).resolve().parent / "reference-supplement.json"

FACT_KEYS = (
    "present", "default", "reloadable", "nonempty", "exact", "size", "status",
    "renamed-to", "build", "py-type", "py-options", "py-multiple", "py-base", "py-check-path",
)
STATUS_FLAGS = (("OBSOLETE", "obsolete"), ("UNUSED", "unused"), ("DEPRECATED", "deprecated"))
LOG_LEVELS = [str(i) for i in range(7)] + ["info", "debug", "warning", "error", "critical"]

_ARITH = {ast.Mult: operator.mul, ast.Pow: operator.pow, ast.Add: operator.add,
          ast.Sub: operator.sub}


def eval_arith(text: str) -> int:
    """Evaluate the small integer expressions Kopano writes as defaults (``2 ** 24``)."""

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return _ARITH[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError(f"not a simple arithmetic expression: {text!r}")

    return walk(ast.parse(text, mode="eval"))


def python_default_text(option: dict[str, Any]) -> str | None:
    """The config-file text that means the same as a Python service's default value."""
    if "default" not in option or option["default"] is None:
        return None
    value = option["default"]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        base = option.get("base", 10)
        return " ".join(format(v, "x") if base == 16 else str(v) for v in value)
    if option.get("type") in ("integer", "size") and isinstance(value, str):
        try:
            return str(eval_arith(value))
        except (ValueError, SyntaxError):
            return value
    return str(value)


def python_options(option: dict[str, Any]) -> list[str] | None:
    opts = option.get("options")
    if opts is None:
        return None
    if isinstance(opts, str):
        # Kopano names its log level list, either by name or by the expression that builds it.
        if opts == "LOG_LEVELS" or "range(7)" in opts:
            return list(LOG_LEVELS)
        raise ValueError(f"unknown option list expression {opts!r}")
    return [str(o) for o in opts]


def applies(condition: str | None, profile: dict[str, Any]) -> tuple[bool, str | None]:
    """Whether an entry exists in a Linux build, and the optional feature it needs."""
    if condition is None:
        return True, None
    negate = condition.startswith("not(") and condition.endswith(")")
    inner = condition[4:-1] if negate else condition
    if inner in profile["platform"]:
        return profile["platform"][inner] != negate, None
    if inner in profile["features"]:
        if negate:
            # The fallback branch of an optional feature: present when the feature is absent.
            return True, None
        return True, profile["features"][inner]
    raise ValueError(f"condition {condition!r} is not in the build profile of schemas/kopano.json")


def cxx_facts(entry: dict[str, Any], build: str | None) -> dict[str, Any]:
    flags = set(entry.get("flags", []))
    status = "active"
    for flag, name in STATUS_FLAGS:
        if flag in flags:
            status = name
    facts: dict[str, Any] = {
        "present": True,
        "reloadable": "RELOADABLE" in flags,
        "nonempty": "NONEMPTY" in flags,
        "exact": "EXACT" in flags,
        "size": "SIZE" in flags,
        "status": status,
        "build": build,
    }
    if "ALIAS" in flags:
        facts["renamed-to"] = entry["default"]
        facts["default"] = None
    else:
        facts["renamed-to"] = None
        facts["default"] = entry.get("default")
    return facts


def py_facts(entry: dict[str, Any]) -> dict[str, Any]:
    py_type = entry.get("type", "string")
    return {
        "present": True,
        "default": python_default_text(entry),
        "status": "ignored" if py_type == "ignore" else "active",
        "py-type": py_type,
        "py-options": python_options(entry),
        "py-multiple": bool(entry.get("multiple", False)),
        "py-base": int(entry.get("base", 10)),
        "py-check-path": bool(entry.get("check_path", False))
        or (py_type == "path" and entry.get("check", True)),
    }


def release_tables(component: dict[str, Any], series_of: dict[str, str],
                   profile: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """series -> option name -> facts, in table order."""
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    python = component["parser"] == "python"
    for release, table in component["releases"].items():
        facts_by_name: dict[str, dict[str, Any]] = {}
        entries = list(table["options"]) + list(table.get("base_options") or [])
        for entry in entries:
            exists, build = applies(entry.get("condition"), profile)
            if not exists:
                continue
            facts = py_facts(entry) if python else cxx_facts(entry, build)
            if entry.get("group") == "CONFIGGROUP_PROPMAP":
                facts["_propmap"] = True
            name = entry["name"]
            # A later entry of the same name in one table overrides the earlier one, as
            # Kopano's own table walk does; base options come after service options.
            if name in facts_by_name and python and entry in (table.get("base_options") or []):
                continue
            facts_by_name[name] = facts
        tables[series_of[release]] = facts_by_name
    return tables


def ordered_names(tables: dict[str, dict[str, dict[str, Any]]], series: list[str]) -> list[str]:
    """Newest table order first; options only in older tables follow their old neighbour."""
    order: list[str] = []
    for s in reversed(series):
        if s not in tables:
            continue
        previous = None
        for name in tables[s]:
            if name not in order:
                pos = order.index(previous) + 1 if previous in order else len(order)
                order.insert(pos, name)
            previous = name
    return order


def history_for(name: str, tables: dict[str, dict[str, dict[str, Any]]],
                series: list[str]) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for s in series:
        if s not in tables:
            facts = {"present": False} if current.get("present") else {}
        else:
            facts = tables[s].get(name)
            facts = {k: v for k, v in facts.items() if not k.startswith("_")} if facts else (
                {"present": False} if current.get("present") else {})
        if not facts:
            continue
        change = {k: v for k, v in facts.items() if current.get(k, _MISSING) != v}
        if not current and not facts.get("present"):
            continue
        if change:
            entry = {"since": s}
            entry.update({k: change[k] for k in FACT_KEYS if k in change})
            history.append(entry)
            current.update(change)
    return history


_MISSING = object()


def newest_default(history: list[dict[str, Any]]) -> str | None:
    default = None
    present = False
    for entry in history:
        present = entry.get("present", present)
        if present and "default" in entry:
            default = entry["default"]
    return default


def placeholder_option(group: str) -> dict[str, Any]:
    return {"title": "TODO", "description": "TODO", "x-kc-group": group, "x-kc-type": "string"}


def merge_component(name: str, component: dict[str, Any], meta: dict[str, Any],
                    series_of: dict[str, str]) -> dict[str, Any]:
    series = [r["series"] for r in meta["releases"]]
    tables = release_tables(component, series_of, meta["build_profile"])
    path = SCHEMAS / f"{name}.schema.json"
    if path.exists():
        schema = json.loads(path.read_text(encoding="utf-8"))
    else:
        info = meta["components"][name]
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://kcconf.invalid/schemas/{name}.schema.json",
            "title": f"{info['file']}: {info['summary']}",
            "description": "TODO",
            "type": "object",
            "x-kc-component": name,
            "x-kc-groups": {"general": {"title": "General"}},
            "x-kc-rules": [],
            "additionalProperties": False,
            "properties": {},
        }
    old = schema["properties"]
    props: dict[str, Any] = {}
    for opt in ordered_names(tables, series):
        entry = dict(old.get(opt) or placeholder_option(next(iter(schema["x-kc-groups"]))))
        history = history_for(opt, tables, series)
        entry["default"] = newest_default(history)
        entry["x-kc-history"] = history
        propmap = any(t.get(opt, {}).get("_propmap") for t in tables.values())
        if propmap:
            entry["x-kc-propmap"] = True
        else:
            entry.pop("x-kc-propmap", None)
        props[opt] = _key_order(entry)
    dropped = sorted(set(old) - set(props))
    if dropped:
        print(f"{name}: options no longer in the reference, dropped: {', '.join(dropped)}",
              file=sys.stderr)
    schema["properties"] = props
    return schema


_FIELD_ORDER = ("title", "description", "default", "x-kc-group", "x-kc-type")


def _key_order(entry: dict[str, Any]) -> dict[str, Any]:
    ordered = {k: entry[k] for k in _FIELD_ORDER if k in entry}
    for k, v in entry.items():
        if k not in ordered and k != "x-kc-history":
            ordered[k] = v
    ordered["x-kc-history"] = entry["x-kc-history"]
    return ordered


def merge_supplement(reference: dict[str, Any], supplement: dict[str, Any]) -> None:
    """Add the tables of tools/reference-supplement.json (facts the reference lacks)."""
    for name, releases in supplement["components"].items():
        tables = reference["components"][name]["releases"]
        for release, table in releases.items():
            merged = dict(tables.get(release, {"options": []}))
            missing = table.get("missing_options", [])
            merged.update({k: v for k, v in table.items() if k != "missing_options"})
            merged["options"] = insert_missing(list(merged["options"]), missing)
            tables[release] = merged
        order = reference["releases"]
        reference["components"][name]["releases"] = dict(
            sorted(tables.items(), key=lambda item: order.index(item[0])))


def insert_missing(options: list[dict[str, Any]], missing: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """Put each missing entry where Kopano's table has it: after the entry named in 'after'."""
    for entry in missing:
        if any(o["name"] == entry["name"] for o in options):
            continue
        names = [o["name"] for o in options]
        at = names.index(entry["after"]) + 1 if entry.get("after") in names else len(options)
        options.insert(at, {k: v for k, v in entry.items() if k in ("name", "default", "flags")})
    return options


def dump(schema: dict[str, Any]) -> str:
    """Indented JSON, but each history entry on one line so release changes read as a table."""
    compact: dict[str, str] = {}
    shallow = dict(schema)
    shallow["properties"] = {}
    for name, option in schema["properties"].items():
        option = dict(option)
        lines = []
        for item in option["x-kc-history"]:
            key = f"@@history-{len(compact)}@@"
            compact[key] = json.dumps(item, ensure_ascii=False)
            lines.append(key)
        option["x-kc-history"] = lines
        shallow["properties"][name] = option
    text = json.dumps(shallow, indent=2, ensure_ascii=False)
    for key, value in compact.items():
        text = text.replace(f'"{key}"', value)
    return text + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path, help="path to kopano-options.json")
    parser.add_argument("--component", action="append", help="only these components")
    args = parser.parse_args(argv)
    reference = json.loads(args.reference.read_text(encoding="utf-8"))
    merge_supplement(reference, json.loads(SUPPLEMENT.read_text(encoding="utf-8")))
    meta = json.loads((SCHEMAS / "kopano.json").read_text(encoding="utf-8"))
    series_of = {r["facts_from"]: r["series"] for r in meta["releases"]}
    for name, component in reference["components"].items():
        if args.component and name not in args.component:
            continue
        schema = merge_component(name, component, meta, series_of)
        (SCHEMAS / f"{name}.schema.json").write_text(dump(schema), encoding="utf-8")
        print(f"{name}: {len(schema['properties'])} options")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
