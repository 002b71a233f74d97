"""Read a configuration file and the files it includes, as ECConfigImpl does.

The loader knows files and directives, not options: it yields every assignment in
the order the service applies them, with its position, plus diagnostics about the
files themselves. Reading stops where Kopano stops: a failed ``!include`` ends the
whole load, at every level.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import os
import re
import stat
from array import array
from collections.abc import Sequence

from . import dialect, packagefiles
from .diagnostics import Diagnostic, make
from .dialect import Document, Entry, Flavour, options_from
from .records import field, record
from .suppress import may_suppress

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MAX_FILE_SIZE = 16 * 1024 * 1024
"""Kopano configs are a few KiB; anything above this is refused rather than read."""

BINARY_SAMPLE = 8192
BINARY_MIN_ODD = 16
"""A file is refused as binary only with at least this many odd bytes: in a small text
file one NUL is a large share, yet Kopano reads the file (the NUL ends its line)."""


class InputError(Exception):
    """A file cannot be used at all: one line for the user, exit status 2."""

    def __init__(self, message: str, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.kind = kind
        """missing, not-file, unreadable, too-large or binary."""


@record(frozen=True, slots=True)
class Includes:
    """Where absolute ``!include``/``!propmap`` targets are, and what a missing one means.

    On the server (``kcconf validate``) a missing file is missing: Kopano stops reading.
    In a config repository (``kcconf lint``) an absolute target outside the repository
    lives on the server: ``elsewhere`` makes such a target a note (also when this
    machine has a file there, which is not the server's), and the rest is read on.
    ``root`` maps absolute targets into a directory, like a sysroot. Files Kopano's
    packages install are read from kcconf's facts of release ``series`` when they are
    not found."""

    series: str | None = None
    root: str | None = None
    elsewhere: bool = False
    repository: str | None = None
    """Absolute targets below this directory are the repository's own: missing there
    is missing."""
    unknowable: Callable[[str], bool] | None = None
    """For a template: whether a directive's argument is a template expression, whose
    target is known only once the template is rendered (detection lives above the
    loader, in kcconf.templates)."""

    def lives_elsewhere(self, argument: str) -> bool:
        if not self.elsewhere or self.root:
            return False
        if self.repository is None:
            return True
        top = self.repository.rstrip("/") + "/"
        return not os.path.abspath(argument).startswith(top)


ON_HOST = Includes()


@record(slots=True)
class Assignment:
    """An option line in the order the service applies it. Its name and value are the
    entry's (the same strings, not copies), held again because checks read them many
    times a line."""

    entry: Entry
    file: str
    propmap: bool = False
    index: int = -1
    """Its place in ``Loaded.assignments``: what tells two assignments apart, since the
    objects are made anew each time they are read (see ``Assignments``)."""
    name: str = None  # type: ignore[assignment]  (the entry's, when not given)
    value: str = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.name is None:
            self.name = self.entry.name  # type: ignore[assignment]  (an option line has one)
            self.value = self.entry.value  # type: ignore[assignment]


Located = tuple[int, str, bool, str, int, int, int]
"""(index, name, in a !propmap file, file, line, name column, chunk) of an assignment."""


def located(every: Sequence[Assignment]) -> Iterator[Located]:
    """``Assignments.located`` for any sequence of assignments (``every[index]`` is
    the assignment itself)."""
    if type(every) is Assignments:
        return every.located()
    return ((i, a.name, a.propmap, a.file, a.entry.line, a.entry.name_col, a.entry.chunk)
            for i, a in enumerate(every))


def named(every: Sequence[Assignment]) -> Iterator[tuple[int, str, bool]]:
    """``Assignments.named`` for any sequence of assignments."""
    if type(every) is Assignments:
        return every.named()
    return ((i, a.name, a.propmap) for i, a in enumerate(every))


class Assignments(Sequence[Assignment]):
    """Every assignment of a load, in order, kept as entry indices (5 bytes an
    assignment) rather than objects that live to the end of the run. Each Assignment
    (and its Entry) is made when read and dies young unless kept; ``index`` says which
    one it is. Consecutive assignments from one document form a run."""

    __slots__ = ("_entry", "_propmap", "_runs", "_starts")

    def __init__(self) -> None:
        self._runs: list[Document] = []
        """The document of each run."""
        self._starts: list[int] = []
        """Where each run starts in the arrays below."""
        self._entry = array("I")
        self._propmap = bytearray()

    def extend(self, doc: Document, indices: Sequence[int], propmap: bool) -> None:
        """The option entries ``doc.entries[i]`` for ``i`` in ``indices`` are applied next."""
        if not indices:
            return
        if not self._runs or self._runs[-1] is not doc:
            self._runs.append(doc)
            self._starts.append(len(self._entry))
        self._entry.extend(indices)
        self._propmap.extend(b"\1" * len(indices) if propmap else bytes(len(indices)))

    def __len__(self) -> int:
        return len(self._entry)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._entry)))]
        if index < 0:
            index += len(self._entry)
        doc = self._runs[bisect.bisect_right(self._starts, index) - 1]
        entry = doc.entries[self._entry[index]]
        return Assignment(entry, doc.path, bool(self._propmap[index]), index, entry.name,
                          entry.value)

    def _spans(self) -> Iterator[tuple[Document, int, int]]:
        ends = [*self._starts[1:], len(self._entry)] if self._starts else []
        return zip(self._runs, self._starts, ends, strict=True)

    def __iter__(self) -> Iterator[Assignment]:
        for doc, start, end in self._spans():
            path = doc.path
            made = dialect.pick(doc.entries, self._entry[start:end])
            for number, entry, flag in zip(range(start, end), made,
                                           self._propmap[start:end], strict=True):
                yield Assignment(entry, path, flag == 1, number, entry.name, entry.value)

    def named(self) -> Iterator[tuple[int, str, bool]]:
        """(index, name, in a !propmap file) of each assignment, without making it."""
        for doc, start, end in self._spans():
            entries = doc.entries
            name_at = entries.name_at if type(entries) is dialect.Entries else \
                (lambda i, e=entries: e[i].name)  # type: ignore[misc]
            for number, index, flag in zip(range(start, end), self._entry[start:end],
                                           self._propmap[start:end], strict=True):
                yield number, name_at(index), flag == 1

    def located(self) -> Iterator[Located]:
        """(index, name, in a !propmap file, file, line, name column, chunk) of each
        assignment, without making it: what a check needs to report on a line it has
        nothing else to ask about."""
        for doc, start, end in self._spans():
            entries, path, indices = doc.entries, doc.path, self._entry[start:end]
            places = entries.located(indices) if type(entries) is dialect.Entries else (
                (e.name, e.line, e.name_col, e.chunk) for e in map(entries.__getitem__,
                                                                   indices))
            for number, (name, line, col, chunk), flag in zip(
                    range(start, end), places, self._propmap[start:end], strict=True):
                yield number, name, flag == 1, path, line, col, chunk

    def names(self, propmap: bool | None = None) -> set[str]:
        """The names assigned (only in !propmap files, or only outside them, when
        ``propmap`` says so), without making the assignments."""
        found: set[str] = set()
        for doc, start, end in self._spans():
            entries = doc.entries
            name_at = entries.name_at if type(entries) is dialect.Entries else \
                (lambda i, e=entries: e[i].name)  # type: ignore[misc]
            for index, flag in zip(self._entry[start:end], self._propmap[start:end],
                                   strict=True):
                if propmap is None or flag == propmap:
                    found.add(name_at(index))
        return found

    def __eq__(self, other: object) -> bool:
        return dialect.same_items(self, other, Assignments)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Assignments({list(self)!r})"


class Picked(Sequence[Assignment]):
    """Some of a load's assignments, by their index (4 bytes each): what the effective
    settings keep per line (unknown names, the writes of each setting)."""

    __slots__ = ("_all", "_indices")

    def __init__(self, every: Sequence[Assignment]) -> None:
        self._all = every
        self._indices = array("I")

    def append(self, assignment: Assignment) -> None:
        self._indices.append(assignment.index)

    def add_index(self, index: int) -> None:
        """``append(every[index])`` without making the assignment."""
        self._indices.append(index)

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._all[i] for i in self._indices[index]]
        return self._all[self._indices[index]]

    def __iter__(self) -> Iterator[Assignment]:
        every = self._all
        for index in self._indices:
            yield every[index]

    def __eq__(self, other: object) -> bool:
        return dialect.same_items(self, other, Picked)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Picked({list(self)!r})"


def picked(every: Sequence[Assignment]) -> list[Assignment] | Picked:
    """An empty collection for some of ``every``: compact when ``every`` is."""
    return Picked(every) if type(every) is Assignments else []


@record(slots=True)
class Loaded:
    root: Document
    documents: list[Document] = field(default_factory=list)
    assignments: Sequence[Assignment] = field(default_factory=Assignments)
    """``Assignments`` (compact, read-only) when loaded; any sequence will do."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stopped_at: tuple[str, int] | None = None
    """(file, line) of the failed include after which nothing more was read."""
    elsewhere: list[tuple[str, int, str]] = field(default_factory=list)
    """(file, line, target) of absolute includes that live on another machine: what
    they set is unknown, so options left unset here may well be set there."""
    bundled: list[str] = field(default_factory=list)
    """Package files read from kcconf's facts because they are not on this machine."""
    _bundled_at: tuple[str, int, str] | None = None
    size: int = 0
    """Bytes of every file read so far: the size limit is for the whole configuration."""

    @property
    def incomplete(self) -> bool:
        """Some settings come from files kcconf could not read: an unset option is not
        known to be unset."""
        return bool(self.elsewhere)


def read_bytes(path: str) -> bytes:
    """The bytes of a regular file of sane size, or InputError with a one-line reason."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "missing") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, not a config file", "not-file")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise InputError(f"{path}: is {kind}, not a config file (Kopano reads regular files only)",
                         "not-file")
    if info.st_size > MAX_FILE_SIZE:
        raise InputError(f"{path}: is {info.st_size} bytes, too large for a Kopano config file"
                         f" (kcconf reads at most {MAX_FILE_SIZE // (1024 * 1024)} MiB)")
    try:
        data = _read_regular(path, info.st_size)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if len(data) > MAX_FILE_SIZE:
        raise InputError(f"{path}: grew beyond {MAX_FILE_SIZE // (1024 * 1024)} MiB while reading")
    check_text(path, data)
    return data


def _read_regular(path: str, size: int) -> bytes:
    """The file's bytes by one read of the size stat saw, plus one byte to notice growth
    (a read of MAX_FILE_SIZE would allocate that much for every small file); a file that
    changed size meanwhile is read on in chunks, up to one byte past the limit."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = os.read(fd, size + 1)
        if len(data) != size:
            parts, total = [data], len(data)
            while total <= MAX_FILE_SIZE:
                piece = os.read(fd, 1 << 16)
                if not piece:
                    break
                parts.append(piece)
                total += len(piece)
            data = b"".join(parts)
    finally:
        os.close(fd)
    return data


def check_text(path: str, data: bytes) -> None:
    """Refuse files that are plainly not text (executables, images, compressed data).

    A stray NUL or a few odd bytes in a real config are reader facts reported as
    diagnostics; only a sample dominated by binary bytes is refused.
    """
    sample = data[:BINARY_SAMPLE]
    if not sample:
        return
    control = len(sample) - len(sample.translate(None, _CONTROL))
    try:
        sample.decode("utf-8")
        invalid = 0
    except UnicodeDecodeError:
        invalid = sample.decode("utf-8", errors="replace").count("\ufffd")
    nul = sample.count(b"\0")
    odd = control + invalid
    if (nul >= BINARY_MIN_ODD and nul * 100 > len(sample)) or \
            (odd >= BINARY_MIN_ODD and odd * 10 > len(sample)):
        raise InputError(f"{path}: looks like a binary file, not a Kopano config", "binary")


PEM_ARMOUR = re.compile(rb"^-----BEGIN [A-Z0-9 ]+-----", re.MULTILINE)
"""A key or certificate in PEM form (also OpenSSH keys)."""


def not_a_config(data: bytes) -> str | None:
    """Why an included file is plainly not a Kopano config, or None: a PEM key or
    certificate, or text whose lines are mostly not ``name = value``."""
    if PEM_ARMOUR.search(data):
        return "it holds a PEM key or certificate"
    kept = assigned = 0
    for line in data.split(b"\n"):
        if not line.strip(dialect.CXX_TRIM) or line[:1] in (b"#", b"!"):
            continue
        kept += 1
        assigned += b"=" in line
    if kept >= 2 and assigned * 2 < kept:
        return "most of its lines are not name = value lines"
    return None


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Reading a big file makes millions of small objects without cycles (entries,
    assignments, diagnostics); the cycle collector would walk them all again and again,
    which was most of the time of a 16 MiB file. Reference counting frees them anyway."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(path: str, flavour: Flavour, directives: tuple[str, ...] = ("include",),
         data: bytes | None = None, propmap: bool = False,
         includes: Includes = ON_HOST) -> Loaded:
    """Parse ``path`` (or ``data`` given for it) and follow its directives.

    ``propmap``: the file is a property map (read as by ``!propmap``: new names allowed).
    ``includes``: where absolute directive targets are looked for.
    """
    if data is None:
        data = read_bytes(path)
    else:
        check_text(path, data)
    root = _parse(data, path, flavour)
    loaded = Loaded(root=root, documents=[root], size=len(data))
    seen: set[str] = set()
    if b"!" in data and (data.startswith(b"!") or b"\n!" in data):  # memchr first
        seen.add(_real(path))  # only includes need the real path (it costs a stat per part)
    # An explicit stack instead of recursion: include chains can be deep.
    stack: list[tuple[Document, int, bool]] = [(root, 0, propmap)]
    assignments = loaded.assignments
    assert isinstance(assignments, Assignments)
    while stack:
        doc, index, propmap = stack.pop()
        entries = doc.entries
        while index < len(entries):
            options, at = options_from(entries, index)
            assignments.extend(doc, options, propmap)  # an option entry has name and value
            index = at + 1
            if at < len(entries) and flavour is Flavour.CXX:
                entry = entries[at]
                outcome = _directive(loaded, doc, entry, directives, seen, includes)
                if outcome == "stop":
                    loaded.stopped_at = (doc.path, entry.line)
                    stack.clear()
                    break
                if isinstance(outcome, tuple):
                    stack.append((doc, index, propmap))
                    child, child_is_propmap = outcome
                    stack.append((child, 0, child_is_propmap or propmap))
                    break
    if loaded._bundled_at is not None:
        loaded.diagnostics.append(_bundled_note(loaded, includes.series or ""))
    if sum(len(doc.entries) for doc in loaded.documents) < COMPACT_FROM:
        _unpack(loaded)
    return loaded


