"""Plain record classes, declared like dataclasses, without importing ``dataclasses``.

``import dataclasses`` pulls in ``inspect`` (and with it ``ast``, ``dis`` and
``tokenize``), which cost more CPU time than everything else ``kcconf validate`` does
for one file. kcconf's records need only a small part of what dataclasses offer: fields
from the class annotations, defaults, ``field(default_factory=...)``, ``__slots__``,
``__repr__``, ``__eq__`` and, when frozen, ``__hash__`` and read-only attributes. This
module gives exactly that, with the same spelling, so a record reads as a dataclass does.
"""

from __future__ import annotations

import marshal
import os
import sys

_MISSING = object()

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A default made anew for each record (a list, a dict...)."""
    return _Factory(default_factory)


def record(cls: type | None = None, /, *, frozen: bool = False, slots: bool = True) -> Any:
    """Turn a class with annotated fields into a record (``@record`` or ``@record(...)``)."""

    def wrap(cls: type) -> type:
        return _build(cls, frozen, slots)

    return wrap if cls is None else wrap(cls)


def _build(cls: type, frozen: bool, slots: bool) -> type:
    names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 (inspect is the cost)
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for name in names:
        default = cls.__dict__.get(name, _MISSING)
        if default is _MISSING:
            params.append(name)
        elif isinstance(default, _Factory):
            namespace[f"_make_{name}"] = default.make
            params.append(f"{name}=_MISSING")
            body.append(f"  if {name} is _MISSING: {name} = _make_{name}()")
        else:
            namespace[f"_default_{name}"] = default
            params.append(f"{name}=_default_{name}")
        body.append(f"  _set(self, {name!r}, {name})" if frozen else f"  self.{name} = {name}")
    if "__post_init__" in cls.__dict__:
        body.append("  self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["  pass"])
    made: list[type] = []  # the record class, once it exists

    members = {k: v for k, v in cls.__dict__.items()
               if k not in names and k not in ("__dict__", "__weakref__")}
    if slots:
        members["__slots__"] = names
        members["__getstate__"] = _values  # pickled for lint's worker processes
        members["__setstate__"] = _setstate
    members["__init__"] = _deferred_init(source, namespace, f"{cls.__qualname__}.__init__", made)
    members["__match_args__"] = names
    members["__record_fields__"] = names
    members["__repr__"] = _repr
    members["__eq__"] = _eq
    if frozen:
        members["__setattr__"] = _frozen_setattr
        members["__delattr__"] = _frozen_setattr
        members["__hash__"] = _hash
    else:
        members["__hash__"] = None
    new = type(cls)(cls.__name__, cls.__bases__, members)
    new.__qualname__ = cls.__qualname__
    made.append(new)
    return new


def _deferred_init(source: str, namespace: dict[str, Any], qualname: str,
                   made: list[type]) -> Callable[..., None]:
    """An ``__init__`` that compiles the record's real one on its first call and puts it
    in its place: compiling is most of what a record costs at import (a tenth of the
    start-up time of ``kcconf validate``), and many records are never made in a run."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        exec(_compiled(source), namespace)  # a real signature without inspect
        init = namespace["__init__"]
        init.__qualname__ = qualname
        made[0].__init__ = init  # on the class: frozen records only guard their instances
        init(self, *args, **kwargs)

    __init__.__qualname__ = qualname
    return __init__


_COMPILED_LIMIT = 1000
"""Compiled __init__ sources kept; beyond it the store starts afresh (old records)."""
_store: dict[str, CodeType] | None = None
_CODE = type(record.__code__)


def _compiled(source: str) -> CodeType:
    """``source`` compiled, from a store of earlier compilations in ``__pycache__``, kept
    by the exact source text like a .pyc by its module: compiling a record's __init__
    took longer than all else a record costs. The store is written only where Python
    writes bytecode, and is for this exact Python (sys.version in its first line)."""
    global _store
    if _store is None:
        _store = _read_store()
    code = _store.get(source)
    if code is None:
        code = compile(source, "<string>", "exec")
        if len(_store) >= _COMPILED_LIMIT:
            _store = {}
        _store[source] = code
        path = _store_path()
        if path is not None and not sys.dont_write_bytecode:
            from .datafile import write_whole

            write_whole(path, _store_head() + marshal.dumps(_store))
    return code


def _store_path() -> str | None:
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__",
                        f"records.{tag}.inits")


def _store_head() -> bytes:
    return f"kcconf compiled records 1 {sys.version}\n".encode()


def _read_store() -> dict[str, CodeType]:
    path = _store_path()
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle:
            stored = handle.read()
        head = _store_head()
        if stored.startswith(head):
            found = marshal.loads(memoryview(stored)[len(head):])
            if isinstance(found, dict):
                return {k: v for k, v in found.items()
                        if isinstance(k, str) and isinstance(v, _CODE)}
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged
        pass
    return {}


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in self.__record_fields__)


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for name, value in zip(self.__record_fields__, state, strict=True):
        object.__setattr__(self, name, value)


def _repr(self: Any) -> str:
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__record_fields__)
    return f"{type(self).__qualname__}({inner})"


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, name: str, *value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")


def is_record(value: object) -> bool:
    return hasattr(type(value), "__record_fields__")


def asdict(value: Any) -> Any:
    """A record as a dict, recursively (records inside lists, tuples and dicts too)."""
    if is_record(value):
        return {name: asdict(getattr(value, name)) for name in value.__record_fields__}
    if isinstance(value, list | tuple):
        return type(value)(asdict(v) for v in value)
    if isinstance(value, dict):
        return {k: asdict(v) for k, v in value.items()}
    return value


def replace(value: Any, **changes: Any) -> Any:
    """A copy of a record with some fields changed."""
    current = {name: getattr(value, name) for name in value.__record_fields__}
    current.update(changes)
    return type(value)(**current)
