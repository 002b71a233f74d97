"""The install paths and recipes the docs give work as written: from a clone, from a
built wheel, with pipx, as a pre-commit hook (both recipes) and in a CI job.

Each test runs the docs' own code blocks, taken from the .rst files, in a copy of the
checkout, so a docs change that breaks a step fails here. They install packages from the
index once, then from a local wheel folder, and take some seconds each (``-m "not install"``
leaves them out while working on something else).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.install
DOCS = ROOT / "docs"
WHEEL = "kcconf-0.1.0-py3-none-any.whl"
WARNED = "audit_log_enabled = off\n"
"""A file the service starts with but misreads: a warning (KC302), not an error."""


def code_blocks(rst: Path, section: str) -> list[str]:
    """The code blocks of one section of an .rst file, dedented, in order."""
    text = rst.read_text(encoding="utf-8")
    start = text.index(f"\n{section}\n") + 1
    following = re.search(r"\n\S[^\n]*\n[-=~]{3,}\n", text[start + len(section) + 1:])
    body = text[start:start + len(section) + 1 + following.start()] if following else text[start:]
    blocks = []
    for match in re.finditer(r"\.\. code-block:: \w+\n\n((?:   [^\n]*\n|\n)+)", body):
        lines = match.group(1).rstrip("\n").splitlines()
        blocks.append("\n".join(line[3:] for line in lines) + "\n")
    return blocks


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the working tree (uncommitted changes included), committed once."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    target = tmp_path_factory.mktemp("clone") / "kcconf"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return target


@pytest.fixture(scope="module")
def wheelhouse(clone, tmp_path_factory) -> Path:
    """kcconf, its dependencies and its build backend as wheels, fetched once: the docs'
    commands then install from here (PIP_NO_INDEX) in a second, not from the index."""
    house = tmp_path_factory.mktemp("wheelhouse")
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    for command in (["wheel", "-w", str(house), str(clone)],
                    ["download", "-d", str(house), "hatchling", "pip", "setuptools", "wheel"]):
        result = subprocess.run([*pip, *command], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
    # the docs' own steps build and install kcconf; tests that need a built one take it here
    (house / WHEEL).rename(house.parent / WHEEL)
    return house


def tool_dir(tmp: Path, *names: str) -> Path:
    """A bin folder with only the named tools of the test environment (pipx, pre-commit)."""
    folder = tmp / "tools"
    folder.mkdir(exist_ok=True)
    for name in names:
        found = Path(sys.executable).parent / name
        if not found.is_file():
            pytest.skip(f"{name} is not installed (a test extra)")
        (folder / name).symlink_to(found)
    return folder


def sh(script: str, cwd: Path, env: dict[str, str], check: bool = True
       ) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, (script, result.stdout[-2000:], result.stderr[-2000:])
    return result


def base_env(tmp: Path, house: Path, *path: Path) -> dict[str, str]:
    system = [p for p in os.environ.get("PATH", "").split(os.pathsep)
              if Path(p).resolve() != Path(sys.executable).parent.resolve()]
    return {"HOME": str(tmp / "home"), "PATH": os.pathsep.join([*map(str, path), *system]),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1", "LANG": "C.UTF-8",
            "PIPX_HOME": str(tmp / "pipx"), "PIPX_BIN_DIR": str(tmp / "pipx-bin"),
            "PRE_COMMIT_HOME": str(tmp / "pre-commit"),
            "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(house),
            **{k: v for k, v in os.environ.items() if k.startswith("GIT_")}}


def test_install_paths_in_getting_started_run_as_written(clone, wheelhouse, tmp_path):
    """From the clone, the wheel into a venv, the wheel with pipx: every block, in order."""
    blocks = code_blocks(DOCS / "getting-started.rst", "Installing")
    assert len(blocks) == 4 and all("pip install kcconf" not in b for b in blocks)
    assert "pipx install" in blocks[3]
    (tmp_path / "home").mkdir()
    env = base_env(tmp_path, wheelhouse, tmp_path / "pipx-bin", tool_dir(tmp_path, "pipx"))
    for block in blocks:
        sh(block, clone, env)
    assert (clone / "dist" / WHEEL).is_file()
    # pipx's command is the one on PATH, not the clone's environment
    found = sh("command -v kcconf", clone, env).stdout.strip()
    assert found == str(tmp_path / "pipx-bin" / "kcconf")
    # the wheel installed outside the clone knows its schemas and writes an annotated file
    out = sh("~/kcconf/bin/kcconf defaults spooler | head -3", tmp_path, env).stdout
    assert out.startswith("#")


def test_ci_jobs_install_commands_run_as_written(clone, wheelhouse, tmp_path):
    """The run:/script: lines of the GitHub Actions and GitLab examples, in a repository
    that keeps the wheel where the docs say."""
    commands = []
    step = re.compile(r"^\s*(?:- )?(?:run: )?((?:pip|kcconf) .*)$", re.M)
    for section in ("GitHub Actions", "GitLab CI"):
        for block in code_blocks(DOCS / "ci.rst", section):
            commands += [m.group(1) for m in step.finditer(block)]
    assert any(c.startswith("pip install ./ci/") for c in commands)
    assert all("pip install kcconf" not in c for c in commands)
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    (repo / "server.cfg").write_text("log_level = 4\n")
    (tmp_path / "home").mkdir()
    env = base_env(tmp_path, wheelhouse, tmp_path / "venv" / "bin")
    shutil.copy(wheelhouse.parent / WHEEL, repo / "ci" / WHEEL)
    sh(f"python3 -m venv {tmp_path / 'venv'}", repo, env)
    for command in commands:
        sh(command, repo, env)
    assert (repo / "kcconf.sarif").stat().st_size > 0
    assert (repo / "kcconf-junit.xml").read_text().startswith("<?xml")
    found = sh("command -v kcconf", repo, env).stdout.strip()
    assert found == str(tmp_path / "venv" / "bin" / "kcconf")


def pre_commit_repo(tmp_path: Path, config: str) -> Path:
    repo = tmp_path / "configs"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "server.cfg").write_text(WARNED)
    (repo / ".pre-commit-config.yaml").write_text(config)
    git("add", "-A", cwd=repo)
    return repo


def test_pre_commit_shipped_hook_fails_on_a_warning(clone, wheelhouse, tmp_path):
    """The second recipe, with the clone's path and commit put in, as the docs say."""
    local, shipped = code_blocks(DOCS / "ci.rst", "pre-commit")
    assert "repo: local" in local and "language: system" in local
    config = (shipped.replace("/opt/kcconf", str(clone))
              .replace("0123456789abcdef0123456789abcdef01234567", git("rev-parse", "HEAD",
                                                                         cwd=clone)))
    repo = pre_commit_repo(tmp_path, config)
    (tmp_path / "home").mkdir()
    env = base_env(tmp_path, wheelhouse, tool_dir(tmp_path, "pre-commit"))
    result = sh("pre-commit run --all-files", repo, env, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "server.cfg:1:21: warning: audit_log_enabled" in result.stdout
    assert "[KC302]" in result.stdout
    # relaxed as documented: the hook's own args replace the shipped --fail-on warning
    relaxed = re.sub(r"^( *)- id: kcconf$", r"\g<0>\n\1  args: [--fail-on, error]", config,
                     flags=re.M)
    assert relaxed != config
    (repo / ".pre-commit-config.yaml").write_text(relaxed)
    result = sh("pre-commit run --all-files", repo, env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_local_hook_recipe(wheelhouse, tmp_path):
    """The first recipe: kcconf installed on the machine (here: the test environment)."""
    local, _shipped = code_blocks(DOCS / "ci.rst", "pre-commit")
    repo = pre_commit_repo(tmp_path, local)
    (tmp_path / "home").mkdir()
    bin_dir = tool_dir(tmp_path, "pre-commit", "kcconf")
    env = base_env(tmp_path, wheelhouse, bin_dir)
    result = sh("pre-commit run --all-files", repo, env, check=False)
    assert result.returncode == 1 and "[KC302]" in result.stdout, result.stdout
    (repo / "server.cfg").write_text("audit_log_enabled = no\n")
    result = sh("pre-commit run --all-files", repo, env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_placeholder_links_anywhere():
    """No example.invalid in what ships: docs, package metadata, program output."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    offenders = [name for name in listed if not name.startswith("tests/")
                 and (ROOT / name).is_file()
                 and b"example.invalid" in (ROOT / name).read_bytes()]
    assert offenders == []


def test_generate_check_after_a_non_editable_install(clone, wheelhouse, tmp_path):
    """The README's first set-up installs a copy; generate --check then uses the checkout
    the current folder is in, not the installed package's folder."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(target), str(wheelhouse.parent / WHEEL)], check=True,
                   capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}

    def generate(cwd: Path) -> subprocess.CompletedProcess:
        # -P: the current folder (a checkout with its own kcconf/) is not put on sys.path
        code = ("import sys, kcconf, kcconf.cli; print(kcconf.__file__, file=sys.stderr);"
                " sys.exit(kcconf.cli.main(['generate', '--check']))")
        return subprocess.run([sys.executable, "-P", "-c", code], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)

    for folder in (clone, clone / "docs" / "commands"):
        result = generate(folder)
        assert result.stderr.startswith(str(target)), result.stderr
        assert result.returncode == 0, result.stdout + result.stderr
    result = generate(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[1:] == [
        f"kcconf: {tmp_path}: not inside a kcconf checkout (no schemas/ and pyproject.toml"
        " here or above); run it in one or give one with --root"]
