"""The ``kcconf`` command: parse arguments, call the library, print, set the exit status.

Exit status: 0 clean, 1 findings at the failing level, 2 usage or input errors. Every
error is one line on standard error naming the file; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn, TextIO

EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


class UsageError(Exception):
    """A problem with how kcconf was called or with an input: exit status 2."""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, asking for the terminal width only when it lays text out.

    argparse makes a formatter for every ``add_argument`` (only to check the metavar), and
    each one asks shutil for the width of the terminal: importing shutil (with zlib, bz2
    and lzma) was a tenth of the start-up time of ``kcconf validate``. The width is found
    by argparse's own code, the first time help or usage text is formatted.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width=80 if width is None else width)
        if width is None:
            self._asked_help_position = max_help_position
            del self._width, self._max_help_position  # see __getattr__

    def __getattr__(self, name: str) -> object:
        if name not in ("_width", "_max_help_position"):
            raise AttributeError(name)
        sized = argparse.HelpFormatter(self._prog, self._indent_increment,
                                       self._asked_help_position)
        self._width, self._max_help_position = sized._width, sized._max_help_position
        return getattr(self, name)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {_escaped(message)}\n")
        raise SystemExit(EXIT_TROUBLE)


def check_include_root(path: str | None) -> None:
    """An include root must be a directory: a typo would turn every include into KC110."""
    if path is not None and not os.path.isdir(path):
        raise UsageError(f"--include-root {path}: not a directory")


def use_colour(choice: str, stream: TextIO) -> bool:
    """--color, then NO_COLOR (no-color.org), then FORCE_COLOR (force-color.org: CI logs
    that render colour but are no terminal), then TERM=dumb, then whether it is a tty."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _untranslated(message: str) -> str:
    return message