COMPACT_FROM = 20_000
"""Entries in all the files of a load from which they stay compact (Entries,
Assignments). Below it they are made once, as lists: a usual config has a few hundred
lines, which every check walks, and making an Entry and an Assignment anew at each walk
would cost more than the few kilobytes they hold."""


def _unpack(loaded: Loaded) -> None:
    """The compact views of a small load turned into the lists they stand for (the same
    Entry objects in the documents and in the assignments)."""
    for doc in loaded.documents:
        if type(doc.entries) is dialect.Entries:
            doc.entries = list(doc.entries)
    loaded.assignments = list(loaded.assignments)


def _bundled_note(loaded: Loaded, series: str) -> Diagnostic:
    file, line, where = loaded._bundled_at or ("", 0, "")
    first, rest = loaded.bundled[0], loaded.bundled[1:]
    also = f" (and {', '.join(rest)}, which it names)" if rest else ""
    return make("KC119", file, line, 1,
                f"{where}: {first} is not on this machine, so kcconf reads the settings"
                f" Kopano {series} packages install there{also}",
                "Check on the server, or map the installed files with --include-root DIR,"
                " to read the real files.")


def _parse(data: bytes, path: str, flavour: Flavour) -> Document:
    """Checks never look at comments except suppression ones (``# kcconf: disable``), so
    the entries of comment and blank lines (most of a file) are only made for a file
    that may hold such a line."""
    return dialect.parse(data, path, flavour, comments=False,
                         marked_comments=may_suppress(data))


