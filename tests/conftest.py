"""Shared fixtures: a simulator on 127.0.0.1 with fresh keys, and a throw-away warehouse per test."""

import os
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# Retries in tests should not take the production backoff's minutes.
os.environ.setdefault("AIECON_HTTP_BACKOFF_BASE_S", "0.05")
os.environ.setdefault("AIECON_HTTP_BACKOFF_MAX_S", "2")

# Two ordinary past weekdays; the simulator's world is deterministic for any past day.
DAY_1 = date(2026, 3, 3)
DAY_2 = date(2026, 3, 4)
SIM_SEED = 7
SIM_CALLS_PER_DAY = 1500


@pytest.fixture(scope="session")
def sim_keys():
    from simulator.server import SimKeys

    keys = SimKeys(*(f"test-{secrets.token_urlsafe(12)}" for _ in range(3)))
    os.environ.update(
        {"REVENIUM_API_KEY": keys.revenium, "HELICONE_API_KEY": keys.helicone, "ORQ_API_KEY": keys.orq}
    )
    return keys


@pytest.fixture(scope="session")
def world():
    from simulator.world import World

    return World(seed=SIM_SEED, calls_per_day=SIM_CALLS_PER_DAY)


@pytest.fixture(scope="session")
def simulator(world, sim_keys) -> Iterator:
    from dagster_project.local_stack import point_vendors_at
    from simulator.server import SimulatorServer

    with SimulatorServer(world, sim_keys) as sim:
        point_vendors_at(sim.base_url)
        yield sim


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIECON_WAREHOUSE", str(path))
    return path
