#!/usr/bin/env python3
"""Instructions, not seconds: the cost of ``kcconf lint`` split into a fixed part and a
part per file, counted by valgrind, so that two versions can be compared on a machine
whose speed changes with its other jobs.

    python3 benchmarks/instructions.py [--small 334] [KCCONF_DIR ...]

Counts the instructions of ``kcconf lint -q -j 1`` over two samples of the benchmark
repository that benchmarks/lint_benchmark.py builds (benchmarks/_work/repo-1000; run
that first), with hash randomisation off so that the counts repeat exactly. From the two
counts it derives the instructions per file and the fixed cost of a run (imports, the
schemas' first use), each for the checkout of this script or for every KCCONF_DIR given
(another checkout or worktree, put first on PYTHONPATH). Needs valgrind; the figures
are for comparing versions here, the seconds are lint_benchmark.py's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPO = ROOT / "benchmarks" / "_work" / "repo-1000"


def sample(count: int, into: Path) -> Path:
    """Every n-th host of the 1,000-file repository, with its settings: about ``count``
    files."""
    hosts = sorted((REPO / "hosts").iterdir())
    total = sum(1 for _ in REPO.glob("hosts/*/etc/kopano/*"))
    step = max(1, round(total / count))
    (into / "hosts").mkdir(parents=True)
    for settings in REPO.glob(".kcconf.toml"):
        shutil.copy(settings, into / settings.name)
    for host in hosts[::step]:
        shutil.copytree(host, into / "hosts" / host.name)
    return into


def instructions(checkout: str, folder: Path) -> int:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONHASHSEED="0", PYTHONPATH=checkout)
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
               "--cachegrind-out-file=/dev/null", sys.executable, "-m", "kcconf", "lint",
               "-q", "-j", "1", "."]
    subprocess.run(command[4:], cwd=folder, env=env, capture_output=True, check=False)  # .pyc
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count: {done.stderr.strip()[-300:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="*", default=[str(ROOT)])
    parser.add_argument("--small", type=int, default=334)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    if not REPO.is_dir():
        print(f"{REPO} is missing: run benchmarks/lint_benchmark.py first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        small = sample(args.small, Path(tmp) / "small")
        files = {small: sum(1 for _ in small.glob("hosts/*/etc/kopano/*")),
                 REPO: sum(1 for _ in REPO.glob("hosts/*/etc/kopano/*"))}
        print(f"samples: {files[small]} and {files[REPO]} files")
        print(f"{'checkout':40s} {'per file (M)':>12s} {'fixed (M)':>10s}")
        for checkout in args.checkouts:
            a, b = instructions(checkout, small), instructions(checkout, REPO)
            per_file = (b - a) / (files[REPO] - files[small])
            fixed = a - per_file * files[small]
            print(f"{checkout:40s} {per_file / 1e6:12.2f} {fixed / 1e6:10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
