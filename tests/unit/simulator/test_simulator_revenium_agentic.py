"""Revenium's agentic, media and analytics faces of the simulator: shapes, parameters and error bodies."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from simulator import catalogue as cat

from .conftest import DAY, KEYS, bearer, iso, revenium_headers

API = "/profitstream/v2/api"


def get(http, sim, path, **params):
    params.setdefault("teamId", "tmAcme01")
    return http.get(sim.urls["revenium"] + API + path, params=params, headers=revenium_headers())


def day_params(**extra):
    return {"startDate": iso(DAY), "endDate": iso(DAY + timedelta(days=1)), **extra}


def test_squad_lists_are_bare_arrays_and_take_a_period(http, sim, world):
    squads = get(http, sim, "/squads", period="THIRTY_DAYS").json()
    assert isinstance(squads, list) and squads
    assert {s["resourceType"] for s in squads} == {"squadExecution"}
    # newest first, all inside the 30 days before the frozen clock (2024-03-10 12:00)
    starts = [s["startTime"] for s in squads]
    assert starts == sorted(starts, reverse=True) and starts[-1] >= "2024-02-09T12:00:00.000Z"
    week = get(http, sim, "/squads", period="SEVEN_DAYS").json()
    assert 0 < len(week) < len(squads)
    entities = get(http, sim, "/squads/entities").json()  # default period THIRTY_DAYS
    assert sorted(e["label"] for e in entities) == sorted(cat.SQUADS)
    assert sum(e["executionCount"] for e in entities) == len(squads)
    bad = get(http, sim, "/squads", period="FORTNIGHT")
    assert bad.status_code == 400 and "Invalid period" in bad.json()["details"]["error"]


def test_squad_detail_and_timeline_count_the_same_calls(http, sim, world):
    calls = world.calls(DAY)
    rows = [i for i in range(calls.n) if calls.squad_id_str(i)]
    squad_id = calls.squad_id_str(rows[0])
    in_run = [i for i in rows if calls.squad_id_str(i) == squad_id]
    detail = get(http, sim, f"/squads/{squad_id}").json()
    timeline = get(http, sim, f"/squads/{squad_id}/timeline").json()
    assert detail["resourceType"] == "squad.detail" and detail["transactionCount"] == len(in_run)
    assert detail["errorCount"] == int(calls.is_error[in_run].sum())
    assert "_embedded" not in timeline and len(timeline["events"]) == len(in_run)
    assert {e["id"] for e in timeline["events"]} == {calls.transaction_id_str(i) for i in in_run}
    missing = get(http, sim, "/squads/squad-nobody-2024030512")
    assert missing.status_code == 404 and missing.json() == {
        "details": {"error": "squad not found: squad-nobody-2024030512"}
    }


def test_jobs_types_funnel_and_per_job_shapes(http, sim, world):
    calls = world.calls(DAY)
    assert get(http, sim, "/jobs/types").json() == list(cat.JOB_TYPES)  # a bare array of 6 strings
    jobs = get(http, sim, "/jobs", **day_params(size=100, sort="created,asc")).json()
    n_jobs = len(np.unique(calls.trace[calls.trace_job_type[calls.trace] >= 0]))
    assert jobs["page"]["totalElements"] == n_jobs
    job = jobs["_embedded"]["jobResourceList"][0]
    job_id = job["agenticJobId"]
    transactions = get(http, sim, f"/jobs/{job_id}/transactions").json()
    assert set(transactions) == {"transactions", "totalCount"}  # not HAL
    assert transactions["totalCount"] == sum(calls.job_id_str(i) == job_id for i in range(calls.n))
    history = get(http, sim, f"/jobs/{job_id}/outcome/history").json()
    assert isinstance(history, list) and len(history) == (
        job["outcomeAmendmentCount"] + 1 if job["hasOutcome"] else 0
    )
    funnel = get(http, sim, "/jobs/conversion-funnel", **day_params()).json()
    assert funnel["totalJobs"] == n_jobs
    bad = get(http, sim, "/jobs", **day_params(executionStatus="maybe"))
    assert bad.status_code == 400 and "io.hypercurrent" in bad.json()["details"]["error"]
    pending = get(http, sim, "/jobs", **day_params(outcomeType="PENDING", size=100)).json()
    assert all(not j["hasOutcome"] for j in pending["_embedded"]["jobResourceList"])


def test_ai_list_is_every_modality_and_filters_by_metric_type(http, sim, world):
    from simulator.revenium.media import MEDIA_MODELS, media_of

    m = media_of(world.calls(DAY))
    per_type = {
        k: sum(MEDIA_MODELS[int(x)].modality == k for x in m.model) for k in ("AUDIO", "IMAGE", "VIDEO")
    }
    total = get(http, sim, "/sources/metrics/ai", **day_params()).json()["page"]["totalElements"]
    assert total == world.calls(DAY).n + sum(per_type.values())
    for kind, count in per_type.items():
        body = get(http, sim, "/sources/metrics/ai", **day_params(metricType=kind.lower())).json()
        assert body["page"]["totalElements"] == count
    assert get(http, sim, "/sources/metrics/ai", **day_params(metricType="SMELL")).status_code == 400


def test_analytics_extras_use_the_documented_envelopes(http, sim):
    base = sim.urls["revenium_analytics"] + "/api/v2/analytics/"
    params = {"startDate": iso(DAY), "endDate": iso(DAY + timedelta(days=1))}
    scatter = http.get(base + "trace-cost-distribution", params=params, headers=bearer(KEYS.revenium)).json()
    assert scatter["resourceType"] == "scatter_chart" and "_embedded" not in scatter and scatter["dataPoints"]
    margin = http.get(
        base + "profit-margin-per-customer", params=params, headers=bearer(KEYS.revenium)
    ).json()
    assert margin["resourceType"] == "metric_aggregated"
    labels = {m["label"]: m["metricType"] for m in margin["_embedded"]["items"][0]["metrics"]}
    assert labels == {"margin": "PERCENTAGE", "revenue": "MONEY", "cost": "MONEY"}
    roi = http.get(base + "jobs/roi-summary", params=params, headers=bearer(KEYS.revenium)).json()
    assert roi["resourceType"] == "JobTypeRoiSummary"
    assert roi["summary"]["totalJobs"] == sum(b["totalJobs"] for b in roi["byJobType"])


# -- the remaining analytics endpoints, each against the world's calls and tool events ---------------------
def analytics(http, sim, name, start=DAY, days=1, **extra):
    params = {"startDate": iso(start), "endDate": iso(start + timedelta(days=days)), **extra}
    return http.get(
        sim.urls["revenium_analytics"] + "/api/v2/analytics/" + name,
        params=params,
        headers=bearer(KEYS.revenium),
    )


def by_group(body, label):
    return {
        i["groupName"]: m["metricResult"]
        for i in body["_embedded"]["items"]
        for m in i["metrics"]
        if m["label"] == label
    }


def series(body, label):
    """{(bucket start, group): figure} of a family-A body."""
    return {
        (b["startTimestamp"], g["groupName"]): m["metricResult"]
        for b in body["_embedded"]["items"]
        for g in b["groups"]
        for m in g["metrics"]
        if m["label"] == label
    }


def world_cost(world, day, key):
    """nano-USD per group over the day's completions and media calls; key(calls, rows) -> names."""
    from simulator.revenium.media import MEDIA_MODELS, media_of

    c = world.calls(day)
    out: dict[str, int] = {}
    for name, cost in zip(key(c, np.arange(c.n), None), c.total_cost.tolist(), strict=True):
        out[name] = out.get(name, 0) + cost
    m = media_of(c)
    for name, cost in zip(key(c, m.parent, [MEDIA_MODELS[k] for k in m.model]), m.cost.tolist(), strict=True):
        out[name] = out.get(name, 0) + cost
    return out


