"""Helicone sessions and user metrics through staging and int_helicone__sessions, on hand-made raw rows.

Session s-1 on 2024-01-01: two requests (h1 at /root, h2 at /root/step). h1: prompt 500 (Helicone: cache
excluded) + cache read 100 + cache write 0, completion 200 -> docs/conventions.md input 600, total 800, cost 0.375.
h2: prompt 10, completion 0 -> input 10, total 10, cost 0.125. Helicone's own session row says 2 requests,
cost 0.5, prompt 510 (its convention: cache tokens excluded).
"""

from __future__ import annotations

import json

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, utc

pytestmark = pytest.mark.slow

D1 = "2024-01-01"


def _session_props(path: str) -> str:
    return json.dumps(
        {"Helicone-Session-Id": "s-1", "Helicone-Session-Name": "Summarize", "Helicone-Session-Path": path}
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("helicone_sessions")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_helicone",
        "requests",
        [
            {
                "request_id": "h1",
                "request_created_at": utc(D1, "10:20"),
                "response_status": 200,
                "prompt_tokens": 500,
                "prompt_cache_read_tokens": 100,
                "prompt_cache_write_tokens": 0,
                "completion_tokens": 200,
                "cost": 0.375,
                "properties": _session_props("/root"),
            },
            {
                "request_id": "h2",
                "request_created_at": utc(D1, "10:21"),
                "response_status": 200,
                "prompt_tokens": 10,
                "completion_tokens": 0,
                "cost": 0.125,
                "properties": _session_props("/root/step"),
            },
        ],
    )
    insert_rows(
        wh,
        "raw_helicone",
        "sessions",
        [
            {
                "session_id": "s-1",
                "session_name": "Summarize",
                "created_at": utc(D1, "10:20"),
                "latest_request_created_at": utc(D1, "10:21"),
                "total_requests": 2,
                "total_cost": 0.5,
                "prompt_tokens": 510,
                "completion_tokens": 200,
                "total_tokens": 710,
                "avg_latency": 450.0,
                "user_ids": '["ann@example.com"]',
            }
        ],
    )
    insert_rows(
        wh,
        "raw_helicone",
        "user_metrics",
        [
            {
                "_day": D1,
                "user_id": "ann@example.com",
                "total_requests": 2,
                "cost": 0.5,
                "total_prompt_tokens": 510,
            }
        ],
    )
    run_dbt(wh, work, "build", "-s", "+int_helicone__sessions", "stg_helicone__user_metrics")
    return wh


def test_session_is_a_trace_with_vendor_and_rolled_up_figures(warehouse):
    rows = query(
        warehouse,
        """
        select trace_id, cast(day as varchar), trace_name, root_call_id, vendor_call_count, vendor_cost_usd,
               vendor_prompt_tokens, call_count, input_tokens, output_tokens, cache_read_tokens, total_tokens,
               cost_usd
        from intermediate.int_helicone__sessions
        """,
    )
    assert rows == [("s-1", D1, "Summarize", "helicone:h1", 2, 0.5, 510, 2, 610, 200, 100, 810, 0.5)]


def test_user_metrics_staging(warehouse):
    assert query(
        warehouse,
        "select user_id, cast(day as varchar), call_count, cost_usd, vendor_prompt_tokens "
        "from staging.stg_helicone__user_metrics",
    ) == [("ann@example.com", D1, 2, 0.5, 510)]