def _real(path: str) -> str:
    return os.path.realpath(path) if path not in ("-", "<stdin>") else path


def directive_target(including: str, name: str, argument: str, root: str | None = None) -> str:
    """The file a ``!include``/``!propmap`` line names, as Kopano finds it: a relative
    include beside the including file, an absolute one below ``root`` when given."""
    absolute = argument.startswith("/")
    if name == "include" and not absolute:
        base = os.path.dirname(_real(including)) if including not in ("-", "<stdin>") else "."
        target = os.path.join(base or ".", argument)
    else:
        # Absolute, or !propmap: Kopano resolves that against the working directory.
        target = argument
    if absolute and root:
        target = os.path.join(root, argument.lstrip("/"))
    return target


def _directive(loaded: Loaded, doc: Document, entry: Entry, allowed: tuple[str, ...],
               seen: set[str], includes: Includes) -> str | tuple[Document, bool] | None:
    name = entry.directive or ""
    diag = loaded.diagnostics
    if entry.note == "no-argument-at-eof" and name in ("include", "propmap"):
        diag.append(make("KC115", doc.path, entry.line, 1,
                         f"'!{name}' is the last line and has no newline: Kopano's reader"
                         " throws an exception here and the service stops",
                         "Give the directive its file name, or end the file with a newline."))
        return "stop"
    if name not in ("include", "propmap"):
        shown = name.replace("\n", "").replace("\r", "")
        if shown in ("include", "propmap"):
            message = (f"'!{shown}' without a file name: the reader takes the line ending as"
                       f" part of the directive's name and ignores the line")
        else:
            message = f"unknown directive '!{shown}': the reader ignores this line"
        diag.append(make("KC113", doc.path, entry.line, 1, message,
                         "Kopano knows only !include FILE (and !propmap FILE in ldap.cfg)."))
        return None
    if name not in allowed:
        diag.append(make("KC114", doc.path, entry.line, 1,
                         f"'!{name}' is not supported in this file: the reader ignores the line",
                         "Only the LDAP plugin's file accepts !propmap."))
        return None
    argument = entry.argument or ""
    absolute = argument.startswith("/")
    target = directive_target(doc.path, name, argument, includes.root)
    where = f"'!{name} {argument}'"
    stop_note = "; Kopano stops reading the configuration here"
    if not argument:
        diag.append(make("KC110", doc.path, entry.line, 1,
                         f"{where} names no file{stop_note}", "Name the file to include."))
        return "stop"
    if includes.unknowable is not None and includes.unknowable(argument):
        loaded.elsewhere.append((doc.path, entry.line, argument))
        diag.append(make("KC122", doc.path, entry.line, 1,
                         f"{where}: the file name is a template expression, known only when"
                         " the template is rendered, so the file cannot be checked here;"
                         " the rest is checked, and options it may set are not reported"
                         " as missing", "Check the rendered file with kcconf validate."))
        return None
    away = absolute and includes.lives_elsewhere(argument) and \
        not packagefiles.known(argument)
    if away or not os.path.exists(target):
        return _not_here(loaded, doc, entry, target, away, seen, includes)
    real = os.path.realpath(target)
    if real in seen:
        diag.append(make("KC112", doc.path, entry.line, 1,
                         f"{where}: {target} was read already in this load; Kopano skips it"
                         " (an include cycle or a repeated include)",
                         "Remove the repeated include."))
        return None
    try:
        data = read_bytes(target)
    except InputError as err:
        text = str(err)
        code = "KC111" if err.kind == "not-file" else "KC116"
        diag.append(make(code, doc.path, entry.line, 1, f"{where}: {text}{stop_note}",
                         "Include a regular, readable config file."))
        return "stop"
    loaded.size += len(data)
    if loaded.size > MAX_FILE_SIZE:
        raise InputError(f"{loaded.root.path}: with its includes ({target} on"
                         f" {doc.path}:{entry.line}) more than"
                         f" {MAX_FILE_SIZE // (1024 * 1024)} MiB, too large for a Kopano"
                         " configuration (kcconf reads at most that much in all)", "too-large")
    seen.add(real)
    unlike = not_a_config(data)
    if unlike is not None:
        # Never quote such a file (a private key, say): one line naming it.
        diag.append(make("KC121", doc.path, entry.line, 1,
                         f"{where}: {target} is not a Kopano config ({unlike}): the service"
                         " reads its lines as settings, and a line with '=' is an unknown"
                         " option that stops it; kcconf does not show its content",
                         "Include only config files; point the option that needs this file"
                         " at it instead."))
        return None
    child = _parse(data, target, doc.flavour)
    loaded.documents.append(child)
    return child, name == "propmap"


