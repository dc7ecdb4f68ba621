"""The local stack the demo and the UI run against: simulator, Dagster home and vendor settings.

Vendor keys for the simulator are minted fresh for each start and handed to both sides through the
environment; they are never written to disk.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from dagster_project.child_processes import die_with_parent
from dagster_project.settings import data_dir, warehouse_path
from ingestion.vendors import VENDORS

INSTANCE_TEMPLATE = Path(__file__).parent / "instance" / "dagster.yaml"


def prepare_dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    instance = home / "dagster.yaml"
    # A file this project wrote earlier (its first line is the template's) is refreshed, so a home made by an
    # older version gets new instance settings; a file the operator wrote is left alone.
    template = INSTANCE_TEMPLATE.read_text()
    if not instance.exists() or instance.read_text().splitlines()[:1] == template.splitlines()[:1]:
        instance.write_text(template)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def simulator_settings(base_url: str) -> dict[str, str]:
    """Every vendor's settings for a simulator at ``base_url``: its hosts' URLs and other simulator settings."""
    settings: dict[str, str] = {}
    for vendor in VENDORS:
        settings.update({env: f"{base_url}{path}" for env, path in vendor.simulator_paths.items()})
        settings.update(vendor.simulator_env)
    return settings


def point_vendors_at(base_url: str) -> None:
    """Configure every vendor's source for a simulator at ``base_url`` (keys must already be in the env)."""
    os.environ.update(simulator_settings(base_url))


def _wait_for_port_file(path: Path, process: subprocess.Popen, timeout_s: float = 60.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the simulator exited with code {process.returncode} before it listened")
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.1)
    raise RuntimeError(f"the simulator did not start listening within {timeout_s:.0f}s")


@contextmanager
def simulator(seed: int = 42, calls_per_day: int = 20_000, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Start the vendor simulator on a free loopback port in a child process; yield its base URL."""
    for vendor in VENDORS:
        os.environ[vendor.api_key_env] = f"sim-{secrets.token_urlsafe(16)}"
    with tempfile.TemporaryDirectory(prefix="aiecon-sim-") as tmp:
        port_file = Path(tmp) / "base_url"
        command = [
            sys.executable,
            "-m",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--calls-per-day",
            str(calls_per_day),
            "--port-file",
            str(port_file),
            *extra_args,
        ]
        # The simulator dies with this process, even on kill -9 (dagster_project/child_processes.py).
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, preexec_fn=die_with_parent())
        try:
            base_url = _wait_for_port_file(port_file, process)
            requests.get(f"{base_url}/_sim/health", timeout=10).raise_for_status()
            point_vendors_at(base_url)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def ensure_data_dir() -> Path:
    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["AIECON_WAREHOUSE"] = str(path)
    return path
