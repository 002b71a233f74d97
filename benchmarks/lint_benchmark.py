#!/usr/bin/env python3
"""Speed and memory of ``kcconf lint`` beside its baselines, all from one run.

    python3 benchmarks/lint_benchmark.py [--files 10000] [--runs 3] [--skip-check-jsonschema]

Builds a synthetic config repository under benchmarks/_work/ (git-ignored): hosts whose
/etc/kopano holds variants of Kopano's shipped configs (../shared/reference/shipped/*/,
or ``kcconf defaults COMPONENT`` when that is absent) with options set, typos, bad
values, inline comments, kopano-/zarafa- names, Jinja2 templates and releases given by
a ``# kcconf: release=`` comment or by a .kcconf.toml mapping, all drawn from a fixed
seed. Then it measures, best of --runs unless said otherwise:

- kcconf lint over 10,000 and 1,000 files (linearity), default jobs and -j 1: wall
  time, files per second, and the peak memory of the whole process tree (RSS and PSS
  of kcconf and its workers, summed, sampled every 20 ms from /proc);
- kcconf lint --fix (and with --unsafe-fixes) over a fresh copy of the 10,000 files
  each run: within 2 times kcconf lint;
- cat over the same files: the I/O floor;
- check-jsonschema (installed from PyPI into benchmarks/_work/venv when missing) over
  the same settings converted to one JSON document per file, against kcconf's schema of
  the file's component: one process per schema, as a CI step would run it, and with
  two such processes at a time;
- start-up: ``kcconf validate`` of one file against a bare ``python -c pass`` (mean of
  --startup-runs). Both run with bytecode caching allowed, as an installed kcconf
  has its .pyc files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
SHIPPED = ROOT.parent / "shared" / "reference" / "shipped"
SEED = 20261124
GENERATOR = "4"
"""Bump when the generator changes, so cached repositories are rebuilt."""
sys.path.insert(0, str(ROOT))

from kcconf import dialect, schema  # noqa: E402
from kcconf.lint import load_settings  # noqa: E402
from kcconf.suppress import hints  # noqa: E402

BAD_VALUES = {"log_level": "9", "audit_log_enabled": "off", "softdelete_lifetime": "30 days",
              "cache_cell_size": "512b", "log_timestamp": "on", "server_max_keep_alive": "010"}
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.pop("NO_COLOR", None)


# -- the synthetic repository ------------------------------------------------------------

def sources() -> dict[str, list[tuple[str, bytes]]]:
    """Shipped configs per release (X.Y), or kcconf's defaults for the newest release."""
    found: dict[str, list[tuple[str, bytes]]] = {}
    if SHIPPED.is_dir():
        for folder in sorted(SHIPPED.iterdir()):
            if not re.fullmatch(r"\d+\.\d+\.\d+", folder.name):
                continue
            series = ".".join(folder.name.split(".")[:2])
            found[series] = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.cfg"))]
    if not found:
        series = schema.newest_series()
        found[series] = []
        for name in schema.component_names():
            text = subprocess.run([sys.executable, "-m", "kcconf", "defaults", name],
                                  capture_output=True, check=True, cwd=ROOT, env=ENV).stdout
            found[series].append((schema.load(name).file, text))
    return found


