"""The one place that decides what output may show of a secret.

kcconf promises that a secret never appears in any output: diagnostics in every format,
``show``, ``diff``, the unified diffs of ``--dry-run``, error messages. Every one of
them passes its text through a ``Redactor``, which knows

* which names are secret: options the schema marks ``x-kc-secret`` and, for names the
  component does not know, any name close to a secret one (the did-you-mean of
  ``spelling.closest``, or the same name in other letter case) or holding a
  secret-looking word (``pass``, ``secret``: password, passwd, key_pass...);
* which values are secret: those of secret names in the files being reported, and the
  rest of a physical line past byte 4095 whose start is a secret's line (the reader
  reads it as new lines, which would otherwise be quoted as such);
* how to mask: a secret value, or any long enough piece of it (messages shorten what
  they quote), becomes ``***`` wherever it appears in a message; a secret's line in a
  diff keeps its name and loses its value.

It sits at the bottom of the layers (schema, dialect and spelling below it), so every
module may use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from . import dialect, schema
from .diagnostics import Diagnostic
from .records import field, record
from .spelling import SUGGEST_CUTOFF, closest

MASK = "***"
SECRET_WORDS = ("pass", "secret")
"""Case-insensitive parts of a name that make it secret (password, passwd, key_pass...)."""
FRAGMENT = 20
"""A piece of a secret this long, found anywhere in a message, is masked."""
SHORT = 4
"""Secrets shorter than this are masked only where they stand as a word of their own."""
TINY = 3
"""Secrets shorter than this are not searched for in messages (a password ``1`` would
mask every line number); their own values are still never shown."""


@functools.cache
def _secret_names_by_length() -> dict[int, tuple[str, ...]]:
    """Every secret name of every component and release, in lower case, by length."""
    by_length: dict[int, set[str]] = {}
    for component_name in schema.component_names():
        for name, spec in schema.load(component_name).specs.items():
            if spec.get("x-kc-secret"):
                by_length.setdefault(len(name), set()).add(name.lower())
    return {length: tuple(sorted(names)) for length, names in by_length.items()}


@functools.lru_cache(maxsize=8192)
def secret_name(component: schema.Component | None, name: str) -> bool:
    """Whether values of ``name`` must never be shown.

    A name the component knows is secret exactly when its schema says so (or the option
    it is an old name of is secret). Any other name is secret when it looks like one."""
    name = name.strip()
    if not name:
        return False
    specs = component.specs if component is not None else {}
    spec = specs.get(name)
    if spec is not None:
        if spec.get("x-kc-secret"):
            return True
        targets = {h.get("renamed-to") for h in spec.get("x-kc-history", [])} - {None}
        return any(specs.get(t, {}).get("x-kc-secret") for t in targets)
    lowered = name.lower()
    if any(word in lowered for word in SECRET_WORDS):
        return True
    if len(lowered) > 100 or not _shares_a_trigram(lowered):
        return False
    return closest(lowered, _secret_names_by_length(), SUGGEST_CUTOFF) is not None


SECRET_PIECES = "|".join(sorted({
    word[i : i + 3] for word in ("password", "passwd", "secret", "pwd")
    for i in range(len(word) - 2)}))
"""Three letters in a row of a secret word: a misspelt secret name keeps some of them.
(Patterns here are text, compiled by re on first use: nothing compiles at import.)"""


def _shares_a_trigram(name: str) -> bool:
    """A cheap test before the did-you-mean, so that a file of many distinct names is
    not slowed down: every secret name is made around one of these words."""
    return re.search(SECRET_PIECES, name) is not None


_ASSIGNMENT = r"(?s)^([ \t]*#*[ \t]*)([^=]*?)([ \t]*=[ \t]*)(.*?)([ \t\r]*)$"
"""A line as name = value, also commented out (``#mysql_password = x``): lead, name,
equals sign with its blanks, value, trailing blanks."""


@record(slots=True)
class Redactor:
    """Masks the secrets of one configuration (a component and the files reported)."""

    component: schema.Component | None = None
    secrets: set[str] = field(default_factory=set)
    """Secret values (and pieces of secret lines) seen so far."""
    _protected: frozenset[str] | None = None
    _grams: tuple[int, set[str]] | None = None
    """The FRAGMENT-long pieces of the long secrets (and how many secrets they are of)."""

    def is_secret(self, name: str | None) -> bool:
        return name is not None and secret_name(self.component, name)

    # -- learning what is secret ------------------------------------------------------

    def add(self, value: str | None) -> None:
        """A secret value: itself and, trimmed, what a message would quote of it."""
        if not value:
            return
        for text in {value, value.strip(), value.strip(dialect.CXX_TRIM.decode())}:
            if text:
                self.secrets.add(text)
                quoted = repr(text)[1:-1]  # how a message written with !r shows it
                if quoted != text:
                    self.secrets.add(quoted)

    def learn_assignment(self, name: str | None, value: str | None) -> None:
        if self.is_secret(name):
            self.add(value)

    def learn_documents(self, documents: Iterable[dialect.Document]) -> Redactor:
        """The secret values of parsed files, and the continuations of secrets' lines.
        Compact entries (a large file) are read from their stored fields, without making
        an Entry for each plain option line."""
        for doc in documents:
            secret_lines: set[int] = set()
            entries = doc.entries
            stored = entries.stored() if type(entries) is dialect.Entries else \
                ((entry.line, entry) for entry in entries)
            asked: dict[str, bool] = {}
            for number, item in stored:
                if type(item) is not tuple:
                    self._learn_entry(item, secret_lines)  # type: ignore[arg-type]
                    continue
                name, value = item[1], item[2]
                secret = asked.get(name)
                if secret is None:
                    secret = asked[name] = self.is_secret(name)
                if secret and value:
                    self.add(value)
                    secret_lines.add(number)
        return self

    def _learn_entry(self, entry: dialect.Entry, secret_lines: set[int]) -> None:
        if entry.chunk == 0:
            if entry.kind is dialect.Kind.OPTION and entry.value and \
                    self.is_secret(entry.name):
                self.add(entry.value)
                secret_lines.add(entry.line)
        elif entry.line in secret_lines:
            # The rest of a secret's physical line, read as a line of its own.
            for piece in (entry.text, entry.name, entry.value, entry.directive,
                          entry.argument):
                self.add(piece)

    def learn_data(self, path: str, datas: Iterable[bytes], flavour: dialect.Flavour
                   ) -> Redactor:
        """The secret values of file contents (old and new text of an edit)."""
        return self.learn_documents(dialect.parse(data, path, flavour) for data in datas)

    def learn_line(self, line: str) -> None:
        """A config line given on its own (``KCUNCOMMENT_...=line``)."""
        match = re.match(_ASSIGNMENT, line)
        if match:
            self.learn_assignment(match.group(2), match.group(4))

    # -- masking ----------------------------------------------------------------------

    def value(self, name: str | None, value: str | None) -> str | None:
        """A value to show for ``name``: ``***`` for a secret that is not empty."""
        if value and self.is_secret(name):
            return MASK
        return self.text(value) if value else value

    def text(self, text: str) -> str:
        """``text`` with every secret value, and every long piece of one, masked."""
        if not self.secrets or not text:
            return text
        spans = self._spans(text)
        if not spans:
            return text
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out, at = [], 0
        for start, end in merged:
            out.append(text[at:start])
            out.append(MASK)
            at = end
        out.append(text[at:])
        return "".join(out)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        long_secrets = [s for s in self.secrets if len(s) >= FRAGMENT]
        for secret in self.secrets:
            if len(secret) >= FRAGMENT or len(secret) < TINY:
                continue
            start = text.find(secret)
            while start >= 0:
                end = start + len(secret)
                if len(secret) >= SHORT or (
                        not _word_char(text, start - 1) and not _word_char(text, end)):
                    spans.append((start, end))
                start = text.find(secret, start + 1)
        if long_secrets and len(text) >= FRAGMENT:
            spans.extend(self._fragments(text, long_secrets))
        if not spans:
            return spans
        protected = self._protected_spans(text)
        spans = [s for s in spans if not any(p[0] <= s[0] and s[1] <= p[1] for p in protected)]
        return sorted(spans)

    def _fragments(self, text: str, secrets: list[str]) -> Iterable[tuple[int, int]]:
        """Maximal pieces of ``text``, at least FRAGMENT long, that occur in a secret."""
        if self._grams is None or self._grams[0] != len(self.secrets):
            grams = {s[i : i + FRAGMENT] for s in secrets for i in range(len(s) - FRAGMENT + 1)}
            self._grams = (len(self.secrets), grams)
        grams = self._grams[1]
        i = 0
        limit = len(text) - FRAGMENT
        while i <= limit:
            gram = text[i : i + FRAGMENT]
            if gram not in grams:
                i += 1
                continue
            holders = [s for s in secrets if gram in s]
            end = i + FRAGMENT
            while end < len(text) and any(text[i : end + 1] in s for s in holders):
                end += 1
            yield i, end
            i = end

    def _protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Option names in a message stay readable even when a secret contains one."""
        if self._protected is None:
            names = set(self.component.specs) if self.component is not None else set()
            self._protected = frozenset(names)
        return [m.span() for m in re.finditer(_WORD, text) if m.group() in self._protected]

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        """``d`` with its message, hint and option name masked (in place, and returned):
        the piece of a secret's line past byte 4095 is read as a name of its own."""
        if self.secrets:
            d.message = self.text(d.message)
            if d.hint:
                d.hint = self.text(d.hint)
            if d.option:
                d.option = self.text(d.option)
        return d

    def config_line(self, line: str) -> str:
        """One line of a config file for a diff: a secret's line keeps its name and
        loses its value (also when commented out, and past byte 4095)."""
        match = re.match(_ASSIGNMENT, line)
        if match and match.group(4) and self.is_secret(match.group(2)):
            return match.group(1) + match.group(2) + match.group(3) + MASK + match.group(5)
        return self.text(line)


_WORD = r"[A-Za-z0-9_]+"


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def for_documents(component: schema.Component | None,
                  documents: Iterable[dialect.Document]) -> Redactor:
    return Redactor(component).learn_documents(documents)
