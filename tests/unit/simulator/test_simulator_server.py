"""The server: byte-identical answers per seed, the clock, rate limits, faults, control endpoints, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from simulator import FaultRule, SimKeys, SimulatorServer, World
from simulator.revenium.media import media_of
from simulator.server import MissingKeyError

from .conftest import COMPLETIONS, DAY, KEYS, NOW, bearer, frozen_clock, iso, revenium_headers

REPO = Path(__file__).resolve().parents[3]
DAY_PARAMS = {
    "teamId": "tmAcme01",
    "startDate": iso(DAY),
    "endDate": iso(DAY + timedelta(days=1)),
    "size": 100,
}


def one_of_each(sim: SimulatorServer) -> list[bytes]:
    """The same five requests, with the same Host header so HAL links are the same too."""
    host = {"Host": "simulator.test"}
    with requests.Session() as s:
        return [
            s.get(
                sim.urls["revenium"] + COMPLETIONS,
                params={**DAY_PARAMS, "page": 3},
                headers={**revenium_headers(), **host},
            ).content,
            s.get(
                sim.urls["revenium_analytics"] + "/api/v2/analytics/cost-by-provider-aggregated",
                params={"startDate": iso(DAY), "endDate": iso(DAY + timedelta(days=1))},
                headers={**bearer(KEYS.revenium), **host},
            ).content,
            s.post(
                sim.urls["helicone"] + "/v1/request/query-clickhouse",
                json={"filter": "all", "limit": 50, "offset": 20},
                headers={**bearer(KEYS.helicone), **host},
            ).content,
            s.post(
                sim.urls["helicone"] + "/v1/metrics/totalCost",
                json={"filter": "all", "timeFilter": {"start": iso(DAY), "end": iso(NOW)}},
                headers={**bearer(KEYS.helicone), **host},
            ).content,
            s.post(
                sim.urls["orq"] + "/v2/reporting",
                json={
                    "metric": "genai.cost",
                    "from": iso(DAY),
                    "to": iso(NOW),
                    "group_by": ["agent"],
                    "include_totals": True,
                },
                headers={**bearer(KEYS.orq), **host},
            ).content,
        ]


def test_same_seed_gives_byte_identical_responses_different_seed_differs():
    answers = []
    for seed in (42, 42, 43):
        with SimulatorServer(World(seed=seed, calls_per_day=800), KEYS, clock=frozen_clock) as sim:
            answers.append(one_of_each(sim))
    assert answers[0] == answers[1]
    assert all(json.loads(a) for a in answers[0])
    assert all(a != b for a, b in zip(answers[0], answers[2], strict=True))


def test_clock_hides_future_calls(http, world):
    noon = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    cutoff = int(noon.timestamp() * 1000)
    calls = world.calls(DAY)
    visible = [i for i in range(calls.n) if calls.request_ms[i] <= cutoff]
    with SimulatorServer(world, KEYS, rate_limits=False, clock=lambda: noon) as sim:
        body = http.get(
            sim.urls["revenium"] + COMPLETIONS,
            params={**DAY_PARAMS, "sort": "timestamp,desc"},
            headers=revenium_headers(),
        ).json()
        assert body["page"]["totalElements"] == len(visible) < calls.n
        newest = body["_embedded"]["aICompletionMetricResourceList"][0]["requestTime"]
        assert newest <= iso(noon)
        later = {
            **DAY_PARAMS,
            "startDate": iso(DAY + timedelta(days=1)),
            "endDate": iso(DAY + timedelta(days=2)),
        }
        body = http.get(sim.urls["revenium"] + COMPLETIONS, params=later, headers=revenium_headers()).json()
        assert body["page"]["totalElements"] == 0 and "_embedded" not in body
        analytics = http.get(
            sim.urls["revenium_analytics"] + "/api/v2/analytics/cost-by-provider-aggregated",
            params={"startDate": iso(DAY), "endDate": iso(DAY + timedelta(days=1))},
            headers=bearer(KEYS.revenium),
        ).json()
        total = sum(i["metrics"][0]["metricResult"] for i in analytics["_embedded"]["items"])
        # Revenium's figure covers its audio, image and video calls too (those requested by the clock).
        media = media_of(calls)
        media_visible = sum(int(c) for c, t in zip(media.cost, media.request_ms, strict=True) if t <= cutoff)
        expected = (sum(int(calls.total_cost[i]) for i in visible) + media_visible) / 1e9
        assert total == pytest.approx(expected, abs=1e-9)
        rows = http.post(
            sim.urls["helicone"] + "/v1/request/query-clickhouse",
            json={"filter": "all", "limit": 1},
            headers=bearer(KEYS.helicone),
        ).json()["data"]
        assert rows[0]["request_created_at"] <= iso(noon)


def test_rate_limits_answer_429_with_retry_after(world):
    with (
        SimulatorServer(world, KEYS, rate_limit_scale=0.01, clock=frozen_clock) as sim,
        requests.Session() as s,
    ):
        answers = [
            s.get(sim.urls["revenium"] + COMPLETIONS, params=DAY_PARAMS, headers=revenium_headers())
            for _ in range(5)
        ]
        ok = [r for r in answers if r.status_code == 200]
        limited = [r for r in answers if r.status_code == 429]
        assert ok and len(limited) >= 3
        for r in answers:
            assert r.headers["X-RateLimit-Bucket"] == "analytics" and r.headers["X-RateLimit-Limit"] == "1"
            assert int(r.headers["X-RateLimit-Remaining"]) >= 0 and int(r.headers["X-RateLimit-Reset"]) > 0
        r = limited[0]
        assert r.json() == {"error": "Rate limit exceeded"}
        assert int(r.headers["Retry-After"]) >= 1 and r.headers["X-RateLimit-Limited-Reason"] == "bucket-rate"

        hel = [
            s.post(
                sim.urls["helicone"] + "/v1/request/query-clickhouse",
                json={"filter": "all", "limit": 1},
                headers=bearer(KEYS.helicone),
            )
            for _ in range(5)
        ]
        limited = [r for r in hel if r.status_code == 429]
        assert len(limited) >= 1
        assert limited[0].json() == {"error": "Too many requests, please try again later."}
        assert int(limited[0].headers["Retry-After"]) >= 1 and limited[0].headers["RateLimit-Limit"] == "2"


def test_fault_rule_fails_times_then_recovers(sim, http):
    sim.add_fault(FaultRule("revenium", path_contains="/completions", status=503, retry_after=2, times=2))
    try:
        statuses = []
        for _ in range(3):
            r = http.get(sim.urls["revenium"] + COMPLETIONS, params=DAY_PARAMS, headers=revenium_headers())
            statuses.append(r.status_code)
            if r.status_code == 503:
                assert r.headers["Retry-After"] == "2" and "error" in r.json()
        assert statuses == [503, 503, 200]
        # other vendors are untouched by a revenium rule
        sim.add_fault(FaultRule("helicone", status=500, times=1))
        r = http.get(sim.urls["revenium"] + COMPLETIONS, params=DAY_PARAMS, headers=revenium_headers())
        assert r.status_code == 200
        r = http.post(
            sim.urls["helicone"] + "/v1/request/query-clickhouse",
            json={"filter": "all"},
            headers=bearer(KEYS.helicone),
        )
        assert r.status_code == 500 and r.json()["data"] is None
    finally:
        sim.clear_faults()


def test_control_endpoint_truncate_and_delay(sim, http):
    try:
        rules = [
            {"vendor": "orq", "truncate": True, "times": 1},
            {"vendor": "helicone", "path_contains": "totalCost", "delay_s": 0.3, "times": 1},
        ]
        r = http.post(sim.base_url + "/_sim/faults", json=rules)
        assert r.status_code == 200 and len(r.json()["faults"]) == 2
        body = {"metric": "genai.cost", "from": iso(DAY), "to": iso(NOW)}
        cut = http.post(sim.urls["orq"] + "/v2/reporting", json=body, headers=bearer(KEYS.orq))
        assert cut.status_code == 200
        with pytest.raises(ValueError):
            json.loads(cut.content)
        assert (
            http.post(sim.urls["orq"] + "/v2/reporting", json=body, headers=bearer(KEYS.orq)).json()["object"]
            == "report"
        )
        started = time.monotonic()
        r = http.post(
            sim.urls["helicone"] + "/v1/metrics/totalCost",
            json={"filter": "all", "timeFilter": {"start": iso(DAY), "end": iso(NOW)}},
            headers=bearer(KEYS.helicone),
        )
        assert r.status_code == 200 and time.monotonic() - started >= 0.3
        http.post(sim.base_url + "/_sim/faults", json=[{"vendor": "*", "status": 502, "times": 5}])
        assert http.delete(sim.base_url + "/_sim/faults").json() == {"faults": []}
        assert http.get(sim.base_url + "/_sim/faults").json() == {"faults": []}
        assert (
            http.post(sim.base_url + "/_sim/faults", json=[{"vendor": "nope", "status": 500}]).status_code
            == 400
        )
        assert (
            http.post(sim.base_url + "/_sim/faults", json=[{"vendor": "orq", "colour": "red"}]).status_code
            == 400
        )
    finally:
        sim.clear_faults()


def test_health_urls_and_unknown_paths(sim, http):
    assert http.get(sim.base_url + "/_sim/health").json() == {"status": "ok"}
    assert sim.urls["revenium_analytics"] == sim.base_url + "/revenium-app"
    assert sim.base_url.startswith("http://127.0.0.1:")
    assert http.get(sim.base_url + "/nowhere").status_code == 404
    r = http.get(
        sim.urls["revenium"] + "/profitstream/v2/api/unknown",
        params={"teamId": "tmAcme01"},
        headers=revenium_headers(),
    )
    assert r.status_code == 404


def test_keys_come_from_the_environment():
    env = {"REVENIUM_API_KEY": "a", "HELICONE_API_KEY": "b", "ORQ_API_KEY": "c"}
    assert SimKeys.from_env(env) == SimKeys("a", "b", "c")
    assert "a" not in repr(SimKeys.from_env(env))
    with pytest.raises(MissingKeyError, match="ORQ_API_KEY"):
        SimKeys.from_env({"REVENIUM_API_KEY": "a", "HELICONE_API_KEY": "b"})


def test_cli_serves_until_terminated(tmp_path):
    port_file = tmp_path / "url"
    env = {**os.environ, "REVENIUM_API_KEY": "k1", "HELICONE_API_KEY": "k2", "ORQ_API_KEY": "k3"}
    cmd = [
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--calls-per-day",
        "300",
        "--port-file",
        str(port_file),
    ]
    process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        base = port_file.read_text().strip()
        assert process.stdout.readline().strip() == base
        assert requests.get(base + "/_sim/health", timeout=5).json() == {"status": "ok"}
        r = requests.get(
            base + "/revenium" + COMPLETIONS,
            params={"teamId": "tmAcme01"},
            headers={"x-api-key": "k1"},
            timeout=10,
        )
        assert r.status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    missing = {k: v for k, v in env.items() if k != "ORQ_API_KEY"}
    result = subprocess.run(cmd, cwd=REPO, env=missing, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "ORQ_API_KEY" in result.stderr
