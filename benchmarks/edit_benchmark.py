#!/usr/bin/env python3
"""Figures for issue 13 beside their targets: memory and time of a 16 MiB file, and
lost updates of concurrent edits.

    python3 benchmarks/edit_benchmark.py [--pairs 100] [--skip-memory] [--skip-locking]

- memory: ``kcconf validate`` of a 16 MiB file of ``a=`` lines (5.6 million unknown
  options, one finding each), and of a file including three 16 MiB files (refused by the
  limit for the whole configuration): peak RSS of the process, CPU and wall time;
- locking: --pairs times, two ``kcconf set`` of different options started together on
  one file; a pair that ends without both values lost an update.

Work files go to a temporary directory. Wall time depends on the machine's load; CPU
time (user + system) is the steadier figure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIXTEEN_MIB = 16 * 1024 * 1024
TARGET_MB, TARGET_S = 500, 30


def _kcconf(*args: str) -> list[str]:
    return [sys.executable, "-m", "kcconf", *args]


_DRIVER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, u.ru_maxrss, u.ru_utime + u.ru_stime)
"""
"""Runs one command and reports its own peak (RUSAGE_CHILDREN keeps the largest child
so far, so each measurement needs a fresh parent)."""


def measure(argv: list[str]) -> tuple[int, float, float, float]:
    """(exit status, peak RSS in MB, CPU seconds, wall seconds) of one command."""
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", _DRIVER, *argv], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    wall = time.monotonic() - start
    return int(out[0]), int(out[1]) / 1024, float(out[2]), wall


def memory(work: Path) -> None:
    big = work / "server.cfg"
    big.write_bytes(b"a=\n" * (SIXTEEN_MIB // 3))
    code, rss, cpu, wall = measure(_kcconf("validate", "--quiet", str(big)))
    print(f"16 MiB of 'a=' lines: exit {code}, peak RSS {rss:.0f} MB (target < {TARGET_MB}),"
          f" CPU {cpu:.1f} s, wall {wall:.1f} s (target < {TARGET_S} s)")
    includes = work / "inc"
    includes.mkdir()
    for name in ("a", "b", "c"):
        (includes / f"{name}.cfg").write_bytes(b"a=\n" * (SIXTEEN_MIB // 3))
    root = includes / "server.cfg"
    root.write_text("!include a.cfg\n!include b.cfg\n!include c.cfg\n")
    code, rss, cpu, wall = measure(_kcconf("validate", "--quiet", str(root)))
    print(f"three 16 MiB includes: exit {code} (2: over the limit for the whole"
          f" configuration), peak RSS {rss:.0f} MB, CPU {cpu:.1f} s, wall {wall:.1f} s")


def locking(work: Path, pairs: int) -> None:
    path = work / "server.cfg"
    lost = failed = 0
    start = time.monotonic()
    for _ in range(pairs):
        path.write_bytes(b"log_level = 3\nserver_name = a\n")
        children = [subprocess.Popen(_kcconf("set", str(path), arg), cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    for arg in ("log_level=5", "server_name=b")]
        codes = [c.wait() for c in children]
        text = path.read_text()
        failed += any(codes)
        lost += not ("log_level = 5" in text and "server_name = b" in text) and not any(codes)
    print(f"concurrent set pairs: {lost} of {pairs} lost an update silently (target 0),"
          f" {failed} refused; {time.monotonic() - start:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-locking", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kcconf-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_locking:
            (work / "lock").mkdir()
            locking(work / "lock", args.pairs)
        if not args.skip_memory:
            (work / "mem").mkdir()
            memory(work / "mem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
