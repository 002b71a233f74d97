"""From assignments to the settings a service ends up with.

Applies what Kopano's readers do after splitting a line: alias names map to their new
names, ``$VARIABLE`` values are taken from the environment (C++ services, not for
EXACT options), SIZE values are checked and converted, values are cut to 1023 bytes,
and the last assignment wins. Options never assigned keep their built-in default.
The diagnostics made here are the reader's own complaints about names; value meaning
is checked elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, MutableMapping, Sequence

from . import values
from .diagnostics import Diagnostic
from .loader import Assignment, Assignments, Loaded, Picked, picked
from .records import field, record
from .schema import Component, Option, kopano, series_key

CXX_VALUE_LIMIT = 1023
"""ECConfigImpl keeps at most this many bytes of a value."""
CXX_NAME_LIMIT = 255
"""ECConfigImpl's setting key is a 256-byte buffer."""


@record(slots=True)
class Setting:
    name: str
    value: str | None
    """What the service stores (after $VAR, SIZE conversion and truncation)."""
    written: str | None = None
    """The text after '=' as written, for messages (None for defaults)."""
    source: str = "default"
    """default, file, env or propmap."""
    assignment: Assignment | None = None
    option: Option | None = None
    assignments: Sequence[Assignment] = field(default_factory=list)
    """Every assignment to this setting, in order (the last one won); compact (see
    loader.Picked) when read from files."""


