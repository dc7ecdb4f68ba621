"""dbt cost marts end to end on hand-made raw rows: conventions, roll-ups and exact partition replacement.

Every expected number below is worked out by hand from the rows in ``_seed_raw`` (costs are binary fractions
so sums are exact). Stages, each a copy of the warehouse taken after a dbt run:

* ``initial``       — ``dbt build`` without window vars (the whole history), days D1, D2, D3.
* ``window``        — raw changed (D2: a Revenium call, a Helicone request and orq's bucket deleted, a Helicone
  request added; D1 and D3: costs changed), then ``dbt build`` with the window [D2, D3).
* ``window_again``  — the same window run again.
* ``full_refresh``  — ``dbt build --full-refresh`` (same vars): everything rebuilt from raw.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, table_snapshot, utc
from .dbt_harness import revenium_completion as _revenium

pytestmark = pytest.mark.slow

D1, D2, D3 = "2024-01-01", "2024-01-02", "2024-01-03"
MARTS = ("marts.fct_ai_calls", "marts.fct_ai_usage_hourly", "marts.cost_by_dimension_daily")


def _props(**values: str) -> str:
    return json.dumps(values)


def _helicone(id_: str, at, **values):
    return {"request_id": id_, "request_created_at": at, "response_status": 200, **values}


def _orq_span(span_id: str, trace_id: str, at, parent: str | None = None, **values):
    # a span's day is its trace's; every trace here runs within one day, so the span's own start will do
    return {
        "trace_id": trace_id,
        "trace_started_at": values.pop("trace_started_at", at),
        "span_id": span_id,
        "parent_span_id": parent,
        "type": "llm",
        "operation": "chat",
        "status": "ok",
        "started_at": at,
        "provider": "openai",
        "model": "gpt-4o",
        **values,
    }


def _orq_bucket(at, dims: dict, metrics: dict[tuple[str, str], float]):
    """Long orq rows: one per (requested_metric, metric_key) of one bucket."""
    return [
        {
            "requested_metric": requested,
            "grain": "hour",
            "bucket_start": at,
            "project": dims.get("project"),
            "provider": dims.get("provider"),
            "model": dims.get("model"),
            "agent": dims.get("agent"),
            "identity": dims.get("identity"),
            "dimensions": json.dumps(dims, sort_keys=True),
            "metric_key": key,
            "metric_value": value,
        }
        for (requested, key), value in metrics.items()
    ]


def _seed_raw(wh: Path) -> None:
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [
            # the worked example: input 1000 + cache read 200 + cache write 50 = 1250; output 300 (incl. reasoning 120)
            _revenium(
                "r1",
                utc(D1, "10:15"),
                provider="OPENAI",
                model="gpt-4o",
                agent="planner",
                organization_label="Acme",
                product_label="Copilot",
                operation_type="CHAT",
                input_token_count=1000,
                output_token_count=300,
                total_token_count=1300,
                cache_read_token_count=200,
                cache_creation_token_count=50,
                reasoning_token_count=120,
                total_cost=0.5,
                input_token_cost=0.25,
                output_token_cost=0.125,
                cache_read_token_cost=0.0625,
                cache_creation_token_cost=0.0625,
                stop_reason="END",
                transaction_id="tx-1",
                trace_id="trace-1",
                environment="production",
                task_type="summarize",
                subscriber_email="ann@acme.test",
                subscriber_credential_label="key-prod",
                request_duration=1200,
                time_to_first_token=150,
                response_time=utc(D1, "10:16"),
            ),
            # an error call, child of r1, no cache fields at all, no agent
            _revenium(
                "r2",
                utc(D1, "10:45"),
                provider="OPENAI",
                model="gpt-4o",
                organization_label="Acme",
                product_label="Copilot",
                input_token_count=100,
                output_token_count=50,
                total_cost=0.25,
                stop_reason="ERROR",
                error_reason="rate_limited",
                transaction_id="tx-2",
                parent_transaction_id="tx-1",
                trace_id="trace-1",
            ),
            # late in the UTC day: belongs to D1 whatever the session time zone
            _revenium(
                "r3",
                utc(D1, "23:30"),
                provider="ANTHROPIC",
                model="claude-3-5-sonnet",
                agent="writer",
                input_token_count=10,
                output_token_count=5,
                total_cost=0.125,
                stop_reason="END",
            ),
            _revenium(
                "r4",
                utc(D2, "01:00"),
                provider="OPENAI",
                model="gpt-4o",
                agent="planner",
                organization_label="Beta",
                product_label="Copilot",
                input_token_count=200,
                output_token_count=100,
                total_cost=1.0,
                stop_reason="END",
            ),
            _revenium(
                "r5",
                utc(D3, "12:00"),
                provider="OPENAI",
                model="gpt-4o",
                agent="planner",
                organization_label="Acme",
                input_token_count=1,
                output_token_count=1,
                total_cost=2.0,
            ),
        ],
    )
    insert_rows(
        wh,
        "raw_helicone",
        "requests",
        [
            # prompt 500 + cache read 100 + cache write 0 = 600; completion 200 (incl. reasoning 50)
            _helicone(
                "h1",
                utc(D1, "10:20"),
                provider="OPENAI",
                request_model="gpt-4o-mini",
                model="gpt-4o-mini",
                prompt_tokens=500,
                prompt_cache_read_tokens=100,
                prompt_cache_write_tokens=0,
                completion_tokens=200,
                reasoning_tokens=50,
                total_tokens=700,
                cost=0.375,
                delay_ms=900,
                time_to_first_token=80,
                properties=_props(
                    Agent="planner",
                    Customer="Acme",
                    Product="Copilot",
                    Environment="prod",
                    TaskType="summarize",
                    **{
                        "Helicone-Session-Id": "s-1",
                        "Helicone-Session-Name": "Summarize",
                        "Helicone-Session-Path": "/root",
                    },
                ),
            ),
            _helicone(
                "h2",
                utc(D1, "10:21"),
                provider="OPENAI",
                request_model="gpt-4o-mini",
                response_status=500,
                prompt_tokens=10,
                completion_tokens=0,
                cost=0.0,
                properties=_props(
                    Agent="writer",
                    Customer="Acme",
                    Product="Copilot",
                    **{"Helicone-Session-Id": "s-1", "Helicone-Session-Path": "/root/step"},
                ),
            ),
            _helicone(
                "h3",
                utc(D2, "09:00"),
                provider="ANTHROPIC",
                request_model="claude-3-haiku",
                prompt_tokens=40,
                completion_tokens=10,
                cost=0.0625,
                properties="{}",
            ),
            _helicone(
                "h4",
                utc(D2, "09:30"),
                provider="OPENAI",
                request_model="gpt-4o-mini",
                prompt_tokens=20,
                completion_tokens=20,
                cost=0.5,
                properties=_props(Customer="Beta"),
            ),
        ],
    )
    copilot = {
        "project": "Copilot",
        "provider": "openai",
        "model": "gpt-4o",
        "agent": "planner",
        "identity": "Acme",
    }
    insert_rows(
        wh,
        "raw_orq",
        "reporting_buckets",
        [
            *_orq_bucket(
                utc(D1, "10:00"),
                copilot,
                {
                    ("genai.requests", "genai.requests"): 3,
                    ("genai.errors", "genai.errors"): 1,
                    ("genai.tokens", "genai.tokens"): 900,
                    ("genai.cost", "genai.cost"): 0.75,
                    ("genai.cost", "genai.cost.breakdown"): 99.0,  # a key the pivot does not know: ignored
                    (
                        "genai.latency",
                        "genai.latency.p95",
                    ): 1234.0,  # a metric the pivot does not know: ignored
                },
            ),
            *_orq_bucket(
                utc(D2, "05:00"),
                {"project": "Copilot", "provider": "openai", "model": "gpt-4o", "identity": "Beta"},
                {
                    ("genai.requests", "genai.requests"): 2,
                    ("genai.errors", "genai.errors"): 0,
                    ("genai.tokens", "genai.tokens"): 100,
                    ("genai.cost", "genai.cost"): 0.25,
                },
            ),
        ],
    )
    insert_rows(
        wh,
        "raw_revenium",
        "analytics_cost_by_provider",
        [{"team_id": "team-1", "_day": D1, "group_name": "OPENAI", "cost_usd": 0.75}],
    )
    insert_rows(wh, "raw_helicone", "metrics_total_cost", [{"_day": D1, "cost_usd": 0.375}])
    insert_rows(wh, "raw_orq", "reporting_cost_totals", [{"_day": D1, "cost_usd": 0.75}])
    # orq traces and LLM spans: the same calls as the buckets above (D1: 3 calls, 1 error, 900 tokens, 0.75;
    # D2: 2 calls, 0 errors, 100 tokens, 0.25). orq usage is OpenAI-style: prompt_tokens INCLUDE the cached
    # tokens, completion_tokens INCLUDE the reasoning tokens.
    insert_rows(
        wh,
        "raw_orq",
        "traces",
        [
            {
                "trace_id": "t-1",
                "root_span_id": "o1",
                "name": "Plan trip",
                "status": "error",
                "started_at": utc(D1, "10:05"),
                "identity_id": "Acme",
                "product": "Copilot",
                "agent_name": "planner",
            },
            {
                "trace_id": "t-2",
                "root_span_id": "o4",
                "started_at": utc(D2, "05:10"),
                "identity_id": "Beta",
                "product": "Copilot",
            },
        ],
    )
    insert_rows(
        wh,
        "raw_orq",
        "spans",
        [
            # prompt 400 incl. cached 100; completion 200 incl. reasoning 50
            _orq_span(
                "o1",
                "t-1",
                utc(D1, "10:05"),
                name="planner",
                prompt_tokens=400,
                prompt_cached_tokens=100,
                completion_tokens=200,
                completion_reasoning_tokens=50,
                total_tokens=600,
                cost_total=0.5,
                cost_input=0.25,
                cost_output=0.1875,
                cost_cache_read=0.0625,
                cost_cache_write=0.0,
            ),
            _orq_span(
                "o2",
                "t-1",
                utc(D1, "10:10"),
                "o1",
                name="planner",
                prompt_tokens=200,
                completion_tokens=50,
                total_tokens=250,
                cost_total=0.125,
            ),
            _orq_span(
                "o3",
                "t-1",
                utc(D1, "10:15"),
                "o2",
                name=None,
                status="error",
                prompt_tokens=50,
                completion_tokens=0,
                total_tokens=50,
                cost_total=0.125,
            ),
            # not an LLM span: not a call
            _orq_span("o9", "t-1", utc(D1, "10:16"), "o1", name="retriever", type="tool", cost_total=0.0),
            _orq_span(
                "o4", "t-2", utc(D2, "05:10"), prompt_tokens=60, completion_tokens=20, cost_total=0.125
            ),
            _orq_span(
                "o5", "t-2", utc(D2, "05:20"), "o4", prompt_tokens=15, completion_tokens=5, cost_total=0.125
            ),
        ],
    )


def _change_raw(wh: Path) -> None:
    """Source-side changes: deletions and an insert on D2, cost corrections on D1 and D3."""
    import duckdb

    with duckdb.connect(str(wh)) as con:
        con.execute("delete from raw_revenium.completions where id = 'r4'")  # D2 becomes empty for revenium
        con.execute("delete from raw_helicone.requests where request_id = 'h4'")
        con.execute("delete from raw_orq.reporting_buckets where _day = ?", [D2])  # D2 empty for orq
        con.execute("delete from raw_orq.spans where _day = ?", [D2])
        con.execute("delete from raw_orq.traces where _day = ?", [D2])
        con.execute(
            "update raw_revenium.completions set total_cost = 9.0 where id = 'r1'"
        )  # D1, outside window
        con.execute(
            "update raw_revenium.completions set total_cost = 7.0 where id = 'r5'"
        )  # D3, outside window
    insert_rows(
        wh,
        "raw_helicone",
        "requests",
        [
            _helicone(
                "h5",
                utc(D2, "11:00"),
                provider="OPENAI",
                request_model="gpt-4o-mini",
                prompt_tokens=1,
                completion_tokens=1,
                cost=0.25,
                properties=_props(Customer="Beta", Agent="planner"),
            ),
        ],
    )


@pytest.fixture(scope="module")
def stages(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("dbt_cost_marts")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    _seed_raw(wh)
    snapshots: dict[str, Path] = {}

    def snapshot(name: str) -> None:
        snapshots[name] = work / f"{name}.duckdb"
        shutil.copy(wh, snapshots[name])

    run_dbt(wh, work, "build")
    snapshot("initial")
    _change_raw(wh)
    window = {"min_date": D2, "max_date": D3}
    run_dbt(wh, work, "build", vars=window)
    snapshot("window")
    run_dbt(wh, work, "build", vars=window)
    snapshot("window_again")
    run_dbt(wh, work, "build", "--full-refresh", vars=window)
    snapshot("full_refresh")
    return snapshots


def _call(wh: Path, call_id: str) -> dict:
    with_names = query(wh, "select * from marts.fct_ai_calls where call_id = ?", [call_id])
    assert len(with_names) == 1, call_id
    columns = [
        r[0]
        for r in query(
            wh,
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'fct_ai_calls' "
            "order by ordinal_position",
        )
    ]
    return dict(zip(columns, with_names[0], strict=True))


def _dimension(wh: Path, dimension_name: str, day: str | None = None) -> dict[tuple, tuple]:
    """{(day, source_system, value): (call_count, error_count, total_tokens, cost_usd)}."""
    rows = query(
        wh,
        "select cast(day as varchar), source_system, dimension_value, call_count, error_count, "
        "total_tokens, cost_usd from marts.cost_by_dimension_daily where dimension_name = ?",
        [dimension_name],
    )
    return {(d, s, v): (c, e, t, cost) for d, s, v, c, e, t, cost in rows if day is None or d == day}


# ---------------------------------------------------------------- token convention, per vendor


def test_revenium_tokens_follow_otel_convention(stages):
    call = _call(stages["initial"], "revenium:team-1:r1")
    assert (call["input_tokens"], call["output_tokens"], call["total_tokens"]) == (1250, 300, 1550)
    assert (call["cache_read_tokens"], call["cache_write_tokens"], call["reasoning_tokens"]) == (200, 50, 120)
    # missing cache fields are 0, not NULL: input 100 + 0 + 0, total 150
    error_call = _call(stages["initial"], "revenium:team-1:r2")
    assert (error_call["input_tokens"], error_call["cache_read_tokens"], error_call["total_tokens"]) == (
        100,
        0,
        150,
    )


def test_helicone_tokens_follow_otel_convention(stages):
    call = _call(stages["initial"], "helicone:h1")
    assert (call["input_tokens"], call["output_tokens"], call["total_tokens"]) == (600, 200, 800)
    assert (call["cache_read_tokens"], call["cache_write_tokens"], call["reasoning_tokens"]) == (100, 0, 50)


def test_orq_tokens_follow_otel_convention(stages):
    # orq: prompt_tokens 400 already include the 100 cached tokens -> input 400 (not 500);
    # completion_tokens 200 already include the 50 reasoning tokens -> output 200; total 600
    call = _call(stages["initial"], "orq:o1")
    assert (call["input_tokens"], call["output_tokens"], call["total_tokens"]) == (400, 200, 600)
    assert (call["cache_read_tokens"], call["cache_write_tokens"], call["reasoning_tokens"]) == (100, 0, 50)
    assert (call["cost_usd"], call["input_cost_usd"], call["cache_read_cost_usd"]) == (0.5, 0.25, 0.0625)


def test_orq_call_columns(stages):
    wh = stages["initial"]
    root, child, failed = (_call(wh, f"orq:o{i}") for i in (1, 2, 3))
    assert (root["source_system"], root["vendor_call_id"], root["trace_id"], root["parent_call_id"]) == (
        "orq",
        "o1",
        "t-1",
        None,
    )
    assert (root["trace_name"], root["organization_name"], root["product_name"]) == (
        "Plan trip",
        "Acme",
        "Copilot",
    )
    assert (root["agent_name"], root["provider_name"], root["request_model"]) == (
        "planner",
        "openai",
        "gpt-4o",
    )
    assert child["parent_call_id"] == "orq:o1" and failed["parent_call_id"] == "orq:o2"
    assert failed["is_error"] is True and root["is_error"] is False
    assert failed["agent_name"] == "planner"  # no span name: the trace's agent


# ---------------------------------------------------------------- fct_ai_calls columns


def test_revenium_call_columns(stages):
    call = _call(stages["initial"], "revenium:team-1:r1")
    assert (
        call["source_system"] == "revenium" and call["vendor_call_id"] == "r1" and call["team_id"] == "team-1"
    )
    assert (call["provider_name"], call["request_model"], call["agent_name"]) == (
        "openai",
        "gpt-4o",
        "planner",
    )
    assert (call["organization_name"], call["product_name"], call["modality"]) == (
        "Acme",
        "Copilot",
        "completion",
    )
    assert (call["operation_name"], call["task_type"], call["environment"]) == (
        "chat",
        "summarize",
        "production",
    )
    # the marts hold the e-mail's SHA-256 by default (macros/subscriber_email.sql), computed here independently
    ann = hashlib.sha256(b"ann@acme.test").hexdigest()
    assert (call["subscriber_email"], call["api_key_alias"]) == (ann, "key-prod")
    assert (call["cost_usd"], call["cost_source"]) == (0.5, "vendor_reported")
    assert (
        call["input_cost_usd"],
        call["output_cost_usd"],
        call["cache_read_cost_usd"],
        call["cache_write_cost_usd"],
    ) == (0.25, 0.125, 0.0625, 0.0625)
    assert (call["duration_ms"], call["time_to_first_token_ms"]) == (1200, 150)
    assert call["is_error"] is False and call["parent_call_id"] is None
    assert str(call["day"]) == D1

    error_call = _call(stages["initial"], "revenium:team-1:r2")
    assert error_call["is_error"] is True and error_call["error_reason"] == "rate_limited"
    assert error_call["parent_call_id"] == "revenium:team-1:r1"  # parent_transaction_id tx-1 -> r1
    assert str(_call(stages["initial"], "revenium:team-1:r3")["day"]) == D1  # 23:30 UTC stays on D1


def test_helicone_call_columns(stages):
    call = _call(stages["initial"], "helicone:h1")
    assert (call["provider_name"], call["request_model"]) == ("openai", "gpt-4o-mini")
    assert (call["agent_name"], call["organization_name"], call["product_name"]) == (
        "planner",
        "Acme",
        "Copilot",
    )
    assert (call["environment"], call["task_type"]) == ("prod", "summarize")
    assert (call["trace_id"], call["trace_name"], call["parent_call_id"]) == ("s-1", "Summarize", None)
    assert call["is_error"] is False and call["team_id"] is None and call["cost_source"] == "vendor_reported"
    child = _call(stages["initial"], "helicone:h2")
    assert child["is_error"] is True  # HTTP 500
    assert child["parent_call_id"] == "helicone:h1"  # path /root/step -> the request at /root, same session
    bare = _call(stages["initial"], "helicone:h3")
    assert (bare["agent_name"], bare["organization_name"], bare["trace_id"]) == (None, None, None)


def test_fct_ai_calls_holds_one_row_per_call(stages):
    ids = [r[0] for r in query(stages["initial"], "select call_id from marts.fct_ai_calls order by call_id")]
    assert ids == [
        "helicone:h1",
        "helicone:h2",
        "helicone:h3",
        "helicone:h4",
        *(f"orq:o{i}" for i in range(1, 6)),  # o9 is a tool span, not a call
        *(f"revenium:team-1:r{i}" for i in range(1, 6)),
    ]


# ---------------------------------------------------------------- hourly roll-up and orq buckets


def test_hourly_rollup_and_orq_buckets(stages):
    rows = query(
        stages["initial"],
        """
        select source_system, aggregated_from, cast(hour_start as varchar), cast(day as varchar), call_count,
               error_count, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
               total_tokens, cost_usd
        from marts.fct_ai_usage_hourly
        where provider_name = 'openai' and request_model = 'gpt-4o' and agent_name = 'planner'
          and organization_name = 'Acme' and product_name = 'Copilot' and day = cast(? as date)
        order by source_system, aggregated_from""",
        [D1],
    )
    assert rows == [
        # orq twice, kept apart: our roll-up of its spans, and its own reporting bucket (same calls)
        ("orq", "fct_ai_calls", f"{D1} 10:00:00", D1, 3, 1, 650, 250, 100, 0, 50, 900, 0.75),
        ("orq", "vendor_reporting", f"{D1} 10:00:00", D1, 3, 1, None, None, None, None, None, 900, 0.75),
        ("revenium", "fct_ai_calls", f"{D1} 10:00:00", D1, 1, 0, 1250, 300, 200, 50, 120, 1550, 0.5),
    ]
    late = query(
        stages["initial"],
        "select cast(hour_start as varchar), cast(day as varchar) "
        "from marts.fct_ai_usage_hourly where provider_name = 'anthropic' "
        "and source_system = 'revenium'",
    )
    assert late == [(f"{D1} 23:00:00", D1)]


# ---------------------------------------------------------------- cost_by_dimension_daily


def test_cost_per_provider_per_day(stages):
    assert _dimension(stages["initial"], "provider") == {
        (D1, "revenium", "openai"): (2, 1, 1700, 0.75),
        (D1, "revenium", "anthropic"): (1, 0, 15, 0.125),
        (D1, "helicone", "openai"): (2, 1, 810, 0.375),
        (D1, "orq", "openai"): (3, 1, 900, 0.75),
        (D2, "revenium", "openai"): (1, 0, 300, 1.0),
        (D2, "helicone", "anthropic"): (1, 0, 50, 0.0625),
        (D2, "helicone", "openai"): (1, 0, 40, 0.5),
        (D2, "orq", "openai"): (2, 0, 100, 0.25),
        (D3, "revenium", "openai"): (1, 0, 2, 2.0),
    }


def test_not_set_values_keep_the_daily_total(stages):
    wh = stages["initial"]
    assert {k: v for k, v in _dimension(wh, "agent", D1).items() if k[1] == "revenium"} == {
        (D1, "revenium", "planner"): (1, 0, 1550, 0.5),
        (D1, "revenium", "(not set)"): (1, 1, 150, 0.25),
        (D1, "revenium", "writer"): (1, 0, 15, 0.125),
    }
    assert {k: v for k, v in _dimension(wh, "organization", D1).items() if k[1] == "revenium"} == {
        (D1, "revenium", "Acme"): (2, 1, 1700, 0.75),
        (D1, "revenium", "(not set)"): (1, 0, 15, 0.125),
    }
    assert _dimension(wh, "agent", D2)[(D2, "helicone", "(not set)")] == (2, 0, 90, 0.5625)
    assert _dimension(wh, "agent", D2)[(D2, "orq", "(not set)")] == (2, 0, 100, 0.25)
    # every dimension of a (day, source, cost kind) adds up to the same total
    totals = query(
        wh,
        """
        select day, source_system, cost_kind, count(distinct (call_count_sum, cost_sum)) from (
            select day, source_system, cost_kind, dimension_name, sum(call_count) as call_count_sum,
                   sum(cost_usd) as cost_sum
            from marts.cost_by_dimension_daily group by all)
        group by all having count(distinct (call_count_sum, cost_sum)) <> 1""",
    )
    assert totals == []
    names = dict(query(wh, "select distinct dimension_name, cost_kind from marts.cost_by_dimension_daily"))
    token = ["agent", "api_key", "model", "organization", "product", "provider", "team", "user", "vendor"]
    token += ["customer", "task_type", "trace_type", "environment"]
    # no tool events in these rows: the tool dimensions (cost kind 'tool') have no rows
    assert names == dict.fromkeys(token, "token")


# ---------------------------------------------------------------- partition replacement


def test_window_rebuild_replaces_the_window_exactly(stages):
    wh = stages["window"]
    ids = {r[0] for r in query(wh, "select call_id from marts.fct_ai_calls")}
    assert "revenium:team-1:r4" not in ids and "helicone:h4" not in ids  # deleted at the source
    assert "helicone:h5" in ids  # inserted at the source
    provider = _dimension(wh, "provider")
    # D2: revenium and orq became empty days and vanished; helicone = h3 + h5
    assert {k: v for k, v in provider.items() if k[0] == D2} == {
        (D2, "helicone", "anthropic"): (1, 0, 50, 0.0625),
        (D2, "helicone", "openai"): (1, 0, 2, 0.25),
    }
    assert query(
        wh,
        "select count(*) from marts.fct_ai_usage_hourly where day = ? "
        "and source_system in ('revenium', 'orq')",
        [D2],
    ) == [(0,)]
    # D1 and D3 untouched although their raw costs changed (9.0, 7.0): not in the window
    assert provider[(D1, "revenium", "openai")] == (2, 1, 1700, 0.75)
    assert provider[(D3, "revenium", "openai")] == (1, 0, 2, 2.0)
    for relation in MARTS:
        for day in (D1, D3):
            before = query(stages["initial"], f"select * from {relation} where day = ? order by all", [day])
            after = query(wh, f"select * from {relation} where day = ? order by all", [day])
            assert before == after, (relation, day)


def test_same_window_twice_gives_identical_tables(stages):
    for relation in MARTS:
        assert table_snapshot(stages["window"], relation) == table_snapshot(stages["window_again"], relation)


def test_full_refresh_rebuilds_every_day(stages):
    provider = _dimension(stages["full_refresh"], "provider")
    assert provider[(D1, "revenium", "openai")] == (2, 1, 1700, 9.25)  # r1 now 9.0 + r2 0.25
    assert provider[(D3, "revenium", "openai")] == (1, 0, 2, 7.0)
    assert (D2, "revenium", "openai") not in provider


# ---------------------------------------------------------------- staging of the vendors' own figures


def test_vendor_total_staging(stages):
    wh = stages["initial"]
    assert query(
        wh,
        "select team_id, cast(day as varchar), provider_name, cost_usd, cost_source "
        "from staging.stg_revenium__cost_by_provider",
    ) == [("team-1", D1, "openai", 0.75, "vendor_reported")]
    assert query(wh, "select cast(day as varchar), cost_usd from staging.stg_helicone__total_cost") == [
        (D1, 0.375)
    ]
    assert query(wh, "select cast(day as varchar), cost_usd from staging.stg_orq__cost_totals") == [
        (D1, 0.75)
    ]


# ---------------------------------------------------------------- first build and bad windows


def test_first_build_with_a_window_builds_only_that_window(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    _seed_raw(wh)
    run_dbt(
        wh,
        tmp_path,
        "build",  # seeds and models: the price book's seeds are read by the pricing marts
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        vars={"min_date": D2, "max_date": "2024-01-03T00:00:00+00:00"},
    )
    days = query(wh, "select distinct cast(day as varchar) from marts.fct_ai_calls")
    assert days == [(D2,)]
    assert query(wh, "select count(*) from marts.cost_by_dimension_daily where day <> ?", [D2]) == [(0,)]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"min_date": "yesterday"}, "is not an ISO date"),
        ({"min_date": D3, "max_date": D1}, "partition window is inverted"),
        ({"min_date": "2024-01-02T05:00:00+00:00"}, "is not an ISO date"),  # not a UTC midnight
    ],
)
def test_bad_window_vars_fail_loudly(tmp_path, window, message):
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    result = run_dbt(wh, tmp_path, "compile", "--select", "fct_ai_calls", vars=window, check=False)
    assert result.returncode != 0
    assert message in result.stdout


# ---------------------------------------------------------------- documentation covers every built column


def test_every_built_column_is_documented(stages):
    import yaml

    from .dbt_harness import DBT_PROJECT_DIR
    from .project_layout import folder_config

    for doc in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        content = yaml.safe_load(doc.read_text())
        for model in content.get("models", []):
            sql = doc.with_suffix(".sql")
            layer = folder_config(sql)["schema"]  # e.g. marts/traces/building_blocks -> intermediate
            built = [
                r[0]
                for r in query(
                    stages["initial"],
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [layer, model["name"]],
                )
            ]
            assert built, f"{layer}.{model['name']} was not built"
            assert built == [c["name"] for c in model["columns"]], model["name"]
