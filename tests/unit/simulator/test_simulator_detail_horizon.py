"""Per-id detail routes serve every day the world serves: a job or an orq trace of the partitions' first days.

The world here starts on 2025-01-01 (``AIECON_PARTITIONS_START``) and the clock is the real one, so the
days asked for are more than 400 days old from late 2026 on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pytest
import requests

from simulator import SimulatorServer, World
from simulator.orq.traces import build_index
from simulator.revenium import jobs as jb

from .conftest import KEYS, bearer, revenium_headers

START = date(2025, 1, 1)
OLD_DAY = date(2025, 1, 2)
JOBS = "/profitstream/v2/api/jobs"


@pytest.fixture(scope="module")
def old_world() -> World:
    return World(seed=11, calls_per_day=150, start_day=START)


@pytest.fixture(scope="module")
def old_sim(old_world: World) -> Iterator[SimulatorServer]:
    with SimulatorServer(old_world, KEYS, rate_limits=False) as server:
        yield server


def _job_of_day(world: World, day: date) -> str:
    calls = world.calls(day)
    jobs = jb.jobs_of(calls)
    return next(job_id for job_id, j in jobs.by_id.items() if int(jobs.team[j]) == 0)


def test_a_job_of_the_partitions_first_days_has_its_detail(old_sim, old_world):
    job_id = _job_of_day(old_world, OLD_DAY)
    with requests.Session() as http:

        def get(path: str) -> requests.Response:
            return http.get(
                old_sim.urls["revenium"] + f"{JOBS}/{job_id}{path}",
                params={"teamId": "tmAcme01"},
                headers=revenium_headers(),
                timeout=60,
            )

        detail = get("")
        assert detail.status_code == 200, detail.text
        assert detail.json()["agenticJobId"] == job_id
        assert detail.json()["created"].startswith(OLD_DAY.isoformat())
        roi = get("/roi")
        assert roi.status_code == 200, roi.text
        transactions = get("/transactions")
        assert transactions.status_code == 200 and transactions.json()["totalCount"] > 0
        history = get("/outcome/history")
        assert history.status_code == 200 and isinstance(history.json(), list)
        # a job of a later day, and an unknown id (404, and quick once every day has been looked at)
        assert get("/roi").status_code == 200
        assert (
            http.get(
                old_sim.urls["revenium"] + f"{JOBS}/{_job_of_day(old_world, OLD_DAY + timedelta(days=40))}",
                params={"teamId": "tmAcme01"},
                headers=revenium_headers(),
                timeout=60,
            ).status_code
            == 200
        )
        job_id = "job-" + "0" * 16
        missing = get("")
        assert missing.status_code == 404 and "job not found" in missing.text


def test_an_orq_trace_of_the_partitions_first_days_has_its_spans_without_a_search(old_sim, old_world):
    calls = old_world.calls(OLD_DAY)
    index = build_index(calls)
    trace_id = next(iter(index.by_id))
    with requests.Session() as http:
        r = http.get(
            f"{old_sim.urls['orq']}/v3/traces/{trace_id}/spans", headers=bearer(KEYS.orq), timeout=60
        )
        assert r.status_code == 200, r.text
        t = index.by_id[trace_id]
        assert len(r.json()["data"]) == int(np.sum(calls.in_orq & (calls.trace == t)))
        unknown = http.get(f"{old_sim.urls['orq']}/v3/traces/{'0' * 32}/spans", headers=bearer(KEYS.orq))
        assert unknown.status_code == 404
