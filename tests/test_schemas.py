"""The schemas against the meta-schema, and against Kopano's own option tables."""

from __future__ import annotations

import ast
import copy
import importlib.util
import json
import operator

import jsonschema
import pytest

from kcconf import schema

from .conftest import ROOT

COMPONENTS = schema.component_names()
META = json.loads((ROOT / "schemas" / "meta.schema.json").read_text())


def document(name: str) -> dict:
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())


@pytest.mark.parametrize("name", COMPONENTS)
def test_schema_follows_the_meta_schema(name):
    doc = document(name)
    jsonschema.Draft202012Validator.check_schema(doc)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(META).iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_option_has_a_known_group_and_a_type(name):
    doc = document(name)
    groups = doc["x-kc-groups"]
    for option, spec in doc["properties"].items():
        assert spec["x-kc-group"] in groups, option
        if spec["x-kc-type"] == "enum":
            assert spec.get("enum"), option
    used = {spec["x-kc-group"] for spec in doc["properties"].values()}
    assert set(groups) == used


def undescribed(name: str) -> list[str]:
    doc = document(name)
    missing = [o for o, spec in doc["properties"].items()
               if "TODO" in (spec["title"], spec["description"])]
    return (["<schema>"] if doc["description"] == "TODO" else []) + missing


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_option_has_a_description(name):
    assert undescribed(name) == []


@pytest.mark.parametrize("name", COMPONENTS)
def test_top_level_default_is_the_newest_one(name):
    component = schema.load(name)
    for option, spec in component.specs.items():
        releases = component.releases_of(option)
        if releases:
            assert spec["default"] == component.option(option, releases[-1]).default, option


@pytest.mark.parametrize("name", COMPONENTS)
def test_rules_name_existing_options(name):
    component = schema.load(name)
    for rule in component.rules:
        for condition in rule.get("when", []) + rule["require"]:
            for key in ("option", "<", "<=", ">", ">="):
                if key in condition:
                    assert condition[key] in component.specs, (rule["id"], condition[key])


@pytest.mark.parametrize("name", COMPONENTS)
def test_secrets_are_marked(name):
    """Option names that hold credentials carry x-kc-secret."""
    component = schema.load(name)
    for option, spec in component.specs.items():
        words = option.split("_")
        looks_secret = (option.endswith(("password", "passwd", "_pass", "secretaccesskey"))
                        or "secret" in words)
        if looks_secret and not spec.get("x-kc-history", [{}])[-1].get("renamed-to"):
            assert spec.get("x-kc-secret") is True, option


# --- coverage against ../shared/reference/kopano-options.json --------------------------

_ARITH = {ast.Mult: operator.mul, ast.Pow: operator.pow, ast.Add: operator.add}


def _arith(text: str) -> int:
    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        return _ARITH[type(node.op)](walk(node.left), walk(node.right))

    return walk(ast.parse(text, mode="eval"))


def python_default_matches(ours: str | None, entry: dict) -> bool:
    """Compare a Python service default by meaning: the text we store must read back as
    the value Kopano's table holds."""
    theirs = entry.get("default")
    if theirs is None:
        return ours is None
    if isinstance(theirs, bool):
        return ours == ("yes" if theirs else "no")
    if isinstance(theirs, list):
        base = entry.get("base", 10)
        return ours is not None and [int(x, base) for x in ours.split()] == theirs
    if isinstance(theirs, int):
        return ours == str(theirs)
    if isinstance(theirs, str) and "*" in theirs:
        return ours == str(_arith(theirs))
    return ours == theirs


