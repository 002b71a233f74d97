"""JUnit XML for GitLab and Jenkins.

One failing test case per error or warning (named ``CODE FILE:LINE``, class name the
file), one passing case per file without any (Jenkins rejects an empty report), a
skipped case per file that could not be placed, an errored case per unreadable file.
The closing finding of a file over the findings limit is one case that the counts take
for every finding it stands for, so the totals stay exact. Notes ride along in the
file's ``system-out``. The suite's counts head the document, so cases are spooled to
a temporary file (on disk past 1 MiB) rather than kept in memory.
"""

from __future__ import annotations

import tempfile
from xml.sax.saxutils import escape as markup
from xml.sax.saxutils import quoteattr

from .. import escape, report
from ..lint import FileResult
from . import Totals

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters nor U+FFFE and U+FFFF, not even
    as character references: they are written as escapes (see escape.xml)."""
    return escape.xml(text)


def _attr(text: str) -> str:
    return quoteattr(_xml_text(text))


class JUnit:
    def __init__(self) -> None:
        self.spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in end()
            max_size=1 << 20, mode="w+", encoding="utf-8")
        self.tests = self.failures = self.errors = self.skipped = 0

    def begin(self, out: TextIO) -> None:
        pass

    def _case(self, classname: str, name: str, body: str = "", weight: int = 1) -> None:
        """``weight``: the findings the case stands for (a closing finding's ``more``)."""
        self.tests += weight
        head = f"    <testcase classname={_attr(classname)} name={_attr(name)}"
        self.spool.write(f"{head}>\n{body}    </testcase>\n" if body else f"{head}/>\n")

    def file(self, out: TextIO, result: FileResult) -> None:
        path = result.path
        if result.error is not None:
            self.errors += 1
            self._case(path, path, f"      <error message={_attr(result.error)}/>\n")
            return
        if not result.placed:
            self.skipped += 1
            message = result.diagnostics[0].message if result.diagnostics else "not placed"
            self._case(path, path, f"      <skipped message={_attr(message)}/>\n")
            return
        failing = [d for d in result.diagnostics if d.severity != "info"]
        notes = [d for d in result.diagnostics if d.severity == "info"]
        for d in failing:
            self.failures += d.weight
            detail = report.text_line(d) + (f"\n    hint: {d.hint}" if d.hint else "")
            self._case(d.file, f"{d.code} {d.file}:{d.line}",
                       f"      <failure message={_attr(d.message)} type={_attr(d.severity)}>"
                       f"{markup(_xml_text(detail))}</failure>\n", d.weight)
        if not failing:
            out_text = "".join(report.text_line(d) + "\n" for d in notes)
            self._case(path, path, f"      <system-out>{markup(_xml_text(out_text))}"
                                   "</system-out>\n" if notes else "")

    def end(self, out: TextIO, totals: Totals) -> None:
        counts = (f'tests="{self.tests}" failures="{self.failures}" errors="{self.errors}"'
                  f' skipped="{self.skipped}"')
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites name="kcconf" {counts}>\n')
        out.write(f'  <testsuite name="kcconf" {counts}>\n')
        self.spool.seek(0)
        for chunk in iter(lambda: self.spool.read(1 << 16), ""):
            out.write(chunk)
        self.spool.close()
        out.write("  </testsuite>\n</testsuites>\n")
