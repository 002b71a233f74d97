"""``kcconf show``: the effective settings, like ``kopano-server --dump-config`` and
Postfix's ``postconf``.

Without options every setting, defaults commented out; ``-n`` every option the files
set, as written, with how the service reads it where that differs (``log_level = 010
(read as 8)``, postconf -n); ``NAME...`` only those (postconf NAME); ``--value-only``
only the values (postconf -h); ``--as-written`` the text of the file, ``$VAR``
unexpanded. Names the service does not know are reported on standard error and make
the exit status 1: the service stops on them, so a dump that hides them would mislead.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import escape
from ..checks.values import TRUE_WORDS
from ..cli import EXIT_FINDINGS, EXIT_OK, UsageError
from ..diff import reading
from ..effective import Setting, canonical_name, default_value
from ..loader import Assignment, InputError
from ..schema import ReleaseError
from ..validate import ComponentError, Result
from ..validate import run as validate_one
from . import error, read_input

UNKNOWN_CODES = frozenset({"KC201", "KC206", "KC207"})
"""Names the release does not know: unknown, not yet there, removed."""


def display(result: Result, setting: Setting) -> str | None:
    return result.redactor.value(setting.name, setting.value)


def rejected_note(result: Result, setting: Setting, refused: Assignment) -> str:
    """Why a Python service's setting shows another value than the file's line."""
    shown = repr(result.redactor.value(setting.name, refused.value))
    return (f"{refused.file}:{refused.entry.line}: the service rejects {shown} with an error"
            " at start-up and keeps the value below")


def read_as(result: Result, setting: Setting) -> str | None:
    """How the service reads the value, when that is not how it is written: ``010`` is 8,
    ``30d`` is 30, ``off`` is yes, ``$HOST`` is its value. None when they agree."""
    option = setting.option
    if setting.assignment is None or setting.value is None or option is None or \
            result.redactor.is_secret(setting.name):
        return None
    written = setting.written or ""
    read = reading(option, result.series, result.component.python, setting.value)
    if read is None:
        read = setting.value
    if option.type == "boolean" and read == "yes" and written.strip().lower() in TRUE_WORDS:
        return None  # 'true' and 'on' mean what they say
    return read if read != written else None


def written_text(result: Result, setting: Setting) -> str | None:
    """The value as the file writes it; the stored value for a default."""
    if setting.assignment is None:
        return display(result, setting)
    return result.redactor.value(setting.name, setting.written)


def unknown_names(result: Result) -> list[str]:
    """One line per name in the files that the service does not know."""
    return [f"{d.file}:{d.line}: {d.message}" for d in result.diagnostics
            if d.code in UNKNOWN_CODES]


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
    problems = unknown_names(result)
    settings = result.effective.settings
    rows: list[tuple[str, Setting]] = []
    if args.names:
        options = result.component.at(result.series)
        for asked in args.names:
            name = canonical_name(options, asked)
            if name is None or name not in settings:
                problems.append(f"{asked}: unknown option of {result.component.file}"
                                f" in Kopano {result.series}")
                continue
            rows.append((name, settings[name]))
    else:
        for name, setting in settings.items():
            if args.non_default and setting.assignment is None \
                    and name not in result.effective.rejected:
                continue  # -n: what the files set, whether or not it equals the default
            rows.append((name, setting))
    if args.json:
        _json(result, rows)
    else:
        _text(result, rows, args)
    for problem in problems:
        error(problem)
    return EXIT_FINDINGS if problems else EXIT_OK


def _json(result: Result, rows: list[tuple[str, Setting]]) -> None:
    data = {}
    for name, setting in rows:
        a = setting.assignment
        option = setting.option
        default = default_value(result.component, result.series, option) if option else None
        data[name] = {
            "value": display(result, setting),
            "written": written_text(result, setting) if a else None,
            "read_as": read_as(result, setting),
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


def _text(result: Result, rows: list[tuple[str, Setting]], args: argparse.Namespace) -> None:
    as_written = args.as_written or args.non_default
    for name, setting in rows:
        value = written_text(result, setting) if as_written else display(result, setting)
        value = value if value is not None else ""
        if args.value_only:
            _line(value)
            continue
        refused = result.effective.rejected.get(name)
        if refused is not None:
            _line(f"# {rejected_note(result, setting, refused)}")
        if args.origin and setting.assignment:
            # its own comment line: after the value it would read as an inline comment
            a = setting.assignment
            bundled = (f" (not on this machine: the {result.series} package's settings)"
                       if a.file in result.loaded.bundled else "")
            _line(f"# {a.file}:{a.entry.line}{bundled}")
        prefix = "# " if setting.source == "default" else ""
        line = f"{prefix}{name} = {value}"
        read = read_as(result, setting) if as_written else None
        if read is not None:
            line += f"  (read as {read})"
        _line(line)


def _line(text: str) -> None:
    """One line for people: control characters escaped (see escape.human)."""
    sys.stdout.write(escape.human(text) + "\n")
