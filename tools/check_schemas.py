#!/usr/bin/env python3
"""Check component schemas against schemas/meta.schema.json and report what is unfinished.

    python3 tools/check_schemas.py [COMPONENT ...]

Prints one line per problem and exits 1 if there is any. Used while writing schemas;
the test suite makes the same checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


def problems(component: str) -> list[str]:
    path = SCHEMAS / f"{component}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    meta = json.loads((SCHEMAS / "meta.schema.json").read_text(encoding="utf-8"))
    found = [f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
             for e in jsonschema.Draft202012Validator(meta).iter_errors(schema)]
    jsonschema.Draft202012Validator.check_schema(schema)
    groups = schema.get("x-kc-groups", {})
    if "TODO" in (schema.get("description"), schema.get("title")):
        found.append(f"{path.name}: the schema's title or description is TODO")
    for name, option in schema.get("properties", {}).items():
        if "TODO" in (option.get("title"), option.get("description")):
            found.append(f"{path.name}: {name}: title or description is TODO")
        if option.get("x-kc-group") not in groups:
            group = option.get("x-kc-group")
            found.append(f"{path.name}: {name}: group {group!r} is not in x-kc-groups")
        if option.get("x-kc-type") == "enum" and not option.get("enum"):
            found.append(f"{path.name}: {name}: x-kc-type enum needs an enum list")
    used = {o.get("x-kc-group") for o in schema.get("properties", {}).values()}
    for group in groups:
        if group not in used:
            found.append(f"{path.name}: group {group!r} has no options")
    names = set(schema.get("properties", {}))
    for rule in schema.get("x-kc-rules", []):
        for cond in rule.get("when", []) + rule.get("require", []):
            for key in ("option", "<", "<=", ">", ">="):
                if key in cond and cond[key] not in names:
                    found.append(f"{path.name}: rule {rule['id']}: unknown option {cond[key]!r}")
    return found


def main(argv: list[str]) -> int:
    meta = json.loads((SCHEMAS / "kopano.json").read_text(encoding="utf-8"))
    components = argv or list(meta["components"])
    all_problems = [p for c in components for p in problems(c)]
    for p in all_problems:
        print(p)
    print(f"{len(all_problems)} problem(s) in {len(components)} schema(s)")
    return 1 if all_problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