def _skip_gettext_search() -> None:
    """argparse passes its own words ("options", "show this help message and exit") through
    gettext for every parser, and gettext's first search imports locale with its large
    alias table: a third of the cost of building the parser. Where no catalogue can be
    found, gettext returns each word unchanged, so argparse is given them unchanged: when
    the current domain's locale directory does not exist, or when the first language
    asked for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: gettext's order) is C, where gettext's
    search stops. Otherwise gettext does its search as before."""
    if argparse._ is _untranslated:  # type: ignore[attr-defined]
        return
    import gettext

    languages = next((os.environ[name] for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
                      if os.environ.get(name)), "C")
    if (languages.split(":")[0] == "C"
            or not os.path.isdir(gettext.bindtextdomain(gettext.textdomain()))):
        argparse._ = _untranslated  # type: ignore[attr-defined]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` naming a subcommand, just that one's parser
    (the others are listed only when no subcommand is named: ``kcconf --help``, errors)."""
    _skip_gettext_search()
    parser = _Parser(
        prog="kcconf",
        description="Validate, compare and document Kopano Core configuration files.",
        epilog="Exit status: 0 clean, 1 findings, 2 usage or input error."
               " See 'kcconf COMMAND --help' and man kcconf(1).")
    parser.add_argument("--version", action="version", version=f"kcconf {__version__}")
    # prog given, so argparse need not format a usage line to find it: "kcconf", as it would
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                                     prog=parser.prog)
    named = only is not None and any(only == entry[0] for entry in COMMANDS)
    for name, module, summary, description, add_arguments in COMMANDS:
        if named and name != only:
            continue  # each parser costs start-up time; only the named one can be used
        p = commands.add_parser(name, help=summary, description=description)
        if only is None or only == name:
            add_arguments(p)
        p.set_defaults(run=_lazy(module))
    return parser


def _release_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--release", "-r", metavar="X.Y",
                   help="Kopano release the file is for (8.0 to 11.0; default: newest)")


def _include_root_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--include-root", metavar="DIR",
                   help="read absolute !include and !propmap targets below DIR, like a"
                        " sysroot (/etc/kopano/x.cfg as DIR/etc/kopano/x.cfg)")


def _component_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--component", "-c", metavar="NAME",
                   help="component of the file (server, spooler, ldap, ...);"
                        " default: from the file name")


def _validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="config file ('-' for stdin)")
    _component_arg(p)
    _release_arg(p)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="output format (default: text)")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--check-host", action="store_true",
                   help="also check paths and file permissions on this machine")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the output (auto: only on a terminal without NO_COLOR)")
    p.add_argument("--no-hints", action="store_true", help="omit the hint lines")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    _max_findings_arg(p)
    _include_root_arg(p)
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="file name to report (and pick the component by) for '-'")
    _fix_arguments(p)


def _max_findings_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-findings", type=_not_negative, default=1000, metavar="N",
                   help="findings of one code shown per file; the rest are counted in one"
                        " closing finding and in the summary (default: 1000; 0: all;"
                        " --fix checks without a limit)")


def _not_negative(text: str) -> int:
    number = int(text) if text.isdigit() else -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more: {text!r}")
    return number


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="config file ('-' for stdin)")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="show only these options (like postconf NAME)")
    _component_arg(p)
    _release_arg(p)
    p.add_argument("--non-default", "-n", action="store_true",
                   help="only the options the files set, as written, and how the service"
                        " reads them where that differs (like postconf -n)")
    p.add_argument("--value-only", "-H", action="store_true",
                   help="print only the values, one a line (like postconf -h)")
    p.add_argument("--as-written", action="store_true",
                   help="values as the file writes them: $VAR unexpanded, sizes unconverted")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--origin", action="store_true",
                   help="a comment line with the file and line above each value set")


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", nargs="?", help="old file or directory ('-': stdin)")
    p.add_argument("new", metavar="NEW", help="new file or directory")
    p.add_argument("--defaults", action="store_true",
                   help="compare NEW against the built-in defaults (no OLD)")
    _component_arg(p)
    p.add_argument("--release-old", "--from-release", dest="release_old", metavar="X.Y",
                   help="release OLD is for (default: newest)")
    p.add_argument("--release-new", "--to-release", "--release", dest="release_new",
                   metavar="X.Y", help="release NEW is for (default: as OLD)")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="output format (default: text)")
    p.add_argument("--cosmetic", action="store_true",
                   help="also list values written differently but read the same")


def _defaults_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("component", metavar="COMPONENT", help="server, spooler, ldap, ...")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="print only these options' defaults, NAME = VALUE (like postconf -d)")
    _release_arg(p)


def _generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true", help="report drift, write nothing")
    p.add_argument("--root", metavar="DIR", default=None,
                   help="the checkout to write into (default: the one the current folder"
                        " is in, else the one kcconf runs from)")


def _man_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("component", metavar="COMPONENT", help="server, spooler, ldap, ...")
    _release_arg(p)
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--rst", action="store_true", help="print the reStructuredText source")


def _lint_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories or globs"
                                                            " (default: .)")
    p.add_argument("--format", "-f", default="text",
                   choices=("text", "json", "sarif", "github", "junit", "gitlab"),
                   help="output format (default: text)")
    p.add_argument("--fail-on", choices=("error", "warning", "note", "info"), default="error",
                   metavar="{error,warning,note}",
                   help="lowest severity that makes the exit status 1 (default: error;"
                        " info is the older word for note)")
    p.add_argument("--strict", action="store_true", help="same as --fail-on warning")
    _release_arg(p)
    p.add_argument("--config", metavar="FILE", help="settings file (default: .kcconf.toml or"
                                                     " pyproject.toml [tool.kcconf])")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="parallel workers (default: number of CPUs; at most 4 per CPU)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the output (auto: only on a terminal without NO_COLOR)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    p.add_argument("--report-unused-suppressions", action="store_true",
                   help="warn about kcconf: disable comments that suppress nothing")
    _include_root_arg(p)
    p.add_argument("--list-files", action="store_true",
                   help="print the files that would be checked, as which component and"
                        " release, and why; check nothing")
    p.add_argument("--select", metavar="CODES", action="append", default=None,
                   help="report only these codes, code prefixes (KC3), names"
                        " (inline-comment) or rule ids (log-file-needed), comma-separated")
    p.add_argument("--extend-select", metavar="CODES", action="append", default=None,
                   help="add these to --select (default: all codes)")
    p.add_argument("--ignore", metavar="CODES", action="append", default=None,
                   help="never report these codes, prefixes, names or rule ids")
    p.add_argument("--statistics", action="store_true",
                   help="end with the number of findings per code")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even with findings (2 still for usage and input errors)")
    p.add_argument("--no-hints", action="store_true", help="leave out the hint lines (text)")
    _max_findings_arg(p)
    p.add_argument("--component", "-c", metavar="NAME",
                   help="check every file as this component (server, spooler, ...)")
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="with PATH '-': the name standard input is checked as (its"
                        " component, settings and messages)")
    _fix_arguments(p)
    p.set_defaults(run=_lazy("lint"))


def _fix_arguments(p: argparse.ArgumentParser) -> None:
    """--fix, --unsafe-fixes and --diff, shared by lint and validate (issue 17)."""
    p.add_argument("--fix", action="store_true",
                   help="apply the safe fixes (the service reads the file as before) and"
                        " report what remains")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="with --fix or --diff: also apply the fixes that change what the"
                        " service reads into what the file evidently means")
    p.add_argument("--diff", action="store_true",
                   help="print the fixes as a unified diff (secrets masked) and write"
                        " nothing")


def _set_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="config file to edit")
    p.add_argument("assignments", nargs="+", metavar="NAME=VALUE",
                   help="option and its new value (quote values with spaces)")
    _component_arg(p)
    _release_arg(p)
    _edit_args(p)
    _force_arg(p)


def _force_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="write values that get a warning (the service would read them"
                        " other than written) too")


def _unset_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="config file to edit")
    p.add_argument("names", nargs="+", metavar="NAME", help="option to comment out")
    _component_arg(p)
    _release_arg(p)
    _edit_args(p)


def _env_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", default="/etc/kopano", metavar="DIR",
                   help="directory of the config files (default: /etc/kopano)")
    p.add_argument("--prefix", default="KCCONF_", metavar="PREFIX",
                   help="prefix of the setting variables (default: KCCONF_)")
    _release_arg(p)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="output format (default: text)")
    _edit_args(p)
    _force_arg(p)


def _upgrade_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="config file to rewrite")
    p.add_argument("--from", dest="from_release", required=True, metavar="X.Y",
                   help="release the file was written for")
    p.add_argument("--to", dest="to_release", default=None, metavar="X.Y",
                   help="release to upgrade to (default: newest)")
    _component_arg(p)
    _edit_args(p)


def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE", nargs="?",
                   help="a code or its name, e.g. KC303 or inline-comment; none: list all")


def _edit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print a unified diff instead of writing")
    p.add_argument("--backup", action="store_true", help="keep FILE~ with the old content")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="edit the target of a symlink that points out of the directory")


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    """Import a command's module only when it runs: keeps start-up fast."""

    def run(args: argparse.Namespace) -> int:
        from importlib import import_module

        module = import_module(f"kcconf.commands.{name}")
        return module.run(args)

    return run


