"""``kcconf show``: the effective settings, like ``kopano-server --dump-config``."""

from __future__ import annotations

import argparse
import json
import sys

from .. import escape
from ..cli import EXIT_OK, UsageError
from ..effective import Setting, default_value
from ..loader import Assignment, InputError
from ..redact import Redactor
from ..schema import ReleaseError
from ..validate import ComponentError
from ..validate import run as validate_one
from . import read_input


def display(setting: Setting, redactor: Redactor) -> str | None:
    return redactor.value(setting.name, setting.value)


def rejected_note(setting: Setting, refused: Assignment, redactor: Redactor) -> str:
    """Why a Python service's setting shows another value than the file's line."""
    shown = repr(redactor.value(setting.name, refused.value))
    return (f"{refused.file}:{refused.entry.line}: the service rejects {shown} with an error"
            " at start-up and keeps the value below")


def run(args: argparse.Namespace) -> int:
    name, data = read_input(args.file)
    try:
        result = validate_one(name, args.component, args.release, data=data)
    except (InputError, ComponentError, ReleaseError) as err:
        raise UsageError(str(err)) from None
    stopped = result.loaded.stopped_at
    if stopped is not None:
        # The service would not run with what follows: printing defaults would mislead.
        why = next((d.message for d in result.diagnostics
                    if (d.file, d.line) == stopped and d.code.startswith("KC11")), "")
        raise UsageError(f"{stopped[0]}:{stopped[1]}: {why or 'a failing include'};"
                         " the settings after it are unknown, nothing shown")
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
            data[name] = {
                "value": display(setting, result.redactor),
                "default": result.redactor.value(name, default),
                "source": setting.source,
                "file": a.file if a else None,
                "line": a.entry.line if a else None,
                "reloadable": bool(option and option.reloadable),
                "reload_behaviour": option.reload.behaviour
                if option and option.reloadable and not result.component.python else None,
            }
            if a is not None and a.file in result.loaded.bundled:
                data[name]["package_facts"] = True  # the file is not on this machine
            refused = result.effective.rejected.get(name)
            if refused is not None:
                data[name]["rejected"] = {"value": result.redactor.value(name, refused.value),
                                          "file": refused.file, "line": refused.entry.line}
        json.dump(escape.machine_data({"component": result.component.name,
                                       "release": result.series, "settings": data}),
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for name, setting, _default in rows:
        refused = result.effective.rejected.get(name)
        if refused is not None:
            sys.stdout.write(escape.human(f"# {rejected_note(setting, refused, result.redactor)}")
                             + "\n")
        value = display(setting, result.redactor)
        prefix = "# " if setting.source == "default" else ""
        line = f"{prefix}{name} = {value if value is not None else ''}"
        if args.origin and setting.assignment:
            a = setting.assignment
            line += f"    # {a.file}:{a.entry.line}"
            if a.file in result.loaded.bundled:
                line += f" (not on this machine: the {result.series} package's settings)"
        sys.stdout.write(escape.human(line) + "\n")
    return EXIT_OK