def test_top_movers_compare_a_period_with_the_one_before(http, sim, world):
    from simulator.prices import MODELS

    def model(c, rows, media_models):
        return (
            [mm.name for mm in media_models]
            if media_models is not None
            else [MODELS[k].name for k in c.model[rows]]
        )

    now, before = world_cost(world, DAY, model), world_cost(world, DAY - timedelta(days=1), model)
    body = analytics(http, sim, "top-movers", groupBy="model", size=100).json()
    assert body["resourceType"] == "metric_aggregated"
    items = body["_embedded"]["items"]
    assert {i["groupName"] for i in items} == now.keys() | before.keys()
    for item in items:
        (m,) = item["metrics"]
        k = item["groupName"]
        assert m["currentValue"] == pytest.approx(now.get(k, 0) / 1e9, abs=1e-9)
        assert m["previousValue"] == pytest.approx(before.get(k, 0) / 1e9, abs=1e-9)
        assert m["metricResult"] == pytest.approx(m["currentValue"] - m["previousValue"], abs=1e-9)
        assert m["trend"] == ("UP" if now.get(k, 0) >= before.get(k, 0) else "DOWN")
    changes = [abs(i["metrics"][0]["metricResult"]) for i in items]
    assert changes == sorted(changes, reverse=True)
    agents = by_group(analytics(http, sim, "top-movers", groupBy="agent", size=100).json(), "costChange")
    assert set(agents) <= {a.name for a in cat.AGENTS}
    assert analytics(http, sim, "top-movers", groupBy="planet").status_code == 400


