"""JUnit XML for GitLab and Jenkins: a failing test case per finding, a passing one per
clean file (Jenkins rejects empty reports). Cases are spooled to a temporary file so the
suite's counts can head the document without holding every case in memory."""

from __future__ import annotations

import tempfile
from typing import TextIO
from xml.sax.saxutils import quoteattr

from ..lint import FileResult


class JUnit:
    def __init__(self) -> None:
        self.spool = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+",  # noqa: SIM115
                                                   encoding="utf-8")
        self.tests = 0
        self.failures = 0

    def begin(self, out: TextIO) -> None:
        pass

    def file(self, out: TextIO, result: FileResult) -> None:
        failing = [d for d in result.diagnostics if d.severity in ("error", "warning")]
        if not failing:
            self.tests += 1
            self.spool.write(f"    <testcase classname={quoteattr(result.path)}"
                             f" name={quoteattr('kcconf ' + result.path)}/>\n")
            return
        for d in failing:
            self.tests += 1
            self.failures += 1
            name = f"{d.code} {d.file}:{d.line}"
            self.spool.write(
                f"    <testcase classname={quoteattr(d.file)} name={quoteattr(name)}>\n"
                f"      <failure message={quoteattr(d.message)} type={quoteattr(d.severity)}>"
                f"{_text(d.hint)}</failure>\n    </testcase>\n")

    def end(self, out: TextIO, counts: dict[str, int], files: int) -> None:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites tests="{self.tests}" failures="{self.failures}">\n')
        out.write(f'  <testsuite name="kcconf" tests="{self.tests}" failures="{self.failures}"'
                  ' errors="0" skipped="0">\n')
        self.spool.seek(0)
        for chunk in iter(lambda: self.spool.read(1 << 16), ""):
            out.write(chunk)
        self.spool.close()
        out.write("  </testsuite>\n</testsuites>\n")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
