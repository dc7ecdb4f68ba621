"""README "Connect your own accounts", its first steps as written: ``cp .env.example .env``, fill in the keys
of the vendors used and ``AIECON_VENDORS``, ``set -a && . ./.env && set +a``, ``aiecon check``.

Run by bash in a clean environment (only PATH and HOME), so nothing reaches ``aiecon check`` but the file: the
example must source without an error, and the filled-in copy must pass. The vendors' URLs point at the
simulator (a user with real accounts leaves them at the defaults). ``aiecon serve``, the last step, is
tests/e2e/test_production_path.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dagster_project.settings import venv_executable
from ingestion.vendors import VENDOR_NAMES, vendor_named

REPO_ROOT = Path(__file__).resolve().parents[2]
USED = tuple(VENDOR_NAMES[::2])  # two of three when there are three: the first and the last


def source_and_check(directory: Path) -> subprocess.CompletedProcess:
    script = 'set -a && . ./.env && set +a && exec "$0" check --timeout 5'
    return subprocess.run(
        ["bash", "-c", script, venv_executable("aiecon")],
        cwd=directory,
        env={"PATH": os.environ["PATH"], "HOME": str(directory)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def filled_in_env(directory: Path, base_url: str, keys: dict[str, str]) -> Path:
    """``.env.example`` copied to ``.env``, each used vendor's key line filled in, the lines a user would
    uncomment appended (later assignments win when the file is sourced)."""
    env = directory / ".env"
    shutil.copy(REPO_ROOT / ".env.example", env)
    text = env.read_text()
    for name in USED:
        variable = vendor_named(name).api_key_env
        assert f"\n{variable}=\n" in text, f"{variable}= is not an empty line of .env.example"
        text = text.replace(f"\n{variable}=\n", f"\n{variable}={keys[name]}\n")
    added = {"AIECON_VENDORS": ",".join(USED), "AIECON_DATA_DIR": str(directory / "data")}
    for name in USED:
        vendor = vendor_named(name)
        added |= {env_name: f"{base_url}{path}" for env_name, path in vendor.simulator_paths.items()}
        added |= vendor.simulator_env
    env.write_text(text + "".join(f"{k}={v}\n" for k, v in added.items()))
    return env


@pytest.fixture
def keys(simulator) -> dict[str, str]:
    return {name: os.environ[vendor_named(name).api_key_env] for name in VENDOR_NAMES}


def test_the_example_file_sources_cleanly_and_check_names_the_missing_keys(tmp_path):
    shutil.copy(REPO_ROOT / ".env.example", tmp_path / ".env")
    result = source_and_check(tmp_path)
    assert "command not found" not in result.stderr and "syntax error" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    for name in VENDOR_NAMES:
        variable = vendor_named(name).api_key_env
        assert any(variable in line for line in result.stdout.splitlines()), (
            f"no line names {variable}:\n{result.stdout}"
        )


def test_filled_in_keys_of_two_vendors_pass_check(tmp_path, simulator, keys):
    filled_in_env(tmp_path, simulator.base_url, keys)
    result = source_and_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    probed = {line.split(":", 1)[0]: line for line in lines if line.split(":", 1)[0] in VENDOR_NAMES}
    assert sorted(probed) == sorted(USED), lines
    assert all(line.startswith(f"{name}: ok (") for name, line in probed.items()), lines
    assert not any(keys[name] in result.stdout + result.stderr for name in USED), "a key was echoed"


def test_a_wrong_key_in_the_file_fails_check_naming_it(tmp_path, simulator, keys):
    wrong = USED[-1]
    filled_in_env(tmp_path, simulator.base_url, {**keys, wrong: "live_0123456789abcdef"})
    result = source_and_check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{wrong}:"))
    assert line.startswith(f"{wrong}: 401 (") and vendor_named(wrong).api_key_env in line, line