def _lsp_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stdio", action="store_true",
                   help="talk over standard input and output (the only way; accepted"
                        " because editors pass it)")
    p.add_argument("--debounce", type=int, default=150, metavar="MS",
                   help="check a changed document once typing pauses this long"
                        " (default: 150 ms; 0: after every change)")


COMMANDS: list[tuple[str, str, str, str, Callable[[argparse.ArgumentParser], None]]] = [
    # (name, module in kcconf.commands, one-line help, description, arguments)
    ("validate", "validate", "check config files as the service will read them",
     "Check Kopano config files the way the service reads"
     " them, following !include, and report what it will"
     " reject or misread.",
     _validate_arguments),
    ("show", "show", "print the effective settings after includes and defaults",
     "Print the settings the service ends up with, after"
     " !include, $VARIABLE values and built-in defaults."
     " Defaults are printed as '# name = value', like"
     " kopano-server --dump-config.",
     _show_arguments),
    ("diff", "diff", "what changed, and does it need a reload or a restart",
     "Compare effective settings (includes, $VARIABLE values"
     " and defaults applied) and say, from kcconf's reload"
     " audit of Kopano's code, whether a reload applies"
     " each change, applies it only to new connections, or"
     " a restart is needed, and why. OLD may be"
     " the output of 'kopano-NAME --dump-config' ('-' for"
     " stdin). Two directories are compared file by file.",
     _diff_arguments),
    ("defaults", "defaults", "print the annotated default config of a component",
     "Print a config file with every option commented out"
     " at its built-in default, grouped and described.",
     _defaults_arguments),
    ("generate", "generate", "regenerate etc/kopano/, man/ and docs/reference/",
     "Regenerate every file derived from the schemas in a"
     " kcconf checkout; with --check, change nothing and"
     " exit 1 if any generated file is out of date.",
     _generate_arguments),
    ("man", "man", "render the man page kopano-COMPONENT.cfg(5)",
     "Render the manual page of a component's config file"
     " from its schema (through docutils' man page writer).",
     _man_arguments),
    ("lint", "lint", "check whole config repositories (CI, pre-commit)",
     "Find Kopano config files under PATHs, pick each one's"
     " component and release, and check them all in"
     " parallel. Formats for CI systems included.",
     _lint_arguments),
    ("set", "edit", "set options in a config file, safely",
     "Validate new values against the schema, then edit the"
     " file in place: replace the active line, uncomment the"
     " default line, or append in the option's group."
     " Everything else stays byte for byte.",
     _set_arguments),
    ("unset", "edit", "comment options out",
     "Comment out the active lines of options.",
     _unset_arguments),
    ("env", "env", "apply KCCONF_<COMPONENT>_<OPTION> variables",
     "Apply the container convention: KCCONF_<COMPONENT>_"
     "<OPTION>=value sets an option, KCCOMMENT_<COMPONENT>_*"
     "=line comments a line out, KCUNCOMMENT_<COMPONENT>_*"
     "=line uncomments one. Nothing is written unless every"
     " variable is valid.",
     _env_arguments),
    ("upgrade", "upgrade", "rewrite a config from one release to another",
     "Rename old options, comment out removed ones with a"
     " note, convert where the replacement is exact, and"
     " list changed defaults and what needs a decision.",
     _upgrade_arguments),
    ("lsp", "lsp", "language server for editors (stdio)",
     "Run a language server over standard input and output:"
     " lint's diagnostics while typing, hover, completion,"
     " quick fixes, go to definition on !include, symbols"
     " by group. Needs the 'lsp' extra (pygls).",
     _lsp_arguments),
    ("explain", "explain", "explain a diagnostic code (like 'ruff rule')",
     "Print the documentation of a diagnostic code.",
     _explain_arguments),
]


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any: its parser is the only one built."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if any(arg == entry[0] for entry in COMMANDS) else None
    return None