def mutate(rng: random.Random, name: str, data: bytes, release: str, hint: bool
           ) -> tuple[str, bytes]:
    lines = data.decode("utf-8", "surrogateescape").splitlines()
    commented = [n for n, line in enumerate(lines) if re.match(r"#\s*[a-z_]+\s*=", line)]
    for n in rng.sample(commented, min(3, len(commented))):
        lines[n] = lines[n].lstrip("#").strip()  # set an option (to its default)
    active = [n for n, line in enumerate(lines) if re.match(r"[a-z_]+\s*=", line)]
    if active and rng.random() < 0.3:  # a typo in a name
        n = rng.choice(active)
        key, _, value = lines[n].partition("=")
        key = key.strip()
        if len(key) > 3:
            i = rng.randrange(1, len(key) - 2)
            key = key[:i] + key[i + 1] + key[i] + key[i + 2:]
        lines[n] = f"{key} = {value.strip()}"
    if rng.random() < 0.3:  # a bad value where the component has the option
        option, value = rng.choice(sorted(BAD_VALUES.items()))
        lines.append(f"{option} = {value}")
    if active and rng.random() < 0.1:  # an inline comment
        n = rng.choice(active)
        lines[n] += " # changed by ops"
    component = schema.component_for_filename(name)
    roll = rng.random()
    if component and roll < 0.1:  # a Jinja2 template of it
        name += ".j2"
        if active:
            n = rng.choice(active)
            key = lines[n].partition("=")[0].strip()
            lines[n] = f"{key} = {{{{ kopano_{key} | default('x') }}}}"
            lines[n:n] = ["{% if kopano_managed %}"]
            lines.insert(n + 2, "{% endif %}")
    elif component and roll < 0.25:
        name = "kopano-" + name
    elif component and roll < 0.3 and release.startswith("8."):
        name = "zarafa-" + name
    if hint:
        lines.insert(0, f"# kcconf: release={release}")
    return name, ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def build(count: int) -> Path:
    """hosts/<release>-<n>/etc/kopano/* until ``count`` files; cached between runs."""
    target = WORK / f"repo-{count}"
    stamp = target / ".generated"
    if stamp.is_file() and stamp.read_text() == f"{GENERATOR} {SEED} {count}":
        return target
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(SEED)
    by_release = sources()
    releases = sorted(by_release, key=schema.series_key)
    newest = releases[-1]
    written = host = 0
    while written < count:
        release = releases[host % len(releases)]
        # Older releases: every other host says so in each file; the others are
        # "legacy" hosts, placed by one .kcconf.toml pattern per release.
        by_comment = release != newest and (host // len(releases)) % 2 == 0
        kind = "legacy" if release != newest and not by_comment else "r"
        tag = kind + release.replace(".", "")
        folder = target / "hosts" / f"{tag}-{host:04d}" / "etc" / "kopano"
        folder.mkdir(parents=True)
        for name, data in by_release[release]:
            if written == count:
                break
            name, text = mutate(rng, name, data, release, by_comment)
            (folder / name).write_bytes(text)
            written += 1
        host += 1
    mapping = [f'[[files]]\npath = "hosts/legacy{r.replace(".", "")}-*"\nrelease = "{r}"\n'
               for r in releases if r != newest]
    (target / ".kcconf.toml").write_text("\n".join(mapping))
    stamp.write_text(f"{GENERATOR} {SEED} {count}")
    return target


def config_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*") if p.is_file() and ".cfg" in p.name)


# -- measuring ---------------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{task}/children") as handle:
                    pids.extend(int(p) for p in handle.read().split())
        except OSError:
            pass
        i += 1
    return pids


def _memory(pids: list[int]) -> tuple[int, int]:
    """Summed RSS and PSS in KiB (PSS shares pages that forked workers have in common)."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def measured(cmd: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, peak tree RSS and PSS in MB, exit status; output discarded."""
    peak = [0, 0]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = _memory(_tree(proc.pid))
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                done.wait(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        status = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        if status not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed ({status}): {err.read()[-800:]!r}")
    return seconds, peak[0] / 1024, peak[1] / 1024, status


def lint(repo: Path, runs: int, *extra: str) -> tuple[float, float, float]:
    best, rss, pss = float("inf"), 0.0, 0.0
    for _ in range(runs):
        seconds, r, p, _ = measured([sys.executable, "-m", "kcconf", "lint", "-q", *extra],
                                    repo)
        best, rss, pss = min(best, seconds), max(rss, r), max(pss, p)
    return best, rss, pss


def cpu_seconds(cmd: list[str], cwd: Path) -> float:
    """User and system CPU time of a command and the workers it waited for: steadier
    than wall time on a machine other work shares."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENV, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def lint_fix(repo: Path, runs: int, *extra: str) -> tuple[float, float]:
    """``kcconf lint --fix`` over a fresh copy of the repository each run (it writes):
    best wall seconds, and best CPU seconds from runs of their own."""
    best, best_cpu = float("inf"), float("inf")
    command = [sys.executable, "-m", "kcconf", "lint", "-q", "--fix", *extra]
    copy = WORK / f"fix-{repo.name}"
    for _ in range(runs):
        for timing in ("wall", "cpu"):
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(repo, copy, symlinks=True)
            if timing == "wall":
                best = min(best, measured(command, copy)[0])
            else:
                best_cpu = min(best_cpu, cpu_seconds(command, copy))
    shutil.rmtree(copy, ignore_errors=True)
    return best, best_cpu


def cat(files: list[Path], runs: int) -> float:
    names = [str(p) for p in files]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(0, len(names), 2000):
            subprocess.run(["cat", *names[i:i + 2000]], stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def check_jsonschema_exe() -> Path | None:
    exe = WORK / "venv" / "bin" / "check-jsonschema"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(WORK / "venv")], check=True)
        install = subprocess.run([str(WORK / "venv" / "bin" / "pip"), "install", "-q",
                                  "check-jsonschema"], check=False)
        if install.returncode != 0 or not exe.exists():
            return None
    return exe


def as_json(repo: Path, files: list[Path]) -> dict[str, list[str]]:
    """One JSON document of settings per placed config file, grouped by component."""
    out = WORK / f"json-{repo.name}"
    stamp = out / ".generated"
    if not (stamp.is_file() and stamp.read_text() == (repo / ".generated").read_text()):
        shutil.rmtree(out, ignore_errors=True)
        settings = load_settings(str(repo / ".kcconf.toml"))
        for n, path in enumerate(files):
            data = path.read_bytes()
            rel = path.relative_to(repo).as_posix()
            name = hints(data).get("component") or settings.mapping(rel)[0] or \
                schema.component_for_filename(path.name)
            if name is None:
                continue
            flavour = dialect.Flavour.PYTHON if schema.load(name).python else \
                dialect.Flavour.CXX
            doc = dialect.parse(data, str(path), flavour)
            values = {e.name: e.value for e in doc.entries if e.kind is dialect.Kind.OPTION}
            target = out / name / f"{n:05d}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        stamp.write_text((repo / ".generated").read_text())
    return {d.name: sorted(str(p) for p in d.glob("*.json")) for d in sorted(out.iterdir())
            if d.is_dir()}


def check_jsonschema(exe: Path, groups: dict[str, list[str]], parallel: int) -> float:
    commands = []
    for name, files in groups.items():
        schema_file = str(ROOT / "schemas" / f"{name}.schema.json")
        for i in range(0, len(files), 2000):
            commands.append([str(exe), "--schemafile", schema_file, *files[i:i + 2000]])
    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(lambda c: subprocess.run(c, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, check=False),
                      commands))
    return time.perf_counter() - start


def startup(runs: int) -> tuple[float, float]:
    config = str(ROOT / "etc" / "kopano" / "server.cfg")
    validate = [sys.executable, "-m", "kcconf", "validate", "-q", config]
    bare = [sys.executable, "-c", "pass"]
    subprocess.run(validate, capture_output=True, cwd=ROOT, env=ENV, check=False)  # .pyc
    times: dict[str, list[float]] = {"kcconf": [], "bare": []}
    for _ in range(runs):
        for key, cmd in (("kcconf", validate), ("bare", bare)):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, cwd=ROOT, env=ENV, check=False)
            times[key].append(time.perf_counter() - start)
    return statistics.mean(times["kcconf"]), statistics.mean(times["bare"])


# -- the report --------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--startup-runs", type=int, default=20)
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    n, small_n = args.files, args.files // 10
    big, small = build(n), build(small_n)
    files = config_files(big)
    cat(files, 1)  # warm the page cache for everyone
    cat_s = cat(files, args.runs)
    lint_s, rss, pss = lint(big, args.runs)
    small_s, _, _ = lint(small, args.runs)
    serial_s, serial_rss, _ = lint(big, 1, "-j", "1")
    lint_cpu = min(cpu_seconds([sys.executable, "-m", "kcconf", "lint", "-q"], big)
                   for _ in range(args.runs))
    fix_s, fix_cpu = lint_fix(big, args.runs)
    unsafe_s, unsafe_cpu = lint_fix(big, 1, "--unsafe-fixes")
    cj = cj2 = None
    exe = None if args.skip_check_jsonschema else check_jsonschema_exe()
    if exe is not None:
        groups = as_json(big, files)
        check_jsonschema(exe, groups, 1)  # warm-up
        cj = min(check_jsonschema(exe, groups, 1) for _ in range(max(1, args.runs - 1)))
        cj2 = check_jsonschema(exe, groups, 2)
    kc_start, bare_start = startup(args.startup_runs)

    size = sum(p.stat().st_size for p in files)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]};"
          f" {n:,} files, {size / 1e6:.1f} MB; best of {args.runs} runs")
    rows = [
        (f"kcconf lint, {n} files (s)", f"{lint_s:.2f}", "", ""),
        ("kcconf lint, files per second", f"{n / lint_s:,.0f}", "", ""),
        (f"kcconf lint, {small_n} files (s)", f"{small_s:.2f}", "", ""),
        (f"kcconf lint, files per second at {small_n}", f"{small_n / small_s:,.0f}", "", ""),
        (f"time per file, {n} vs {small_n} files",
         f"{(lint_s / n) / (small_s / small_n):.2f}", "<= 1.05 (linear)",
         "met" if (lint_s / n) <= 1.05 * (small_s / small_n) else "MISSED"),
        (f"  cost per file from {small_n} to {n} files (ms)",
         f"{(lint_s - small_s) / (n - small_n) * 1000:.3f}", "", ""),
        ("  fixed start-up this implies (s)",
         f"{small_s - small_n * (lint_s - small_s) / (n - small_n):.2f}", "", ""),
        (f"kcconf lint -j 1, {n} files (s)", f"{serial_s:.2f}", "", ""),
        (f"kcconf lint --fix, {n} files (s)", f"{fix_s:.2f}", "", ""),
        ("kcconf lint --fix / kcconf lint", f"{fix_s / lint_s:.2f}", "<= 2",
         "met" if fix_s / lint_s <= 2 else "MISSED"),
        ("  the same in CPU time", f"{fix_cpu / lint_cpu:.2f}", "<= 2",
         "met" if fix_cpu / lint_cpu <= 2 else "MISSED"),
        (f"kcconf lint --fix --unsafe-fixes, {n} files (s)", f"{unsafe_s:.2f}", "", ""),
        ("  the same / kcconf lint", f"{unsafe_s / lint_s:.2f}", "", ""),
        ("  the same in CPU time", f"{unsafe_cpu / lint_cpu:.2f}", "", ""),
        ("peak memory, process tree RSS (MB)", f"{rss:.0f}", "< 150",
         "met" if rss < 150 else "MISSED"),
        ("peak memory, process tree PSS (MB)", f"{pss:.0f}", "", ""),
        ("peak memory, -j 1 (MB)", f"{serial_rss:.0f}", "", ""),
        ("cat over the same files (s)", f"{cat_s:.2f}", "", ""),
        ("kcconf lint / cat", f"{lint_s / cat_s:.1f}", "<= 20",
         "met" if lint_s / cat_s <= 20 else "MISSED"),
    ]
    if cj is not None and cj2 is not None:
        rows += [
            ("check-jsonschema, one process per schema (s)", f"{cj:.2f}", "", ""),
            ("check-jsonschema / kcconf lint", f"{cj / lint_s:.2f}", ">= 3",
             "met" if cj / lint_s >= 3 else "MISSED"),
            ("check-jsonschema, 2 processes at a time (s)", f"{cj2:.2f}", "", ""),
            ("  the same / kcconf lint", f"{cj2 / lint_s:.2f}", "", ""),
            ("check-jsonschema serial / kcconf lint -j 1", f"{cj / serial_s:.2f}", "", ""),
        ]
    rows += [
        ("kcconf validate, one file (ms)", f"{kc_start * 1000:.0f}", "", ""),
        ("python -c pass (ms)", f"{bare_start * 1000:.0f}", "", ""),
        ("validate start-up / bare Python", f"{kc_start / bare_start:.2f}", "<= 3",
         "met" if kc_start / bare_start <= 3 else "MISSED"),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'measure':<{width}}{'value':>10}  {'target':<18}")
    for label, value, target, verdict in rows:
        print(f"{label:<{width}}{value:>10}  {target:<18}{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
