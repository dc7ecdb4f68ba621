"""An older DuckDB client in its own virtual environment, to read what the pipeline publishes as BI tools that
bundle DuckDB 1.x do. Built once per version under the system temp folder and reused by later runs."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

OLD_DUCKDB = "1.1.3"  # the oldest client the serving copy promises to open (publish.SERVING_STORAGE_VERSION)
_REPO_UV = Path(__file__).resolve().parents[2] / ".tools" / "bin" / "uv"


def old_duckdb_python(version: str = OLD_DUCKDB) -> Path:
    """The python of a venv holding duckdb==``version`` and nothing else (installed from PyPI the first time)."""
    venv = Path(tempfile.gettempdir()) / "aiecon-test-cache" / f"duckdb-{version}"
    python = venv / "bin" / "python"
    if python.exists():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = venv.with_name(
        f".{venv.name}-{uuid.uuid4().hex}"
    )  # built aside, renamed: parallel runs race safely
    uv = shutil.which("uv") or (str(_REPO_UV) if _REPO_UV.exists() else None)
    if uv:
        steps = [
            [uv, "venv", "-q", "-p", sys.executable, str(staging)],
            [uv, "pip", "install", "-q", "-p", str(staging / "bin" / "python"), f"duckdb=={version}"],
        ]
    else:
        steps = [
            [sys.executable, "-m", "venv", str(staging)],
            [str(staging / "bin" / "python"), "-m", "pip", "install", "-q", f"duckdb=={version}"],
        ]
    try:
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise RuntimeError(
                    f"could not install duckdb=={version} ({' '.join(step[:3])}): {done.stderr[-2000:]}"
                )
        with contextlib.suppress(OSError):  # another run finished first: use its venv
            os.rename(staging, venv)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return python


def run_old(script: str, *args: str, version: str = OLD_DUCKDB) -> object:
    """Run ``script`` with the old client; it prints one JSON value, returned decoded."""
    done = subprocess.run(
        [str(old_duckdb_python(version)), "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"duckdb {version} failed: {done.stderr[-2000:]}"
    return json.loads(done.stdout)