def _escaped(message: str) -> str:
    """Error lines are text for people: escaped, one line (see escape.human)."""
    from .escape import human

    return human(message)


def leave(status: int) -> NoReturn:
    """End the ``kcconf`` process with ``status`` once its output is flushed, without the
    interpreter's teardown, which frees every object of the loaded schemas one by one
    (a tenth of the CPU time of ``kcconf validate`` of one file). Where anything may
    need the teardown, an atexit handler or another thread, or where flushing fails,
    Python exits as it always does."""
    threading = sys.modules.get("threading")
    ordinary = (getattr(atexit, "_ncallbacks", lambda: 1)() > 0
                or (threading is not None and threading.active_count() > 1))
    if not ordinary:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except Exception:  # Python reports it at its own exit, as it did before
            ordinary = True
    if ordinary:
        raise SystemExit(status)
    os._exit(status)


def console() -> NoReturn:
    """The installed ``kcconf`` command: as ``python -m kcconf``, ending through
    ``leave`` (``main`` itself returns, for callers in the same process)."""
    leave(main())


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=_command_in(argv) or "")
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_TROUBLE
    try:
        return args.run(args)
    except UsageError as err:
        sys.stderr.write(f"kcconf: {_escaped(str(err))}\n")
        return EXIT_TROUBLE
    except KeyboardInterrupt:
        sys.stderr.write("kcconf: interrupted\n")
        return 130
    except BrokenPipeError:
        # Output piped into head(1) and closed early: not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except Exception as err:
        from .schema import SchemaError

        if isinstance(err, SchemaError):
            sys.stderr.write(f"kcconf: {_escaped(str(err))}\n")
        else:
            sys.stderr.write(f"kcconf: internal error: {type(err).__name__}:"
                             f" {_escaped(str(err))} (please report this)\n")
        if os.environ.get("KCCONF_DEBUG"):
            raise
        return EXIT_TROUBLE
