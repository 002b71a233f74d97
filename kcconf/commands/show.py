"""``kcconf show``: the effective settings, like ``kopano-server --dump-config``."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import EXIT_OK, UsageError
from ..effective import Setting, default_value
from ..loader import Assignment, InputError
from ..schema import ReleaseError
from ..validate import ComponentError
from ..validate import run as validate_one


def display(setting: Setting) -> str | None:
    option = setting.option
    if option is not None and option.secret and setting.value:
        return "***"
    return setting.value


def rejected_note(setting: Setting, refused: Assignment) -> str:
    """Why a Python service's setting shows another value than the file's line."""
    option = setting.option
    shown = "***" if option is not None and option.secret else repr(refused.value)
    return (f"{refused.file}:{refused.entry.line}: the service rejects {shown} with an error"
            " at start-up and keeps the value below")


def run(args: argparse.Namespace) -> int:
    try:
        result = validate_one(args.file, args.component, args.release)
    except (InputError, ComponentError, ReleaseError) as err:
        raise UsageError(str(err)) from None
    rows = []
    for name, setting in result.effective.settings.items():
        option = setting.option
        default = default_value(result.component, result.series, option) if option else None
        differs = setting.value != default
        if args.non_default and not differs and name not in result.effective.rejected:
            continue  # a rejected line is shown with its note: the file does set it
        rows.append((name, setting, default))
    if args.json:
        data = {}
        for name, setting, default in rows:
            a = setting.assignment
            option = setting.option
            secret = bool(option and option.secret)
            data[name] = {
                "value": display(setting),
                "default": "***" if secret and default else default,
                "source": setting.source,
                "file": a.file if a else None,
                "line": a.entry.line if a else None,
                "reloadable": bool(option and option.reloadable),
                "reload_behaviour": option.reload.behaviour
                if option and option.reloadable and not result.component.python else None,
            }
            refused = result.effective.rejected.get(name)
            if refused is not None:
                data[name]["rejected"] = {"value": "***" if secret else refused.value,
                                          "file": refused.file, "line": refused.entry.line}
        json.dump({"component": result.component.name, "release": result.series,
                   "settings": data}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for name, setting, _default in rows:
        refused = result.effective.rejected.get(name)
        if refused is not None:
            sys.stdout.write(f"# {rejected_note(setting, refused)}\n")
        value = display(setting)
        prefix = "# " if setting.source == "default" else ""
        line = f"{prefix}{name} = {value if value is not None else ''}"
        if args.origin and setting.assignment:
            a = setting.assignment
            line += f"    # {a.file}:{a.entry.line}"
        sys.stdout.write(line + "\n")
    return EXIT_OK
