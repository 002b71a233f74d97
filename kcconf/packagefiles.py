"""The files Kopano's packages install beside the configs, as facts per release.

From 8.2 the shipped ldap.cfg includes ``/usr/share/kopano/ldap.openldap.cfg``, which
names ``!propmap /usr/share/kopano/ldap.propmap.cfg``. A config repository does not
hold them, so kcconf carries their settings (``schemas/package-files.json``, made by
``tools/package_files.py``) and the loader reads these facts when the real file is not
on this machine.
"""

from __future__ import annotations

import functools
import os

from . import datafile
from .schema import SchemaError, schema_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@functools.cache
def _table() -> dict[str, list[dict[str, Any]]]:
    path = os.path.join(schema_root(), "package-files.json")
    try:
        return datafile.load(path)["paths"]
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError) as err:
        raise SchemaError(f"{path}: cannot read: {err}") from None


def known(path: str) -> bool:
    """Whether some release's packages install a file at ``path``."""
    return path in _table()


@functools.lru_cache(maxsize=64)
def text(path: str, series: str) -> bytes | None:
    """The settings of the file a package of ``series`` installs at ``path``, as config
    text with each line at its line number in the real file (other lines empty), so
    positions in messages match the installed file; None when that release has none."""
    for variant in _table().get(path, []):
        if series in variant["series"]:
            return _render(variant["lines"])
    return None


def series_of(path: str) -> list[str]:
    """The release series whose packages install a file at ``path``, in table order."""
    return [series for variant in _table().get(path, []) for series in variant["series"]]


def _render(rows: list[list[Any]]) -> bytes:
    lines: list[str] = []
    for kind, number, name, value in rows:
        while len(lines) < number - 1:
            lines.append("")
        lines.append(f"!{name} {value}" if kind == "!" else f"{name} = {value}")
    return ("\n".join(lines) + "\n").encode("utf-8")
