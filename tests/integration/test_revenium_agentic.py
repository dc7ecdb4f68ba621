"""Revenium's agentic surfaces (traces, tool events, squads, jobs) landed for one day, cross-checked.

Expected numbers come from the simulator's world (its calls for the day), from the vendor's own
``page.totalElements`` over plain HTTP, or from a second, independent endpoint of the vendor (the job
funnel against the job list, per-job ROI against the completions and tool events of the job). Nothing is
compared with a figure the source under test computed.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime

import duckdb
import numpy as np
import pytest
import requests

from ingestion.core.windows import iso_z
from ingestion.revenium import agentic, revenium_source
from simulator import catalogue as cat
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.test_revenium_faithful import client_for, revenium_options
from tests.integration.vendor_figures import day_window

TEAM = "tmAcme01"


# Arrow pages skip dlt's row normaliser; dbt staging reads _dlt_load_id (as the Dagster pipelines set it).
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")


@pytest.fixture(scope="module")
def raw_path(simulator, sim_keys, tmp_path_factory):
    path = tmp_path_factory.mktemp("agentic") / "raw.duckdb"
    window = day_window(DAY_1)
    return load_source(revenium_source(window.start, window.end), path)


@pytest.fixture(scope="module")
def raw(raw_path):
    con = duckdb.connect(str(raw_path), read_only=True)
    yield con
    con.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


def column(con, sql: str) -> set:
    return {v for (v,) in con.execute(sql).fetchall()}


def total_elements(sim, keys, path: str, **params) -> int:
    w = day_window(DAY_1)
    body = requests.get(
        f"{sim.urls['revenium']}{path}",
        params={"teamId": TEAM, "startDate": iso_z(w.start), "endDate": iso_z(w.end), **params},
        headers={"x-api-key": keys.revenium},
        timeout=30,
    ).json()
    return body["page"]["totalElements"]


def test_traces_are_the_worlds_traces_and_add_up_to_the_calls(raw, world, simulator, sim_keys):
    calls = world.calls(DAY_1)
    n_traces = len(np.unique(calls.trace))
    assert scalar(raw, "select count(*) from raw_revenium.traces") == n_traces
    assert n_traces == total_elements(simulator, sim_keys, agentic.TRACES_PATH)
    assert scalar(raw, "select sum(transaction_count) from raw_revenium.traces") == calls.n
    assert scalar(raw, "select sum(total_cost) from raw_revenium.traces") == pytest.approx(
        int(calls.total_cost.sum()) / 1e9, abs=1e-6
    )
    # Every call's trace is a trace row (the link traceId).
    assert column(raw, "select distinct trace_id from raw_revenium.completions") == column(
        raw, "select trace_id from raw_revenium.traces"
    )


def test_tool_events_link_to_calls(raw, simulator, sim_keys):
    n = scalar(raw, "select count(*) from raw_revenium.tool_events")
    assert n > 100 and n == total_elements(simulator, sim_keys, agentic.TOOL_EVENTS_PATH)
    orphans = scalar(
        raw,
        "select count(*) from raw_revenium.tool_events e left join raw_revenium.completions c "
        "on c.transaction_id = e.transaction_id and c.team_id = e.team_id where c.id is null",
    )
    assert orphans == 0
    # Failed completions make no tool calls (the simulator's stated rule), so no event hangs off one.
    on_errors = scalar(
        raw,
        "select count(*) from raw_revenium.tool_events e join raw_revenium.completions c "
        "using (team_id, transaction_id) where c.stop_reason = 'ERROR'",
    )
    assert on_errors == 0


def test_squads_match_the_squad_ids_on_calls(raw, world):
    calls = world.calls(DAY_1)
    in_squad = [i for i in range(calls.n) if calls.trace_squad[calls.trace[i]] >= 0]
    squad_ids = {calls.squad_id_str(i) for i in in_squad}
    assert column(raw, "select id from raw_revenium.squad_executions") == squad_ids
    assert scalar(raw, "select sum(transaction_count) from raw_revenium.squad_executions") == len(in_squad)
    assert scalar(raw, "select count(*) from raw_revenium.squad_timeline_events") == len(in_squad)
    assert column(raw, "select id from raw_revenium.squad_timeline_events") == {
        calls.transaction_id_str(i) for i in in_squad
    }
    assert column(
        raw, "select distinct squad_id from raw_revenium.completions where squad_id is not null"
    ) == (squad_ids)
    # No date window on squads: the period asked reaches back to the day (DAY_1 is months ago).
    expected_period = agentic.squad_period(day_window(DAY_1), datetime.now(UTC))
    assert column(raw, "select distinct requested_period from raw_revenium.squad_executions") == {
        expected_period
    }
    entities = raw.execute("select label, _day from raw_revenium.squad_entities order by label").fetchall()
    assert [label for label, _ in entities] == sorted(cat.SQUADS)  # 4 squads, all active in a year
    assert {day for _, day in entities} == {DAY_1}


def test_squad_lists_read_the_same_as_bare_arrays_or_hal(simulator, sim_keys):
    window = day_window(DAY_1)
    period = agentic.squad_period(window, datetime.now(UTC))
    with client_for(simulator, sim_keys) as client:
        bare = client.get(agentic.SQUADS_PATH, params={"teamId": TEAM, "period": "THIRTY_DAYS"})
        assert isinstance(bare, list)
        with revenium_options(simulator, squads_envelope="hal"):
            hal_body = client.get(agentic.SQUADS_PATH, params={"teamId": TEAM, "period": "THIRTY_DAYS"})
            assert isinstance(hal_body, dict) and "page" in hal_body
            hal_runs = agentic.squad_entities(client, TEAM, period)
        bare_runs = agentic.squad_entities(client, TEAM, period)
    assert hal_runs == bare_runs and len(bare_runs) == len(cat.SQUADS)


def test_jobs_are_the_worlds_jobs_and_the_funnel_agrees_with_the_list(raw, world, simulator, sim_keys):
    calls = world.calls(DAY_1)
    n_jobs = len(np.unique(calls.trace[calls.trace_job_type[calls.trace] >= 0]))
    assert scalar(raw, "select count(*) from raw_revenium.jobs") == n_jobs
    assert n_jobs == total_elements(simulator, sim_keys, agentic.JOBS_PATH)
    assert column(
        raw, "select distinct agentic_job_id from raw_revenium.completions where agentic_job_id is not null"
    ) == column(raw, "select agentic_job_id from raw_revenium.jobs")
    funnel = raw.execute(
        "select total_jobs, successful_jobs, converted_jobs from raw_revenium.job_conversion_funnel"
    ).fetchall()
    from_list = raw.execute(
        "select count(*), count(*) filter (execution_status = 'SUCCESS'), "
        "count(*) filter (outcome_type = 'CONVERTED') from raw_revenium.jobs"
    ).fetchall()
    assert funnel == from_list
    assert sorted(column(raw, "select job_type from raw_revenium.job_types")) == sorted(cat.JOB_TYPES)  # 6


def test_job_details_agree_with_completions_and_tool_events(raw):
    detailed = scalar(raw, "select count(*) from raw_revenium.job_roi")
    assert detailed == min(20, scalar(raw, "select count(*) from raw_revenium.jobs"))
    # Per job: the vendor's ROI cost = its calls' cost (completions and their media calls) + its tool calls'
    # cost; its transactions = its completions.
    mismatches = raw.execute(
        """
        with calls as (
            select agentic_job_id, count(*) as n, sum(total_cost) as cost, any_value(trace_id) as trace_id
            from raw_revenium.completions where agentic_job_id is not null group by 1
        ),
        media as (
            select agentic_job_id, sum(total_cost) as cost from raw_revenium.ai_metrics
            where metric_type <> 'COMPLETION' and agentic_job_id is not null group by 1
        ),
        tools as (select trace_id, sum(cost_usd) as cost from raw_revenium.tool_events group by 1),
        txns as (select agentic_job_id, count(*) as n from raw_revenium.job_transactions group by 1)
        select r.agentic_job_id
        from raw_revenium.job_roi r
        join calls c using (agentic_job_id)
        left join tools t on t.trace_id = c.trace_id
        left join media m using (agentic_job_id)
        join txns x using (agentic_job_id)
        where r.transaction_count <> c.n or x.n <> c.n
           or abs(r.total_cost - c.cost - coalesce(m.cost, 0) - coalesce(t.cost, 0)) > 1e-9
        """
    ).fetchall()
    assert mismatches == []
    # Outcome history: one entry per report plus one per amendment.
    history = raw.execute(
        """
        select count(*) from raw_revenium.job_roi r
        join raw_revenium.jobs j using (team_id, agentic_job_id)
        left join (select agentic_job_id, count(*) as n from raw_revenium.job_outcome_history group by 1) h
            using (agentic_job_id)
        where coalesce(h.n, 0) <> case when j.has_outcome then j.outcome_amendment_count + 1 else 0 end
        """
    ).fetchone()[0]
    assert history == 0
    assert scalar(raw, "select count(*) from raw_revenium.job_outcome_history") > 0


def test_parent_links_resolve_within_the_day(raw):
    orphans = scalar(
        raw,
        "select count(*) from raw_revenium.completions c where parent_transaction_id is not null and not exists "
        "(select 1 from raw_revenium.completions p where p.transaction_id = c.parent_transaction_id)",
    )
    assert orphans == 0
    assert (
        scalar(raw, "select count(*) from raw_revenium.completions where parent_transaction_id is not null")
        > 0
    )


# -- media (audio, images, video) and /ai ----------------------------------------------------------------
def test_media_calls_are_the_worlds_and_hang_off_completions(raw, world, simulator, sim_keys):
    from simulator.revenium.media import MEDIA_MODELS, media_of

    m = media_of(world.calls(DAY_1))
    expected = {
        k: sum(MEDIA_MODELS[int(x)].modality == k for x in m.model) for k in ("AUDIO", "IMAGE", "VIDEO")
    }
    landed = {
        "AUDIO": scalar(raw, "select count(*) from raw_revenium.audio_metrics"),
        "IMAGE": scalar(raw, "select count(*) from raw_revenium.image_metrics"),
        "VIDEO": scalar(raw, "select count(*) from raw_revenium.video_metrics"),
    }
    assert landed == expected and landed["AUDIO"] > 0 and landed["IMAGE"] > 0
    for kind, path in (("AUDIO", "audio"), ("IMAGE", "images"), ("VIDEO", "video")):
        assert landed[kind] == total_elements(simulator, sim_keys, agentic.MEDIA_PATHS[path])
    # /ai, asked per metricType, lists the same calls as the three media lists (two endpoints agree).
    by_type = dict(
        raw.execute("select metric_type, count(*) from raw_revenium.ai_metrics group by 1").fetchall()
    )
    assert {k: by_type.get(k, 0) for k in expected} == landed
    for table in ("audio_metrics", "image_metrics", "video_metrics"):
        orphans = scalar(
            raw,
            f"select count(*) from raw_revenium.{table} m where not exists (select 1 from "
            "raw_revenium.completions c where c.transaction_id = m.parent_transaction_id and c.trace_id = m.trace_id)",
        )
        assert orphans == 0


def test_media_rows_carry_their_modality_fields(raw):
    audio = raw.execute(
        "select billing_unit, count(*) filter (duration_seconds is null), count(*) filter (character_count is null)"
        " from raw_revenium.audio_metrics group by 1 order by 1"
    ).fetchall()
    # transcription is billed per minute of audio, speech per character: each carries its own measure
    assert audio == [("PER_CHARACTER", scalar(raw, "select count(*) from raw_revenium.audio_metrics "
                      "where billing_unit = 'PER_CHARACTER'"), 0),
                     ("PER_MINUTE", 0, scalar(raw, "select count(*) from raw_revenium.audio_metrics "
                      "where billing_unit = 'PER_MINUTE'"))]  # fmt: skip
    assert (
        scalar(
            raw,
            "select count(*) from raw_revenium.image_metrics where actual_image_count > requested_image_count",
        )
        == 0
    )
    assert column(raw, "select distinct billing_unit from raw_revenium.image_metrics") == {"PER_IMAGE"}
    # whisper-1 bills 0.006 USD a minute: cost = seconds / 60 x 0.006 on every successful transcription
    off = scalar(
        raw,
        "select count(*) from raw_revenium.audio_metrics where model = 'whisper-1' and error_reason is null "
        "and abs(total_cost - duration_seconds / 60 * 0.006) > 1e-9",
    )
    assert off == 0


# -- the analytics host's figures against the warehouse's own rows ------------------------------------------
def figures(con, endpoint: str, label: str) -> dict:
    return dict(
        con.execute(
            "select group_name, metric_result from raw_revenium.analytics_aggregated "
            "where endpoint = ? and metric_label = ?",
            [endpoint, label],
        ).fetchall()
    )


ALL_CALLS = (
    "(select team_id, total_cost, organization_label, product_label, model from raw_revenium.completions "
    + "".join(
        f" union all select team_id, total_cost, organization_label, product_label, model from raw_revenium.{t}"
        for t in ("audio_metrics", "image_metrics", "video_metrics")
    )
    + ")"
)


def test_cost_by_aggregated_figures_equal_the_landed_calls(raw, world):
    from simulator.revenium.media import media_of

    calls = world.calls(DAY_1)
    world_total = (int(calls.total_cost.sum()) + int(media_of(calls).cost.sum())) / 1e9
    for endpoint, column_name in (
        ("cost-by-model-aggregated", "model"),
        ("cost-by-organization-aggregated", "organization_label"),
        ("cost-by-product-aggregated", "product_label"),
    ):
        vendor = figures(raw, endpoint, "cost")
        ours = dict(
            raw.execute(f"select {column_name}, sum(total_cost) from {ALL_CALLS} group by 1").fetchall()
        )
        assert vendor.keys() == ours.keys()
        assert all(vendor[k] == pytest.approx(ours[k], abs=1e-6) for k in ours)
        assert sum(vendor.values()) == pytest.approx(world_total, abs=1e-6)


def test_revenue_and_margin_follow_the_stated_pricing(raw):
    from simulator.revenium.analytics import PRODUCT_PRICING

    pricing = " ".join(
        f"when '{p}' then total_cost * {markup} + {fee / 1e9}" for p, (markup, fee) in PRODUCT_PRICING.items()
    )
    ours = dict(
        raw.execute(
            f"select organization_label, sum(case product_label {pricing} end) from {ALL_CALLS} group by 1"
        ).fetchall()
    )
    vendor = figures(raw, "revenue-per-customer", "revenue")
    assert vendor.keys() == ours.keys() and len(ours) == 8
    assert all(vendor[k] == pytest.approx(ours[k], abs=1e-6) for k in ours)
    margin, revenue, cost = (
        figures(raw, "profit-margin-per-product", x) for x in ("margin", "revenue", "cost")
    )
    assert all(
        margin[k] == pytest.approx((revenue[k] - cost[k]) / revenue[k] * 100, abs=1e-3) for k in margin
    )
    assert sum(figures(raw, "revenue-per-product", "revenue").values()) == pytest.approx(
        sum(ours.values()), abs=1e-6
    )


def test_tool_figures_equal_the_landed_tool_events(raw):
    rows = raw.execute(
        "select tool_id, count(*), avg(success::int) * 100 from raw_revenium.tool_events group by 1"
    ).fetchall()
    calls = {t: n for t, n, _ in rows}
    assert figures(raw, "top-tools-by-call-count", "callCount") == calls
    assert figures(raw, "tool-success-rate", "callCount") == calls
    rate = figures(raw, "tool-success-rate", "successRate")
    assert all(rate[t] == pytest.approx(r, abs=1e-3) for t, _, r in rows)


def test_trace_cost_scatter_and_jobs_roi_summary_agree_with_rows(raw):
    mismatched = scalar(
        raw,
        """
        select count(*) from raw_revenium.analytics_trace_cost_distribution d
        join raw_revenium.traces t using (trace_id)
        left join (select trace_id, sum(cost_usd) as c from raw_revenium.tool_events group by 1) e using (trace_id)
        where abs(d.total_cost - t.total_cost - coalesce(e.c, 0)) > 1e-9 or d.total_calls <> t.transaction_count
        """,
    )
    assert mismatched == 0
    assert scalar(raw, "select count(*) from raw_revenium.analytics_trace_cost_distribution") == scalar(
        raw, "select count(*) from raw_revenium.traces"
    )
    summary = raw.execute(
        "select job_type, total_jobs, conversions, round(total_value, 2) from raw_revenium.analytics_jobs_roi_summary"
        " order by 1"
    ).fetchall()
    from_jobs = raw.execute(
        "select job_type, count(*), count(*) filter (outcome_type = 'CONVERTED'), "
        "round(coalesce(sum(outcome_value), 0), 2) from raw_revenium.jobs group by 1 order by 1"
    ).fetchall()
    assert [(t, n, c) for t, n, c, _ in summary] == [(t, n, c) for t, n, c, _ in from_jobs]
    assert all(abs(a[3] - b[3]) < 0.02 for a, b in zip(summary, from_jobs, strict=True))


@pytest.mark.slow
def test_fct_tool_calls_links_each_tool_call_to_the_ai_call_that_made_it(raw_path, raw, tmp_path):
    from tests.unit.dbt.dbt_harness import query, run_dbt

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(raw_path, warehouse)
    run_dbt(warehouse, tmp_path, "build", "--select", "+fct_tool_calls")
    n, linked, cost = query(
        warehouse, "select count(*), count(call_id), sum(cost_usd) from marts.fct_tool_calls"
    )[0]
    events, event_cost = raw.execute(
        "select count(*), sum(cost_usd) from raw_revenium.tool_events"
    ).fetchone()
    assert n == linked == events > 100
    assert float(cost) == pytest.approx(event_cost, abs=1e-9)
    wrong = query(
        warehouse,
        "select count(*) from marts.fct_tool_calls f join staging.stg_revenium__completions c using (call_id) "
        "where c.transaction_id <> f.transaction_id or c.trace_id <> f.trace_id",
    )[0][0]
    assert wrong == 0


def test_time_series_buckets_add_up_to_the_calls_of_each_hour(raw):
    # 24 hourly buckets for a day's window (span <= 48 h), each equal to the landed calls of that hour.
    buckets = scalar(
        raw,
        "select count(distinct bucket_start) from raw_revenium.analytics_timeseries where endpoint = 'cost-by-provider'",
    )
    assert buckets == 24
    vendor = dict(
        raw.execute(
            "select date_trunc('hour', bucket_start), sum(metric_result) from raw_revenium.analytics_timeseries "
            "where endpoint = 'cost-by-provider' group by 1"
        ).fetchall()
    )
    ours = dict(
        raw.execute(
            "select date_trunc('hour', request_time), sum(total_cost) from ("
            + " union all ".join(
                f"select request_time, total_cost from raw_revenium.{t}"
                for t in ("completions", "audio_metrics", "image_metrics", "video_metrics")
            )
            + ") group by 1"
        ).fetchall()
    )
    assert vendor.keys() == ours.keys()
    assert all(vendor[h] == pytest.approx(ours[h], abs=1e-6) for h in ours)
    # Each time series sums to the aggregated figure of the same dimension (two vendor endpoints agree).
    for dimension in ("model", "agent", "organization", "product", "api-key"):
        series = dict(
            raw.execute(
                "select group_name, sum(metric_result) from raw_revenium.analytics_timeseries "
                "where endpoint = ? group by 1",
                [f"cost-by-{dimension}"],
            ).fetchall()
        )
        aggregated = figures(raw, f"cost-by-{dimension}-aggregated", "cost")
        assert series.keys() == aggregated.keys()
        assert all(series[k] == pytest.approx(aggregated[k], abs=1e-6) for k in series)


def test_response_times_and_tool_latency_equal_the_landed_rows(raw):
    ours = dict(
        raw.execute(
            "select model, avg(request_duration) / 1000 from raw_revenium.completions group by 1"
        ).fetchall()
    )
    vendor = figures(
        raw, "response-time-by-model", "responseTime"
    )  # seconds (docs/vendor-apis/revenium.md §5.2)
    assert vendor.keys() == ours.keys() and all(vendor[k] == pytest.approx(ours[k], abs=1e-5) for k in ours)
    by_vendor = figures(raw, "response-time-by-vendor", "callCount")
    assert by_vendor == dict(
        raw.execute("select provider, count(*) from raw_revenium.completions group by 1").fetchall()
    )
    latency = figures(raw, "tool-latency", "latency")
    ours = dict(
        raw.execute("select tool_id, avg(duration_ms) from raw_revenium.tool_events group by 1").fetchall()
    )
    assert latency.keys() == ours.keys() and all(latency[k] == pytest.approx(ours[k], abs=1e-5) for k in ours)
    pairs = figures(raw, "agent-tool-breakdown", "callCount")
    ours = dict(
        raw.execute(
            "select agent || '/' || tool_id, count(*) from raw_revenium.tool_events group by 1"
        ).fetchall()
    )
    assert pairs == ours


# -- the remaining analytics endpoints against the landed rows (or the world, for the day before) -----------
def calls_with(column_name: str) -> str:
    """Every landed metered call (completions and media) as (team_id, total_cost, <column_name>)."""
    return (
        "("
        + " union all ".join(
            f"select team_id, total_cost, {column_name} from raw_revenium.{t}"
            for t in ("completions", "audio_metrics", "image_metrics", "video_metrics")
        )
        + ")"
    )


def hourly(con, endpoint: str, label: str) -> dict:
    """{(hour, group): figure} of a landed time series."""
    rows = con.execute(
        "select date_trunc('hour', bucket_start), group_name, metric_result "
        "from raw_revenium.analytics_timeseries where endpoint = ? and metric_label = ?",
        [endpoint, label],
    ).fetchall()
    return {(h, g): v for h, g, v in rows}


def assert_close(vendor: dict, ours: dict, tol: float = 1e-6) -> None:
    assert vendor.keys() == ours.keys()
    assert all(vendor[k] == pytest.approx(ours[k], abs=tol) for k in ours), {
        k: (vendor[k], ours[k]) for k in ours if vendor[k] != pytest.approx(ours[k], abs=tol)
    }


def test_top_movers_compare_the_day_with_the_day_before(raw, world):
    from datetime import timedelta

    from simulator.prices import MODELS
    from simulator.revenium.media import MEDIA_MODELS, media_of

    # the day itself from the landed calls, the day before (not landed here) from the world's calls
    today = dict(raw.execute(f"select model, sum(total_cost) from {ALL_CALLS} group by 1").fetchall())
    c = world.calls(DAY_1 - timedelta(days=1))
    m = media_of(c)
    before: dict[str, float] = {}
    names = [MODELS[k].name for k in c.model] + [MEDIA_MODELS[k].name for k in m.model]
    for name, nanos in zip(names, c.total_cost.tolist() + m.cost.tolist(), strict=True):
        before[name] = before.get(name, 0) + nanos / 1e9
    rows = raw.execute(
        "select group_name, metric_result, current_value, previous_value, trend "
        "from raw_revenium.analytics_aggregated where endpoint = 'top-movers?groupBy=model'"
    ).fetchall()
    assert {r[0] for r in rows} == today.keys() | before.keys()
    for group, change, current, previous, trend in rows:
        assert current == pytest.approx(today.get(group, 0), abs=1e-6)
        assert previous == pytest.approx(before.get(group, 0), abs=1e-6)
        assert change == pytest.approx(current - previous, abs=1e-6)
        assert trend == ("UP" if current >= previous else "DOWN")
    agents = raw.execute(
        "select group_name, current_value from raw_revenium.analytics_aggregated "
        "where endpoint = 'top-movers?groupBy=agent'"
    ).fetchall()
    ours = dict(
        raw.execute(f"select agent, sum(total_cost) from {calls_with('agent')} group by 1").fetchall()
    )
    assert_close({g: v for g, v in agents if v}, {g: v for g, v in ours.items() if v})


def test_tokens_per_minute_are_the_landed_tokens_over_the_bucket_minutes(raw):
    ours = {
        (h, p): tokens / 60  # hourly buckets for a day's window: 60 minutes each
        for h, p, tokens in raw.execute(
            "select date_trunc('hour', request_time), provider, sum(total_token_count) "
            "from raw_revenium.completions group by 1, 2"
        ).fetchall()
    }
    assert_close(hourly(raw, "tokens-per-minute?tokenType=TOTAL", "tokensPerMinute"), ours, 1e-4)


def test_tool_costs_and_token_vs_tool_cost_equal_the_landed_tool_events(raw):
    for column_name, suffix in (("tool_id", "tool"), ("tool_provider", "tool-provider")):
        ours = dict(
            raw.execute(
                f"select {column_name}, sum(cost_usd) from raw_revenium.tool_events group by 1"
            ).fetchall()
        )
        assert_close(figures(raw, f"cost-by-{suffix}-aggregated", "cost"), ours)
        calls = dict(
            raw.execute(f"select {column_name}, count(*) from raw_revenium.tool_events group by 1").fetchall()
        )
        assert figures(raw, f"cost-by-{suffix}-aggregated", "callCount") == calls
        per_hour = {
            (h, g): v
            for h, g, v in raw.execute(
                f"select date_trunc('hour', event_time), {column_name}, sum(cost_usd) "
                "from raw_revenium.tool_events group by 1, 2"
            ).fetchall()
        }
        assert_close(hourly(raw, f"cost-by-{suffix}", "cost"), per_hour)
    split = hourly(raw, "token-vs-tool-cost", "cost")
    tokens = raw.execute(
        "select date_trunc('hour', request_time), sum(total_cost) from ("
        + " union all ".join(
            f"select request_time, total_cost from raw_revenium.{t}"
            for t in ("completions", "audio_metrics", "image_metrics", "video_metrics")
        )
        + ") group by 1"
    ).fetchall()
    tools = raw.execute(
        "select date_trunc('hour', event_time), sum(cost_usd) from raw_revenium.tool_events group by 1"
    ).fetchall()
    assert_close(
        {k: v for k, v in split.items() if v},
        {(h, "Token Costs"): v for h, v in tokens} | {(h, "Tool Costs"): v for h, v in tools},
    )


def test_task_figures_count_the_landed_root_calls(raw):
    # a task is a trace, owned by its root call's agent, completed when the root call did not fail
    rows = raw.execute(
        "select agent, count(*), count(*) filter (where error_reason is null), "
        "avg(epoch_ms(t.end_time) - epoch_ms(t.start_time)) / 1000 "
        "from raw_revenium.completions c join ("
        "  select trace_id, min(request_time) start_time, max(response_time) end_time "
        "  from raw_revenium.completions group by 1) t using (trace_id) "
        "where parent_transaction_id is null group by 1"
    ).fetchall()
    done = {a: n for a, _, n, _ in rows}
    assert figures(raw, "tasks-completed-by-agent", "completedTasks") == done
    assert figures(raw, "task-completion-aggregated", "completedTasks") == {"total": sum(done.values())}
    assert figures(raw, "task-performance-by-agent", "totalTasks") == {a: n for a, n, _, _ in rows}
    assert_close(
        figures(raw, "task-performance-by-agent", "successRate"),
        {a: d / n * 100 for a, n, d, _ in rows},
        1e-3,
    )
    per_hour = {
        (h, a): n
        for h, a, n in raw.execute(
            "select date_trunc('hour', request_time), agent, count(*) from raw_revenium.completions "
            "where parent_transaction_id is null and error_reason is null group by 1, 2"
        ).fetchall()
    }
    landed = hourly(raw, "task-completion", "completedTasks")
    assert {k: v for k, v in landed.items() if v} == per_hour


def test_agent_times_and_the_remaining_cost_breakdowns_equal_the_landed_calls(raw):
    ours = dict(
        raw.execute(
            "select agent, avg(request_duration) / 1000 from raw_revenium.completions group by 1"
        ).fetchall()
    )
    assert_close(
        figures(raw, "avg-time-by-agent", "avgTime"), ours, 1e-5
    )  # seconds (docs/vendor-apis/revenium.md §5.2)
    by_provider = dict(
        raw.execute(f"select provider, sum(total_cost) from {calls_with('provider')} group by 1").fetchall()
    )
    assert_close(figures(raw, "cost-by-vendor", "cost"), by_provider)
    for endpoint, column_name in (
        ("cost-by-user-aggregated", "subscriber_email"),
        ("cost-by-task-aggregated", "task_type"),
    ):
        ours = dict(
            raw.execute(
                f"select {column_name}, sum(total_cost) from {calls_with(column_name)} group by 1"
            ).fetchall()
        )
        assert_close(figures(raw, endpoint, "cost"), ours)
    for endpoint, column_name in (("cost-by-task", "task_type"), ("cost-by-team", "team_id")):
        ours = {
            (h, g): v
            for h, g, v in raw.execute(
                f"select date_trunc('hour', request_time), {column_name}, sum(total_cost) from ("
                + " union all ".join(
                    f"select request_time, {column_name}, total_cost from raw_revenium.{t}"
                    for t in ("completions", "audio_metrics", "image_metrics", "video_metrics")
                )
                + ") group by 1, 2"
            ).fetchall()
        }
        assert_close(hourly(raw, endpoint, "cost"), ours)
