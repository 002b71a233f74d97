"""Project settings for lint: ``.kcconf.toml`` or ``[tool.kcconf]`` in ``pyproject.toml``.

Every key and value is checked, since a typo in the settings must not pass in silence.
Path patterns are gitignore-like and relative to the settings file's folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib

from .. import schema
from ..diagnostics import FROM_WORD
from ..records import field, record
from ..selection import normal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..selection import Selection

SETTINGS_KEYS = frozenset({"release", "ignore", "disable", "severity", "files", "include-root"})
FILE_KEYS = frozenset({"path", "component", "release"})


class SettingsError(Exception):
    """The project settings file is unusable: one line, exit status 2."""


@record(frozen=True, slots=True)
class PathPattern:
    """gitignore-like: a pattern without '/' matches any path component (so a folder
    name covers everything in it); one with '/' matches the path from the root, or a
    folder that leads to it. ``*`` crosses '/' there; matching is case-sensitive."""

    text: str
    regex: re.Pattern[str] | None

    @classmethod
    def parse(cls, pattern: str) -> PathPattern:
        text = pattern.strip().removeprefix("./").strip("/")
        if "/" not in text:
            return cls(text, None)
        body = re.sub(r"\\[Zz]$", "", fnmatch.translate(text))
        return cls(text, re.compile(body + r"(?:/.*)?\Z", re.DOTALL))

    def matches(self, rel: str) -> bool:
        if not self.text:
            return False
        if self.regex is None:
            return any(fnmatch.fnmatchcase(part, self.text) for part in rel.split("/"))
        return self.regex.match(rel) is not None


def matches(rel: str, pattern: str) -> bool:
    """Whether ``rel`` (relative, forward slashes) matches a settings path pattern."""
    return PathPattern.parse(pattern).matches(rel)


@record(slots=True)
class ProjectSettings:
    """Project settings; path patterns are relative to ``root`` (the settings' folder)."""

    files: list[tuple[PathPattern, str | None, str | None]] = field(default_factory=list)
    """(path pattern, component, release) in order; the first match wins."""
    ignore: list[PathPattern] = field(default_factory=list)
    disable: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    release: str | None = None
    source: str | None = None
    root: str = "."
    component: str | None = None
    """--component: every file is checked as this component (not from the settings file)."""
    include_root: str | None = None
    """Absolute !include/!propmap targets are read below this directory (a sysroot);
    None: they live on the server, and a missing one is a note (KC120)."""
    selection: Selection | None = None
    """--select/--extend-select/--ignore (None: every code), asked while checking so that
    findings not reported do not use up the findings limit."""
    max_findings: int | None = None
    """--max-findings: findings kept per code and file (None: validate's default)."""

    def relative(self, path: str) -> str:
        """The path the patterns see: relative to the root, with forward slashes."""
        if self.root == "." and not os.path.isabs(path) and not path.startswith(".."):
            rel = path
        else:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
            if rel.startswith(".."):
                rel = path
        return rel.replace(os.sep, "/")

    def ignored(self, rel: str) -> bool:
        return any(pattern.matches(rel) for pattern in self.ignore)

    def mapping(self, rel: str) -> tuple[str | None, str | None]:
        component, release, _ = self.mapping_of(rel)
        return component, release

    def mapping_of(self, rel: str) -> tuple[str | None, str | None, str | None]:
        """(component, release, the pattern that matched) of the first matching entry."""
        for pattern, component, release in self.files:
            if pattern.matches(rel):
                return component, release, pattern.text
        return None, None, None


def load_settings(path: str | None = None, start: str = ".") -> ProjectSettings:
    """``--config FILE``, else the nearest ``.kcconf.toml`` or ``pyproject.toml`` with
    ``[tool.kcconf]`` from ``start`` upwards to the repository's top folder."""
    from ..settings_file import find_settings_file

    found = None if path else find_settings_file(start)
    candidates = [path] if path else [os.path.relpath(found)] if found else []
    for candidate in candidates:
        if not os.path.isfile(candidate):
            if path:
                raise SettingsError(f"{candidate}: no such settings file")
            continue
        try:
            with open(candidate, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as err:
            raise SettingsError(f"{candidate}: cannot read: {err.strerror or err}") from None
        except tomllib.TOMLDecodeError as err:
            raise SettingsError(f"{candidate}: not valid TOML: {err}") from None
        except RecursionError:
            raise SettingsError(f"{candidate}: not valid kcconf settings: arrays or tables"
                                " nested too deeply to read") from None
        if os.path.basename(candidate) == "pyproject.toml":
            data = data.get("tool", {}).get("kcconf")
            if data is None:
                if path:
                    raise SettingsError(f"{candidate}: no [tool.kcconf] table")
                continue
        elif isinstance(data.get("kcconf"), dict) and len(data) == 1:
            data = data["kcconf"]  # a [kcconf] table is accepted too
        return parse_settings(data, candidate)
    return ProjectSettings()


def parse_settings(data: Any, source: str) -> ProjectSettings:
    """Check every key and value: a typo in the settings must not pass in silence."""
    def fail(message: str) -> SettingsError:
        return SettingsError(f"{source}: {message}")

    if not isinstance(data, dict):
        raise fail("the kcconf settings must be a table")
    unknown = sorted(set(data) - SETTINGS_KEYS)
    if unknown:
        raise fail(f"unknown setting {unknown[0]!r}; known: {', '.join(sorted(SETTINGS_KEYS))}")
    root = os.path.relpath(os.path.dirname(source) or ".")
    settings = ProjectSettings(source=source, root=root)
    settings.release = _release(data.get("release"), fail, "release")
    include_root = data.get("include-root")
    if include_root is not None:
        if not isinstance(include_root, str) or not include_root:
            raise fail("'include-root' must be a directory name (a string)")
        settings.include_root = os.path.join(root, include_root)
    settings.ignore = [PathPattern.parse(p) for p in _strings(data.get("ignore", []), fail,
                                                                "ignore")]
    codes = _strings(data.get("disable", []), fail, "disable")
    settings.disable = frozenset(normal(c) for c in codes)
    _known_codes(settings.disable, fail, "disable")
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("'severity' must be a table of CODE = \"error\" | \"warning\" | \"note\"")
    _known_codes({normal(code) for code in severity}, fail, "severity")
    for code, level in severity.items():
        if level not in FROM_WORD:
            raise fail(f"severity of {code}: {level!r} is not error, warning or note")
        settings.severity[normal(code)] = FROM_WORD[level]
    files = data.get("files", [])
    if not isinstance(files, list):
        raise fail("'files' must be an array of tables ([[files]])")
    for n, item in enumerate(files, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise fail(f"files entry {n}: needs path = \"PATTERN\"")
        extra = sorted(set(item) - FILE_KEYS)
        if extra:
            raise fail(f"files entry {n}: unknown key {extra[0]!r}; known: component, path,"
                       " release")
        component = item.get("component")
        if component is not None and component not in schema.component_names():
            raise fail(f"files entry {n}: unknown component {component!r}; known:"
                       f" {', '.join(schema.component_names())}")
        release = _release(item.get("release"), fail, f"files entry {n}: release")
        settings.files.append((PathPattern.parse(item["path"]), component, release))
    return settings


def _known_codes(codes: set[str] | frozenset[str], fail, key: str) -> None:
    """A selector that names nothing (no code, code name or schema rule id) is a typo:
    it would silence or change nothing. A code prefix is refused here too: a setting
    names the codes it changes."""
    from ..selection import known, rule_ids

    unknown = sorted(c for c in codes if not known(c, rule_ids(), prefixes=False))
    if unknown:
        raise fail(f"'{key}': {unknown[0]} is not a kcconf code ('kcconf explain' lists them)")


def _strings(value: Any, fail, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"'{key}' must be an array of strings")
    return value


def _release(value: Any, fail, what: str) -> str | None:
    if value is None:
        return None
    text = str(value)  # release = 8.7 (a TOML float) means "8.7"
    try:
        schema.resolve_release(text)
    except schema.ReleaseError as err:
        raise fail(f"{what}: {err}") from None
    return text


# -- finding files -----------------------------------------------------------------------