def _not_here(loaded: Loaded, doc: Document, entry: Entry, target: str, away: bool,
              seen: set[str], includes: Includes) -> str | tuple[Document, bool] | None:
    """A directive whose file is not to be read here: already read, a package file kcconf
    knows, a file on the server (repository mode), or missing (Kopano stops)."""
    name, argument = entry.directive or "", entry.argument or ""
    absolute = argument.startswith("/")
    where = f"'!{name} {argument}'"
    diag = loaded.diagnostics
    if absolute and argument in seen:
        diag.append(make("KC112", doc.path, entry.line, 1,
                         f"{where}: {argument} was read already in this load; Kopano"
                         " skips it (an include cycle or a repeated include)",
                         "Remove the repeated include."))
        return None
    if absolute:
        facts = _package_file(loaded, doc, entry, argument, where, seen, includes)
        if facts is not None:
            return facts, name == "propmap"
    if away:
        # Even when this machine has such a file: it is not the server's, and a
        # repository's verdict must not depend on where CI runs.
        loaded.elsewhere.append((doc.path, entry.line, argument))
        diag.append(make("KC120", doc.path, entry.line, 1,
                         f"{where}: the file is not in this repository, so it cannot be"
                         " checked here; the rest is checked, and options it may set are"
                         " not reported as missing", _elsewhere_hint(doc.path, argument)))
        return None
    shown = f"{target} (under the include root)" if absolute and includes.root else target
    hint = (f"Put the file at {target}, fix its name, or remove the directive."
            if absolute and includes.root else _missing_hint(name, absolute))
    installed = packagefiles.series_of(argument) if absolute and includes.series else []
    if installed:
        hint = (f"Kopano {includes.series} packages do not install this file (those of"
                f" {installed[0]} to {installed[-1]} do); check against the release you"
                " run with --release, or include a file of your own.")
    diag.append(make("KC110", doc.path, entry.line, 1,
                     f"{where}: {shown} does not exist; Kopano stops reading the"
                     " configuration here", hint))
    return "stop"


