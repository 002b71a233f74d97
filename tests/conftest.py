"""Shared fixtures. Facts from ../shared are optional: tests that need them skip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Not KCCONF_*: that prefix belongs to `kcconf env`, which would read it as an option.
SHARED = Path(os.environ.get("KCCONFTEST_SHARED", ROOT.parent / "shared"))
REFERENCE = SHARED / "reference" / "kopano-options.json"
SHIPPED = SHARED / "reference" / "shipped"

# Variables `kcconf env` acts on; a developer's own must not leak into the tests.
ENV_COMMAND_PREFIXES = ("KCCONF_", "KCCOMMENT_", "KCUNCOMMENT_")

needs_shared = pytest.mark.skipif(
    not REFERENCE.is_file(),
    reason="../shared/reference is absent: these tests compare with Kopano's extracted"
           " option tables and shipped configs, which only CI and developers have")


@pytest.fixture(scope="session")
def reference() -> dict:
    if not REFERENCE.is_file():
        pytest.skip("../shared/reference/kopano-options.json is absent")
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def run_kcconf(*args: str, stdin: bytes | None = None, env: dict | None = None,
               cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the installed command as a user would, capturing bytes."""
    full_env = {name: value for name, value in os.environ.items()
                if name != "NO_COLOR" and not name.startswith(ENV_COMMAND_PREFIXES)}
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "kcconf", *args], input=stdin,
                          capture_output=True, env=full_env, cwd=cwd, timeout=timeout,
                          check=False)


@pytest.fixture
def write(tmp_path: Path):
    """write(name, bytes_or_text) -> path of a file in a fresh directory."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return _write
