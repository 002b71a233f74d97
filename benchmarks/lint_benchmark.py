#!/usr/bin/env python3
"""Speed and memory of kcconf lint, side by side with its baselines, from one run.

    python3 benchmarks/lint_benchmark.py [--files 10000] [--skip-check-jsonschema]

Builds a synthetic config repository under benchmarks/_work/ (variants of Kopano's
shipped configs from ../shared/reference/shipped, or of kcconf's annotated defaults when
that is absent: a few options set, some with typos and bad values, chosen with a fixed
seed), then measures:

- kcconf lint: wall time, files per second, peak memory (GNU time's maximum resident
  set of the main process, plus the largest worker's, from getrusage);
- cat over the same files: the I/O floor;
- check-jsonschema (installed into benchmarks/_work/venv from PyPI) validating the same
  settings converted to one JSON document per file, against kcconf's own schemas;
- kcconf lint at 1,000 files, to show the time is linear;
- kcconf validate of one file against a bare ``python3 -c pass`` (start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
SHIPPED = ROOT.parent / "shared" / "reference" / "shipped"
sys.path.insert(0, str(ROOT))

from kcconf import dialect, schema  # noqa: E402

TYPOS = ["log_levle", "server_lsten", "mysql_hots", "attachment_pth", "imap_listen"]
BAD = [("log_level", "9"), ("log_level", "010"), ("audit_log_enabled", "off"),
       ("softdelete_lifetime", "30 days"), ("cache_cell_size", "512b")]


def templates() -> list[tuple[str, bytes]]:
    found = []
    if SHIPPED.is_dir():
        for path in sorted(SHIPPED.glob("*/*.cfg")):
            if schema.component_for_filename(path.name) and "propmap" not in path.name:
                found.append((path.name, path.read_bytes()))
    else:
        from kcconf.render import defaults

        for name in schema.component_names():
            component = schema.load(name)
            found.append((component.file,
                          defaults.render(component, schema.newest_series()).encode()))
    return found


def build(count: int) -> Path:
    target = WORK / f"repo-{count}"
    if target.is_dir() and sum(1 for _ in target.rglob("*.cfg")) == count:
        return target
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(20261124)
    sources = templates()
    for i in range(count):
        name, data = sources[i % len(sources)]
        lines = data.decode("utf-8", "replace").splitlines()
        commented = [n for n, line in enumerate(lines) if re.match(r"^#\s*[a-z_]+\s*=", line)]
        for n in rng.sample(commented, min(3, len(commented))):
            lines[n] = lines[n].lstrip("#").strip()  # set an option at its default
        if name == "server.cfg" and rng.random() < 0.5:
            option, value = rng.choice(BAD)
            lines.append(f"{option} = {value}")
        if rng.random() < 0.3:
            lines.append(f"{rng.choice(TYPOS)} = 1")
        path = target / f"host{i // 100:03d}" / f"{i:05d}" / "etc" / "kopano" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
    return target


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, check=False, **kwargs)
    return time.perf_counter() - start, result


def lint_run(repo: Path) -> tuple[float, float]:
    """Wall seconds and peak memory in MB (main process + largest worker)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, result = timed(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "kcconf",
                             "lint", "-q", str(repo)])
    if result.returncode not in (0, 1):
        raise SystemExit(f"kcconf lint failed: {result.stderr.decode()[-500:]}")
    main_kb = int(result.stderr.decode().strip().splitlines()[-1])
    workers_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return seconds, (main_kb + workers_kb) / 1024


def cat_floor(repo: Path) -> float:
    files = [str(p) for p in repo.rglob("*.cfg")]
    start = time.perf_counter()
    for i in range(0, len(files), 2000):
        subprocess.run(["cat", *files[i:i + 2000]], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def check_jsonschema(repo: Path) -> float | None:
    venv = WORK / "venv"
    exe = venv / "bin" / "check-jsonschema"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "check-jsonschema"],
                                 check=False)
        if install.returncode != 0:
            return None
    json_dir = WORK / f"json-{repo.name}"
    groups: dict[str, list[str]] = {}
    if not json_dir.is_dir():
        for path in repo.rglob("*.cfg"):
            name = schema.component_for_filename(path.name)
            component = schema.load(name)
            flavour = dialect.Flavour.PYTHON if component.python else dialect.Flavour.CXX
            doc = dialect.parse(path.read_bytes(), str(path), flavour)
            settings = {e.name: e.value for e in doc.entries if e.kind is dialect.Kind.OPTION}
            out = json_dir / name / (path.parent.parent.parent.name + "-" + path.name + ".json")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(settings))
    for sub in json_dir.iterdir():
        groups[sub.name] = [str(p) for p in sub.iterdir()]
    start = time.perf_counter()
    for name, files in groups.items():
        schema_file = ROOT / "schemas" / f"{name}.schema.json"
        for i in range(0, len(files), 2000):
            subprocess.run([str(exe), "--schemafile", str(schema_file), *files[i:i + 2000]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def startup(runs: int = 20) -> tuple[float, float]:
    config = str(ROOT / "etc" / "kopano" / "server.cfg")
    kc = [timed([sys.executable, "-m", "kcconf", "validate", config])[0] for _ in range(runs)]
    bare = [timed([sys.executable, "-c", "pass"])[0] for _ in range(runs)]
    return statistics.mean(kc), statistics.mean(bare)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    small, big = build(args.files // 10), build(args.files)
    cat_seconds = cat_floor(big)
    small_seconds, _ = lint_run(small)
    lint_seconds, peak_mb = lint_run(big)
    cj = None if args.skip_check_jsonschema else check_jsonschema(big)
    kc_start, bare_start = startup()
    n = args.files
    print(f"machine: {os.cpu_count()} CPUs; {n} files ({sum(p.stat().st_size for p in big.rglob('*.cfg')) // 1024} KiB)")
    print(f"{'measure':<44}{'value':>14}")
    print(f"{'kcconf lint, ' + str(n) + ' files (s)':<44}{lint_seconds:>14.2f}")
    print(f"{'kcconf lint, files per second':<44}{n / lint_seconds:>14.0f}")
    print(f"{'kcconf lint, ' + str(n // 10) + ' files (s)':<44}{small_seconds:>14.2f}")
    print(f"{'linearity: time ratio for 10x files':<44}{lint_seconds / small_seconds:>14.1f}")
    print(f"{'kcconf lint peak memory (MB)':<44}{peak_mb:>14.1f}")
    print(f"{'cat over the same files (s)':<44}{cat_seconds:>14.2f}")
    print(f"{'kcconf lint / cat floor':<44}{lint_seconds / cat_seconds:>14.1f}")
    if cj is not None:
        print(f"{'check-jsonschema, same settings as JSON (s)':<44}{cj:>14.2f}")
        print(f"{'check-jsonschema / kcconf lint':<44}{cj / lint_seconds:>14.1f}")
    print(f"{'kcconf validate one file (ms)':<44}{kc_start * 1000:>14.1f}")
    print(f"{'python3 -c pass (ms)':<44}{bare_start * 1000:>14.1f}")
    print(f"{'validate start-up / bare python':<44}{kc_start / bare_start:>14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