def _elsewhere_hint(including: str, argument: str) -> str:
    beside = os.path.join(os.path.dirname(including), os.path.basename(argument))
    if including not in ("-", "<stdin>") and os.path.isfile(beside):
        return (f"{beside} has the same name: if it is the file the server reads, give"
                " --include-root DIR for the folder that stands for / (DIR/"
                f"{argument.lstrip('/')}).")
    return "Give --include-root DIR if the repository holds the server's files under DIR."


def _missing_hint(directive: str, absolute: bool) -> str:
    if absolute:
        return ("Create the file, fix its name, or remove the directive (checking a copy"
                " away from the server: kcconf lint, or --include-root DIR).")
    if directive == "propmap":
        return ("Create the file, fix its name (it is relative to the service's working"
                " directory), or remove the directive.")
    return ("Create the file, fix its name (it is relative to the including file's"
            " directory), or remove the directive.")


def _package_file(loaded: Loaded, doc: Document, entry: Entry, argument: str, where: str,
                  seen: set[str], includes: Includes) -> Document | None:
    """The facts of a file Kopano's packages install at ``argument``, read in its place."""
    if includes.series is None:
        return None
    data = packagefiles.text(argument, includes.series)
    if data is None:
        return None
    seen.add(argument)
    if loaded._bundled_at is None:
        loaded._bundled_at = (doc.path, entry.line, where)
    loaded.bundled.append(argument)
    child = _package_document(data, argument, doc.flavour)
    loaded.documents.append(child)
    return child


@functools.lru_cache(maxsize=64)
def _package_document(data: bytes, argument: str, flavour: Flavour) -> Document:
    """A package file parsed once per process: every ldap.cfg of a repository includes
    the same one or two, and a Document is not changed after parsing."""
    child = _parse(data, argument, flavour)
    child.bundled = True
    return child