def test_tokens_per_minute_are_tokens_over_the_bucket_minutes(http, sim, world):
    from simulator.prices import PROVIDERS

    c = world.calls(DAY)
    hour = c.request_ms // 3_600_000
    body = analytics(http, sim, "tokens-per-minute", tokenType="TOTAL").json()
    assert len(body["_embedded"]["items"]) == 24
    got = {
        (int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()) // 3600, g): v
        for (s, g), v in series(body, "tokensPerMinute").items()
    }
    expected: dict[tuple[int, str], int] = {}
    tokens = (c.input_tokens + c.output_tokens).tolist()
    for h, p, t in zip(hour.tolist(), c.provider.tolist(), tokens, strict=True):
        expected[(h, PROVIDERS[p].name)] = expected.get((h, PROVIDERS[p].name), 0) + t
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(expected[k] / 60, abs=1e-5) for k in got)  # an hour is 60 minutes
    metric = body["_embedded"]["items"][0]["groups"][0]["metrics"][0]
    assert metric["tokenType"] == "TOTAL"
    assert analytics(http, sim, "tokens-per-minute", tokenType="SMELLS").status_code == 400


def test_tool_cost_and_token_vs_tool_cost_follow_the_tool_events(http, sim, world):
    from simulator.revenium import agentic as ag
    from simulator.revenium.media import media_of

    c = world.calls(DAY)
    ev = ag.tool_events_of(c)
    per_tool: dict[str, float] = {}
    per_provider: dict[str, float] = {}
    for t in ev.tool.tolist():
        tool = ag.TOOLS[t]
        per_tool[tool.tool_id] = per_tool.get(tool.tool_id, 0) + tool.cost_nanos / 1e9
        per_provider[tool.provider] = per_provider.get(tool.provider, 0) + tool.cost_nanos / 1e9
    for name, expected in (
        ("cost-by-tool-aggregated", per_tool),
        ("cost-by-tool-provider-aggregated", per_provider),
    ):
        got = by_group(analytics(http, sim, name, size=100).json(), "cost")
        assert got.keys() == expected.keys() and all(
            got[k] == pytest.approx(v, abs=1e-9) for k, v in expected.items()
        )
    for name, expected in (("cost-by-tool", per_tool), ("cost-by-tool-provider", per_provider)):
        summed: dict[str, float] = {}
        for (_, group), v in series(analytics(http, sim, name).json(), "cost").items():
            summed[group] = summed.get(group, 0) + v
        assert summed.keys() == expected.keys() and all(
            summed[k] == pytest.approx(v, abs=1e-9) for k, v in expected.items()
        )
    split: dict[str, float] = {}
    for (_, group), v in series(analytics(http, sim, "token-vs-tool-cost").json(), "cost").items():
        split[group] = split.get(group, 0) + v
    tokens = (int(c.total_cost.sum()) + int(media_of(c).cost.sum())) / 1e9
    assert split == pytest.approx({"Token Costs": tokens, "Tool Costs": sum(per_tool.values())}, abs=1e-6)


def test_task_endpoints_count_traces_by_root_agent(http, sim, world):
    c = world.calls(DAY)
    roots = np.flatnonzero(c.pos == 0)  # a task is a trace: its root call says whose it is and how it ended
    tasks: dict[str, list[int]] = {}
    for r in roots.tolist():
        k = tasks.setdefault(cat.AGENTS[c.agent[r]].name, [0, 0])
        k[0] += 1
        k[1] += not bool(c.is_error[r])
    done = {a: v[1] for a, v in tasks.items()}
    assert (
        by_group(analytics(http, sim, "tasks-completed-by-agent", size=100).json(), "completedTasks") == done
    )
    assert by_group(analytics(http, sim, "task-completion-aggregated").json(), "completedTasks") == {
        "total": sum(done.values())
    }
    perf = analytics(http, sim, "task-performance-by-agent", size=100).json()
    assert by_group(perf, "totalTasks") == {a: v[0] for a, v in tasks.items()}
    rate = by_group(perf, "successRate")
    assert all(rate[a] == pytest.approx(v[1] / v[0] * 100, abs=1e-3) for a, v in tasks.items())
    summed: dict[str, int] = {}
    for (_, agent), v in series(analytics(http, sim, "task-completion").json(), "completedTasks").items():
        summed[agent] = summed.get(agent, 0) + v
    assert {a: n for a, n in summed.items() if n} == {a: n for a, n in done.items() if n}


def test_avg_time_vendor_and_team_figures(http, sim, world):
    from simulator.prices import PROVIDERS

    c = world.calls(DAY)
    avg = by_group(analytics(http, sim, "avg-time-by-agent", size=100).json(), "avgTime")
    for a, agent in enumerate(cat.AGENTS):
        sel = c.agent == a
        if sel.any():
            assert avg[agent.name] == pytest.approx(c.duration_ms[sel].mean() / 1000, abs=1e-5)  # seconds
    vendor = by_group(analytics(http, sim, "cost-by-vendor", size=100).json(), "cost")
    provider = by_group(analytics(http, sim, "cost-by-provider-aggregated", size=100).json(), "cost")
    assert vendor == provider and set(vendor) <= {p.name for p in PROVIDERS}
    team: dict[str, float] = {}
    for (_, group), v in series(analytics(http, sim, "cost-by-team").json(), "cost").items():
        team[group] = team.get(group, 0) + v
    assert set(team) <= set(world.team_ids)
    assert sum(team.values()) == pytest.approx(sum(provider.values()), abs=1e-6)