class Settings(MutableMapping[str, Setting]):
    """Every setting of a file, in schema order, made on first use.

    A component has a few hundred options and a file sets a dozen; a Setting is made
    only when looked up, so checking a file does not cost one object per option."""

    __slots__ = ("_defaults", "_humansize", "_made")

    def __init__(self, defaults: dict[str, Option], humansize: bool | None = None) -> None:
        self._defaults = defaults
        self._made: dict[str, Setting] = {}
        self._humansize = humansize

    def __getitem__(self, name: str) -> Setting:
        setting = self._made.get(name)
        if setting is None:
            option = self._defaults[name]  # KeyError for names the service does not know
            setting = self._made[name] = Setting(name, stored_default(option, self._humansize),
                                                 option=option)
        return setting

    def __setitem__(self, name: str, setting: Setting) -> None:
        self._made[name] = setting

    def __delitem__(self, name: str) -> None:
        raise TypeError("settings cannot be removed")

    def __contains__(self, name: object) -> bool:
        return name in self._defaults or name in self._made

    def get(self, name: str, default: Setting | None = None) -> Setting | None:  # type: ignore[override]
        """Mapping.get without the KeyError round trip: checks look settings up a lot."""
        setting = self._made.get(name)
        if setting is not None:
            return setting
        if name not in self._defaults:
            return default
        return self[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._defaults
        yield from (name for name in self._made if name not in self._defaults)

    def __len__(self) -> int:
        return len(self._defaults) + sum(1 for name in self._made if name not in self._defaults)

    def touched(self) -> Iterator[Setting]:
        """The settings made so far: every assigned one, and some looked up."""
        return iter(list(self._made.values()))


def stored_default(option: Option, humansize: bool | None) -> str | None:
    """The default as the service stores it: ECConfigImpl converts a SIZE default like
    any value ('1M' is stored, and dumped, as 1048576). ``humansize`` None: a Python
    service, which keeps its defaults as written."""
    default = option.default
    if humansize is None or not option.size or default is None:
        return default
    return _converted_size(default, humansize)


@functools.lru_cache(maxsize=1024)
def _converted_size(text: str, humansize: bool) -> str:
    reading = values.cxx_size(text, humansize)
    return str(reading.value) if reading.accepted else text


def default_value(component: Component, series: str, option: Option) -> str | None:
    """``stored_default`` for a component at a release series."""
    return stored_default(option, None if component.python else reader_semantics(series)[1])


@functools.lru_cache(maxsize=256)
def _stored_options(component: Component, series: str) -> dict[str, Option]:
    """The options a value can be stored under: present, and not an old name."""
    return {name: option for name, option in component.at(series).items()
            if option.present and option.renamed_to is None}


@functools.lru_cache(maxsize=64)
def _propmap_options(component: Component) -> frozenset[str]:
    """The component's property-map settings (x-kc-propmap), which start in that group."""
    return frozenset(name for name, spec in component.specs.items() if spec.get("x-kc-propmap"))


@record(slots=True)
class Effective:
    component: Component
    series: str
    settings: Settings
    unknown: Sequence[Assignment] = field(default_factory=list)
    """Assignments of names the service does not know (compact when read from files)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    left_propmap: list[Assignment] = field(default_factory=list)
    """Plain lines that took a property-map setting out of the property map."""
    refused_by_group: list[Assignment] = field(default_factory=list)
    """!propmap lines Kopano refuses: the setting is not (or no longer) in the map."""
    propmap_added: set[str] = field(default_factory=set)
    """Names a !propmap file added (Kopano accepts them from then on)."""
    rejected: dict[str, Assignment] = field(default_factory=dict)
    """Python services: the last value of each setting their parser refused; the
    setting keeps what it had (its default)."""
    _left_names: set[str] = field(default_factory=set)
    _every: Sequence[Assignment] = ()
    """The load's assignments, which the compact collections above point into."""

    def in_propmap(self, name: str) -> bool:
        """Whether the setting is in Kopano's property-map group at this point of reading.

        Property-map options start there; !propmap files may add names there; any plain
        line that sets one stores it under the plain group (Kopano re-keys the entry),
        after which the LDAP plugin no longer maps it and a !propmap line may not set it."""
        if name in self._left_names:
            return False
        return name in self.propmap_added or name in _propmap_options(self.component)

    def value(self, name: str) -> str | None:
        setting = self.settings.get(name)
        return setting.value if setting else None

    def is_set(self, name: str) -> bool:
        setting = self.settings.get(name)
        return bool(setting and setting.assignment is not None)


@functools.lru_cache(maxsize=64)
def reader_semantics(series: str) -> tuple[bool, bool]:
    """(booleans compare case-insensitively, sizes use humansize) for a release series."""
    changes = kopano()["reader_changes"]
    here = series_key(series)
    return (here >= series_key(changes["boolean_case_insensitive_since"]),
            here >= series_key(changes["humansize_since"]))


def cut_value(text: str) -> str:
    if len(text) * 4 <= CXX_VALUE_LIMIT:
        return text  # no character takes more than 4 bytes
    raw = text.encode("utf-8", errors="surrogateescape")
    if len(raw) <= CXX_VALUE_LIMIT:
        return text
    return raw[:CXX_VALUE_LIMIT].decode("utf-8", errors="surrogateescape")


def cxx_name(name: str) -> str:
    if len(name) * 4 <= CXX_NAME_LIMIT:
        return name
    raw = name.encode("utf-8", errors="surrogateescape")
    if len(raw) <= CXX_NAME_LIMIT:
        return name
    return raw[:CXX_NAME_LIMIT].decode("utf-8", errors="surrogateescape")


BIG_LOAD = 10_000
"""Assignments from which ``build`` looks names up before making assignments: it pays
for a big file of unknown names, and costs a little for the usual few hundred lines."""


def build(loaded: Loaded, component: Component, series: str,
          environ: Mapping[str, str] | None = None) -> Effective:
    options = component.at(series)
    _, humansize = reader_semantics(series)
    result = Effective(component, series, Settings(_stored_options(component, series),
                                                   None if component.python else humansize))
    env = environ if environ is not None else {}
    every = result._every = loaded.assignments
    result.unknown = picked(every)
    if type(every) is Assignments and len(every) >= BIG_LOAD:
        _apply_compact(result, every, options, env, humansize)
        return result
    for assignment in every:
        if component.python:
            _apply_python(result, options, assignment)
        else:
            _apply_cxx(result, options, assignment, env, humansize)
    return result


def _apply_compact(result: Effective, every: Assignments, options: Mapping[str, Option],
                   env: Mapping[str, str], humansize: bool) -> None:
    """``build`` for a load's own assignments: a line with a name the reader does not
    know (millions, in a bad big file) is recorded by its index, without making the
    assignment; names are looked up once each."""
    unknown = result.unknown
    assert isinstance(unknown, Picked)
    python = result.component.python
    stored: dict[str, str | None] = {}
    """Each name as given -> the name the C++ reader stores it under (None: unknown)."""
    for index, name, propmap in every.named():
        if python:
            option = options.get(name)
            if option is None or not option.present:
                unknown.add_index(index)
            else:
                _apply_python(result, options, every[index])
            continue
        if not propmap:
            if name in stored:
                canonical = stored[name]
            else:
                canonical = stored[name] = canonical_name(options, cxx_name(name))
            if canonical is None and cxx_name(name) not in result.propmap_added:
                unknown.add_index(index)
                continue
        _apply_cxx(result, options, every[index], env, humansize)


def canonical_name(options: Mapping[str, Option], name: str) -> str | None:
    """The name a value is stored under, or None if the reader does not know it."""
    option = options.get(name)
    if option is None or not option.present:
        return None
    if option.renamed_to is not None:
        target = options.get(option.renamed_to)
        if target is None or not target.present:
            return None
        return option.renamed_to
    return name


def _apply_cxx(result: Effective, options: Mapping[str, Option], assignment: Assignment,
               env: Mapping[str, str], humansize: bool) -> None:
    name = canonical_name(options, cxx_name(assignment.name))
    if name is None:
        raw = cxx_name(assignment.name)
        if assignment.propmap and raw not in result.settings:
            # !propmap files may add names of their own (LOADSETTING_UNKNOWN).
            setting = result.settings.setdefault(raw, Setting(raw, None))
            result.propmap_added.add(raw)
            _store(result, setting, assignment, cut_value(assignment.value), "propmap")
        elif raw in result.propmap_added:
            # added by a !propmap file earlier, so now a known name
            _apply_group(result, raw, assignment)
        else:
            result.unknown.append(assignment)
        return
    if not _group_allows(result, name, assignment):
        return
    setting = result.settings[name]
    option = setting.option
    assert option is not None
    value = assignment.value
    source = "file"
    if value.startswith("$") and not option.exact:
        found = env.get(value[1:])
        if found is not None:
            value, source = found, "env"
    if option.size:
        if not values.strtoul(value).found:
            # Kopano rejects the value and the previous one stays; still record the attempt.
            _wrote(result, setting, assignment)
            return
        if source != "env":
            value = str(values.cxx_size(value, humansize).value)
    _store(result, setting, assignment, cut_value(value), source)


def _group_allows(result: Effective, name: str, assignment: Assignment) -> bool:
    """Kopano's group check: a !propmap line may only replace a property-map setting, and a
    plain line moves a property-map setting out of the map."""
    if assignment.propmap and not result.in_propmap(name):
        result.refused_by_group.append(assignment)
        _wrote(result, result.settings[name], assignment)
        return False
    if not assignment.propmap and result.in_propmap(name):
        result.left_propmap.append(assignment)
        result._left_names.add(name)
    return True


def _apply_group(result: Effective, name: str, assignment: Assignment) -> None:
    if _group_allows(result, name, assignment):
        _store(result, result.settings[name], assignment, cut_value(assignment.value),
               "propmap" if assignment.propmap else "file")


def _apply_python(result: Effective, options: Mapping[str, Option],
                  assignment: Assignment) -> None:
    option = options.get(assignment.name)
    if option is None or not option.present:
        result.unknown.append(assignment)
        return
    setting = result.settings[assignment.name]
    value: str | None = assignment.value
    if option.py_type == "ignore":
        value = None
    elif python_rejects(option, assignment.value):
        # kopano.Config records an error and leaves the setting as it was.
        _wrote(result, setting, assignment)
        result.rejected[assignment.name] = assignment
        return
    result.rejected.pop(assignment.name, None)
    _store(result, setting, assignment, value, "file")


def python_rejects(option: Option, text: str) -> bool:
    """Whether kopano.Config's parser refuses the text for this option's type (not
    counting path checks, which depend on the machine)."""
    kind = option.py_type
    items = text.split() if option.py_multiple else [text]
    if kind == "boolean":
        return values.python_bool(text) is None
    if kind == "integer":
        numbers = [values.python_int(item, option.py_base) for item in items]
        if any(n is None for n in numbers):
            return True
        return option.py_options is not None and \
            any(str(n) not in option.py_options for n in numbers)
    if kind == "size":
        return values.python_size(text) is None
    if option.py_options is not None:
        return any(item not in option.py_options for item in items)
    return False


def _store(result: Effective, setting: Setting, assignment: Assignment, value: str | None,
           source: str) -> None:
    setting.value = value
    setting.written = assignment.value
    setting.source = source
    setting.assignment = assignment
    _wrote(result, setting, assignment)


def _wrote(result: Effective, setting: Setting, assignment: Assignment) -> None:
    """Record a write to ``setting``: compactly, for a big file's repeated lines."""
    writes = setting.assignments
    if not writes and type(writes) is list:
        writes = setting.assignments = picked(result._every)
    writes.append(assignment)  # type: ignore[attr-defined]
