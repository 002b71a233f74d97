"""Rewrite a config written for one release so that another release reads it as meant.

Old names become their new names; options that the target release no longer has (or
ignores) are commented out with a note saying when they went; exact conversions
declared in the schema (``x-kc-conversions``) write the replacement option. Changed
defaults and what needs a human decision are reported, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import edit, effective, fixes, loader, schema
from .checks import Context
from .checks.rules import holds
from .dialect import Kind
from .records import field, record
from .validate import flavour_of


@record(slots=True)
class UpgradeReport:
    component: schema.Component
    from_series: str
    to_series: str
    new: bytes = b""
    renamed: list[tuple[str, str, int]] = field(default_factory=list)
    removed: list[tuple[str, str, int]] = field(default_factory=list)
    """(option, why, line)"""
    converted: list[tuple[str, str, str]] = field(default_factory=list)
    """(conversion id, target, value)"""
    defaults: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """options not set in the file whose built-in default changed: (name, old, new)"""
    decisions: list[str] = field(default_factory=list)


def _between(series: str, low: str, high: str) -> bool:
    key = schema.series_key
    return key(low) < key(series) <= key(high)


def _gone_since(component: schema.Component, name: str, low: str, high: str) -> str:
    for s in schema.series_list():
        if _between(s, low, high):
            option = component.option(name, s)
            if option is None or not option.present or option.status in ("obsolete", "unused"):
                return s
    return high


def upgrade(path: str, data: bytes, component: schema.Component, from_series: str,
            to_series: str, environ: Mapping[str, str] | None = None) -> UpgradeReport:
    if schema.series_key(to_series) < schema.series_key(from_series):
        raise edit.EditError(f"--to {to_series} is older than --from {from_series}")
    report = UpgradeReport(component, from_series, to_series)
    flavour = flavour_of(component)
    loaded = loader.load(path, flavour, component.directives, data=data)
    old_state = effective.build(loaded, component, from_series, environ or {})
    ctx = Context(loaded, component, from_series, old_state, component.at(from_series),
                  environ or {})
    doc = edit.parse_for_edit(data, path, flavour)
    lines = fixes.Lines(doc)
    edits: list[fixes.Edit] = []
    consumed: dict[str, list[str]] = {}
    conversions = []
    for conversion in component.document.get("x-kc-conversions", []):
        if not _between(conversion["since"], from_series, to_series):
            continue
        if not any(old_state.is_set(n) for n in conversion["consumes"]):
            continue
        if all(holds(ctx, c) for c in conversion.get("when", [])):
            conversions.append(conversion)
            for name in conversion["consumes"]:
                consumed.setdefault(name, []).append(conversion["target"])
    target_options = component.at(to_series)
    for entry in doc.entries:
        if entry.kind is not Kind.OPTION or entry.chunk != 0 or entry.name is None:
            continue
        name = entry.name
        option = target_options.get(name)
        if name in consumed:
            targets = " and ".join(dict.fromkeys(consumed[name]))
            edits.extend(fixes.comment_out_with_note(
                lines, entry.line, f"{name}: converted into {targets} for {to_series}"))
            report.removed.append((name, f"converted into {targets}", entry.line))
        elif option is not None and option.present and option.renamed_to and \
                target_options.get(option.renamed_to) and \
                target_options[option.renamed_to].present:
            edits.append(fixes.rename(lines, entry.line, option.renamed_to))
            report.renamed.append((name, option.renamed_to, entry.line))
        elif option is None or not option.present or option.status in ("obsolete", "unused"):
            known_before = component.option(name, from_series)
            if known_before is None or not known_before.present:
                report.decisions.append(f"line {entry.line}: {name} is unknown in"
                                        f" {from_series} too; left as it is")
                continue
            since = _gone_since(component, name, from_series, to_series)
            state = "removed" if option is None or not option.present else option.status
            see = component.specs.get(name, {}).get("x-kc-see-also")
            hint = f"; see {', '.join(see)}" if see else ""
            edits.extend(fixes.comment_out_with_note(lines, entry.line,
                                                     f"{name}: {state} in {since}{hint}"))
            report.removed.append((name, f"{state} in {since}", entry.line))
            if known_before.default != old_state.value(name) and not see:
                report.decisions.append(f"line {entry.line}: {name} was set to a non-default"
                                        f" value and has no replacement in {to_series}")
    current = fixes.apply_edits(data, edits)
    for conversion in conversions:
        value = _fill(conversion["value"], old_state)
        target = conversion["target"]
        new_doc = edit.parse_for_edit(current, path, flavour)
        existing = [e for e in new_doc.entries if e.kind is Kind.OPTION and e.name == target]
        if conversion.get("append") and existing and existing[-1].value:
            words = existing[-1].value.split()
            if value not in words:
                value = " ".join([*words, value])
        new_lines, _ = edit.set_one(new_doc, component, to_series, target, value)
        current = b"".join(new_lines)
        report.converted.append((conversion["id"], target, value))
    report.new = current
    report.defaults = _changed_defaults(component, old_state, from_series, to_series)
    return report


_FIELD = re.compile(r"\{([A-Za-z0-9_]+)(?:\|([^}]*))?\}")


def _fill(template: str, state: effective.Effective) -> str:
    def value(match: re.Match[str]) -> str:
        found = state.value(match.group(1)) or ""
        return found if found else (match.group(2) or "")

    return _FIELD.sub(value, template)


def _changed_defaults(component: schema.Component, state: effective.Effective,
                      from_series: str, to_series: str) -> list[tuple[str, str | None, str | None]]:
    changed = []
    before, after = component.at(from_series), component.at(to_series)
    for name, new_option in after.items():
        old_option = before.get(name)
        if not new_option.present or new_option.renamed_to or old_option is None or \
                not old_option.present or state.is_set(name):
            continue
        if old_option.default != new_option.default:
            changed.append((name, old_option.default, new_option.default))
    return changed
