"""orq.ai sources against the simulator: latency and TTFT buckets, traces and spans.

Expected values are computed here from the simulator's world with numpy (its own calls for the day), or
asked of the simulator's reporting endpoint — never taken from the source under test.
"""

from datetime import UTC, datetime

import duckdb
import numpy as np
import pytest

from ingestion.orq import orq_source
from simulator import catalogue as cat
from simulator.observers import orq_costs
from simulator.prices import MODELS, PROVIDERS
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window, orq_cost


@pytest.fixture(scope="module")
def orq_raw(simulator, sim_keys, tmp_path_factory):
    window = day_window(DAY_1)
    return duckdb.connect(
        str(load_source(orq_source(window.start, window.end), tmp_path_factory.mktemp("orq") / "raw.duckdb")),
        read_only=True,
    )


def _world_bucket(world, hour: int, provider: str, model: str, agent: str, project: str, identity: str):
    """Rows of DAY_1 orq sees in one (hour, provider, model, agent, project, identity) bucket."""
    c = world.calls(DAY_1)
    start = int(datetime.combine(DAY_1, datetime.min.time(), UTC).timestamp() * 1000) + hour * 3_600_000
    keep = (
        c.in_orq
        & (c.request_ms >= start)
        & (c.request_ms < start + 3_600_000)
        & (np.array([PROVIDERS[p].orq_name for p in c.provider]) == provider)
        & (np.array([MODELS[m].name for m in c.model]) == model)
        & (np.array([cat.AGENTS[a].name for a in c.agent]) == agent)
        & (np.array([cat.PRODUCTS[p].name for p in c.product]) == project)
        & (np.array([cat.ORGANIZATIONS[o].name for o in c.organization]) == identity)
    )
    return c, np.flatnonzero(keep)


def test_latency_and_ttft_buckets_match_the_world(orq_raw, world):
    # the busiest bucket of the day, so the percentiles are not of one call
    row = orq_raw.execute(
        """
        select hour(bucket_start), provider, model, agent, project, identity, metric_value
        from raw_orq.reporting_buckets where metric_key = 'genai.requests'
        order by metric_value desc, bucket_start limit 1
        """
    ).fetchone()
    hour, provider, model, agent, project, identity, n = row
    c, rows = _world_bucket(world, hour, provider, model, agent, project, identity)
    assert len(rows) == n >= 3
    values = dict(
        orq_raw.execute(
            """
            select metric_key, metric_value from raw_orq.reporting_buckets
            where hour(bucket_start) = ? and provider = ? and model = ? and agent = ? and project = ?
                and identity = ? and metric_key like 'genai.%.%'
            """,
            [hour, provider, model, agent, project, identity],
        ).fetchall()
    )
    duration = c.duration_ms[rows].astype(float)
    ok = rows[~c.is_error[rows]]
    ttft = c.ttft_ms[ok].astype(float)
    expected = {
        "genai.latency.p50": np.percentile(duration, 50),
        "genai.latency.p95": np.percentile(duration, 95),
        "genai.latency.p99": np.percentile(duration, 99),
        "genai.ttft.avg": ttft.mean(),
        "genai.ttft.p50": np.percentile(ttft, 50),
        "genai.ttft.p95": np.percentile(ttft, 95),
    }
    assert set(values) == set(expected)
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, rel=1e-9), key


def test_every_metric_lands_for_every_bucket_with_calls(orq_raw):
    counts = dict(
        orq_raw.execute(
            "select requested_metric, count(*) from raw_orq.reporting_buckets group by all"
        ).fetchall()
    )
    # latency is defined wherever there is a call; TTFT only where a call succeeded
    assert counts["genai.latency.p50"] == counts["genai.latency.p99"] == counts["genai.requests"]
    assert 0 < counts["genai.ttft.p50"] <= counts["genai.requests"]


