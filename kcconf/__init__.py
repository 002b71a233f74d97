"""kcconf: validate, diff, lint and document Kopano Core configuration files.

The library API returns data; the ``kcconf`` command prints it::

    import kcconf
    for d in kcconf.validate_file("/etc/kopano/server.cfg", release="8.7"):
        print(d.file, d.line, d.code, d.message)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs start-up time

__version__ = "0.1.0"
__all__ = ["Diagnostic", "__version__", "validate_file", "validate_text"]

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .validate import validate_file, validate_text


def __getattr__(name: str):
    # Imported on first use so that `kcconf --version` stays fast.
    if name in ("validate_file", "validate_text"):
        from . import validate

        return getattr(validate, name)
    if name == "Diagnostic":
        from .diagnostics import Diagnostic

        return Diagnostic
    raise AttributeError(name)