def with_supplement(reference: dict) -> dict:
    """The reference plus tools/reference-supplement.json: entries of Kopano's tables the
    extraction missed, read from the same source tags. Checked with the same rigour."""
    spec = importlib.util.spec_from_file_location(
        "import_reference", ROOT / "tools" / "import_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    merged = copy.deepcopy(reference)
    module.merge_supplement(merged, json.loads(module.SUPPLEMENT.read_text(encoding="utf-8")))
    return merged


def test_supplement_adds_only_what_the_reference_lacks(reference):
    """A supplement entry that the reference already has would hide a disagreement."""
    supplement = json.loads((ROOT / "tools" / "reference-supplement.json").read_text())
    clashes = []
    for name, releases in supplement["components"].items():
        for release, table in releases.items():
            have = {o["name"] for o in reference["components"][name]["releases"]
                    .get(release, {}).get("options", [])}
            clashes += [f"{name} {release} {e['name']}"
                        for e in table.get("missing_options", []) if e["name"] in have]
    assert clashes == []


def test_every_reference_option_is_covered(reference):
    """Every (component, release, option) of the reference, with default and flags.

    Entries under a platform branch a Linux build does not compile (WIN32, offline
    support, the other side of #ifdef LINUX) do not exist for kcconf's users; the build
    profile in schemas/kopano.json decides, as for the schemas themselves.
    """
    profile = schema.kopano()["build_profile"]
    series_of = {r["facts_from"]: r["series"] for r in schema.kopano()["releases"]}
    checked = 0
    problems = []
    for name, comp in with_supplement(reference)["components"].items():
        component = schema.load(name)
        python = comp["parser"] == "python"
        for release, table in comp["releases"].items():
            series = series_of[release]
            entries = list(table["options"])
            seen = {e["name"] for e in entries}
            entries += [e for e in table.get("base_options") or [] if e["name"] not in seen]
            for entry in entries:
                condition = entry.get("condition")
                feature = None
                if condition:
                    negate = condition.startswith("not(")
                    inner = condition[4:-1] if negate else condition
                    if inner in profile["platform"]:
                        if profile["platform"][inner] == negate:
                            continue
                    else:
                        feature = None if negate else profile["features"][inner]
                option = component.option(entry["name"], series)
                checked += 1
                where = f"{name} {release} {entry['name']}"
                if option is None or not option.present:
                    problems.append(f"{where}: missing")
                    continue
                if python:
                    if not python_default_matches(option.default, entry):
                        problems.append(f"{where}: default {option.default!r} vs"
                                        f" {entry.get('default')!r}")
                    if option.reloadable:
                        problems.append(f"{where}: Python options are never reloadable")
                    continue
                flags = set(entry["flags"])
                if "ALIAS" in flags:
                    if option.renamed_to != entry["default"]:
                        problems.append(f"{where}: renamed-to {option.renamed_to!r}")
                elif option.default != entry["default"]:
                    problems.append(f"{where}: default {option.default!r} vs {entry['default']!r}")
                expect = {"reloadable": "RELOADABLE" in flags, "nonempty": "NONEMPTY" in flags,
                          "exact": "EXACT" in flags, "size": "SIZE" in flags}
                got = {"reloadable": option.reloadable, "nonempty": option.nonempty,
                       "exact": option.exact, "size": option.size}
                if expect != got:
                    problems.append(f"{where}: flags {got} vs {expect}")
                status = next((s.lower() for s in ("OBSOLETE", "UNUSED", "DEPRECATED")
                               if s in flags), "active")
                if option.status != status:
                    problems.append(f"{where}: status {option.status} vs {status}")
                if option.build != feature:
                    problems.append(f"{where}: build {option.build} vs {feature}")
    assert problems == []
    assert checked > 6000


@pytest.mark.parametrize("name", COMPONENTS)
def test_no_default_looks_like_a_template(name):
    """Rules skip options whose value is a template expression; they look only at
    assigned values for that, which holds while no built-in default looks like one."""
    from kcconf.checks.values import is_template

    component = schema.load(name)
    for series in schema.series_list():
        for option in component.at(series).values():
            assert not is_template(option.default or ""), (option.name, series)


@pytest.mark.parametrize("name", COMPONENTS)
def test_names_accepted_per_series_agree_with_the_resolved_options(name):
    """Two quick paths (a table per series, and a name's series from its history) must
    say what effective.canonical_name says of every name at every series."""
    from kcconf.effective import canonical_name

    component = schema.load(name)
    for series in schema.series_list():
        options = component.at(series)
        expected = {n: canonical_name(options, n) for n in component.specs}
        expected = {n: stored for n, stored in expected.items() if stored is not None}
        assert component.accepted(series) == expected, series
        for option_name in component.specs:
            assert (series in component.series_accepting(option_name)) == \
                (option_name in expected), (series, option_name)
    renamed = [n for n, spec in component.specs.items()
               if any("renamed-to" in h for h in spec["x-kc-history"])]
    if name == "server":
        assert renamed, "the server has old names, so the rename path is exercised"