def test_bucket_cost_adds_up_to_orqs_total(orq_raw, simulator, sim_keys):
    cost = orq_raw.execute(
        "select sum(metric_value) from raw_orq.reporting_buckets where metric_key = 'genai.cost'"
    ).fetchone()[0]
    assert cost == pytest.approx(orq_cost(simulator, sim_keys, DAY_1), abs=1e-6)


def test_traces_and_spans_are_complete_and_match_the_world(orq_raw, world):
    c = world.calls(DAY_1)
    orq = np.flatnonzero(c.in_orq)
    n_traces = len(np.unique(c.trace[orq]))
    assert orq_raw.execute("select count(*), count(distinct trace_id) from raw_orq.traces").fetchone() == (
        n_traces,
        n_traces,
    )
    spans, distinct, traces, cost, prompt, cached, completion, reasoning, errors = orq_raw.execute(
        """
        select count(*), count(distinct span_id), count(distinct trace_id), sum(cost_total), sum(prompt_tokens),
               sum(prompt_cached_tokens), sum(completion_tokens), sum(completion_reasoning_tokens),
               count(*) filter (where status = 'error')
        from raw_orq.spans
        """
    ).fetchone()
    assert spans == distinct == len(orq) and traces == n_traces
    assert cost == pytest.approx(int(orq_costs(c)["total_cost"][orq].sum()) / 1e9, abs=1e-6)
    # OpenAI-style usage: prompt includes cache reads and writes, completion includes reasoning
    assert prompt == int((c.input_tokens[orq] + c.cache_read_tokens[orq] + c.cache_write_tokens[orq]).sum())
    assert cached == int(c.cache_read_tokens[orq].sum())
    assert completion == int(c.output_tokens[orq].sum()) and reasoning == int(c.reasoning_tokens[orq].sum())
    assert errors == int(c.is_error[orq].sum())
    # parent links: the world's parent transaction ids
    landed = dict(orq_raw.execute("select span_id, parent_span_id from raw_orq.spans").fetchall())
    expected = {c.transaction_id_str(i): c.parent_transaction_id_str(i) for i in orq}
    assert landed == expected


def test_span_costs_add_up_to_orqs_reporting_total(orq_raw, simulator, sim_keys):
    cost = orq_raw.execute("select sum(cost_total) from raw_orq.spans").fetchone()[0]
    assert cost == pytest.approx(orq_cost(simulator, sim_keys, DAY_1), abs=1e-6)


def test_a_span_past_midnight_lands_with_its_traces_day():
    from datetime import timedelta

    from ingestion.core.arrow_pages import records_to_table
    from ingestion.orq.raw_tables import ORQ_SPANS

    window = day_window(DAY_1)
    late_trace = (window.end - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    after_midnight = (window.end + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    spans = [
        {
            "trace_id": "t",
            "span_id": "root",
            "type": "llm",
            "started_at": late_trace,
            "trace_started_at": late_trace,
        },
        {
            "trace_id": "t",
            "span_id": "child",
            "type": "llm",
            "started_at": after_midnight,
            "trace_started_at": late_trace,
        },
    ]
    rows = records_to_table(ORQ_SPANS, spans, window).to_pylist()
    assert [(r["span_id"], r["_day"]) for r in rows] == [("root", DAY_1), ("child", DAY_1)]


def test_spans_fetched_concurrently_equal_spans_fetched_one_by_one(simulator, sim_keys):
    from ingestion.core.http_client import VendorClient
    from ingestion.orq.source import iter_trace_pages, spans_of_traces

    def make():
        return VendorClient("orq", simulator.urls["orq"], {"Authorization": f"Bearer {sim_keys.orq}"})

    with make() as client:
        ids = [t["trace_id"] for page in iter_trace_pages(client, day_window(DAY_1)) for t in page]
    assert len(ids) > 50
    assert spans_of_traces(make, ids, workers=4) == spans_of_traces(make, ids, workers=1)
