"""The price book on hand-made Revenium calls: list costs per token type, a price change at noon, an override,
a restatement that touches only the calls it must, and a what-if scenario, all worked out by hand.

List prices (USD per 1M tokens) are the providers' published ones, as the pinned genai-prices has them:
gpt-4o 2.50 in / 10 out / 1.25 cache read; gpt-4o-mini 0.15 / 0.60; o3 2 / 8; claude-sonnet-4 3 / 15 / 0.30
read / 3.75 write; claude-3-5-haiku 0.80 / 4 / 0.08 / 1.00; gemini-2.5-pro 1.25 / 10, over 200k input tokens
2.50 / 15 for every token; deepseek-chat 0.27 / 1.10 from 00:30 to 16:30 UTC, 0.135 / 0.55 otherwise.
Token counts below are Revenium's: input excludes the cache reads and writes.

=====  ==========  =====================  =========================================  ==========================
call   time (D2)   model                  tokens                                     list cost (USD)
=====  ==========  =====================  =========================================  ==========================
c1     10:00       gpt-4o                 in 100k, cache read 40k, out 20k           0.25 + 0.05 + 0.20 = 0.50
c2     10:00       claude-sonnet-4        in 10k, read 100k, write 20k, out 2k       0.03 + 0.03 + 0.075 + 0.03
                   (agent support)                                                   = 0.165
c3     10:00       o3                     in 50k, out 30k of which reasoning 20k     0.10 + 0.24 = 0.34
c4     10:00       gemini-2.5-pro         in 250k, out 10k (over the 200k tier)      0.625 + 0.15 = 0.775
c5     10:00       gemini-2.5-pro         in 150k, out 10k                           0.1875 + 0.10 = 0.2875
c6     16:29:59    deepseek-chat          in 1M, out 100k (peak)                     0.27 + 0.11 = 0.38
c7     16:30:00    deepseek-chat          in 1M, out 100k (off-peak)                 0.135 + 0.055 = 0.19
c8     10:00       mistral-small          in 1k, out 1k                              unpriced (no list price)
c9     10:00       acme-llm-1 (private)   in 1M, out 500k; override 1.00 / 2.00      1.00 + 1.00 = 2.00
c10    11:59:59    gpt-4o-mini            in 1M, out 100k                            0.15 + 0.06 = 0.21
c11    12:00:00    gpt-4o-mini            in 1M, out 100k; override input 0.10       0.10 + 0.06 = 0.16
                                          from D2 12:00
=====  ==========  =====================  =========================================  ==========================

Each call's vendor cost is its list cost, except c1 (0.45: a 10% discount, variance -0.05).
D1 has d1 (gpt-4o-mini, 10:00, in 1M, out 100k: 0.21), a closed partition.

Then the override file changes (version 2): gpt-4o-mini input is 0.12 from D2 12:00. Building D3 (d3: the same
call as d1 on D3, 0.12 + 0.06 = 0.18) restates c11 alone, 0.16 -> 0.18 (+0.02); d1 and c10 are before noon
of D2. Nothing else of D1 and D2 changes, byte for byte.

Scenario 'haiku for support': agent support's claude-sonnet-4 calls on claude-3-5-haiku. c2 then costs
0.008 + 0.008 + 0.02 + 0.008 = 0.044: cost -0.121, margin +0.121 for its customer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from ingestion.vendors import vendor_named

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, table_snapshot

pytestmark = pytest.mark.slow

REVENIUM = vendor_named("revenium").name
D1, D2, D3 = "2026-03-02", "2026-03-03", "2026-03-04"
SELECT = (
    "+price_scenarios_daily +price_coverage +price_restatement_impact_daily +price_variance_daily "
    "+consolidated_spend_daily +cost_by_model_daily"
)
ORIGINAL_COST_TABLES = (
    "marts.fct_ai_calls",
    "marts.fct_consolidated_calls",
    "marts.consolidated_spend_daily",
    "marts.cost_by_model_daily",
)
OVERRIDES_V1 = [
    {"provider": "acme", "model": "acme-llm-1", "price_unit": "input", "usd_price": "1"},
    {"provider": "acme", "model": "acme-llm-1", "price_unit": "output", "usd_price": "2"},
    {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "price_unit": "input",
        "usd_price": "0.10",
        "effective_from": f"{D2} 12:00:00",
    },
]
OVERRIDES_V2 = [*OVERRIDES_V1[:2], {**OVERRIDES_V1[2], "usd_price": "0.12"}]
SCENARIOS = [
    {
        "name": "haiku for support",
        "model_swaps": [
            {"agent_name": "support", "from_model": "claude-sonnet-4", "to_model": "claude-3-5-haiku"}
        ],
    }
]


def call(id_: str, day: str, clock: str, provider: str, model: str, cost: str, **tokens: int) -> dict:
    return {
        "team_id": "team-1",
        "id": id_,
        "metric_type": "COMPLETION",
        "request_time": dt.datetime.fromisoformat(f"{day}T{clock}+00:00"),
        "provider": provider,
        "model": model,
        "input_token_count": tokens.get("input", 0),
        "output_token_count": tokens.get("output", 0),
        "cache_read_token_count": tokens.get("read", 0),
        "cache_creation_token_count": tokens.get("write", 0),
        "reasoning_token_count": tokens.get("reasoning", 0),
        "total_token_count": tokens.get("input", 0) + tokens.get("output", 0),
        "total_cost": float(cost),
        "transaction_id": f"tx-{id_}",
        "trace_id": f"T-{id_}",
        "agent": "support" if model == "claude-sonnet-4" else "writer",
        "organization_label": "acme-corp",
        "stop_reason": "END",
    }


CALLS = [
    call("d1", D1, "10:00:00", "OPENAI", "gpt-4o-mini", "0.21", input=1_000_000, output=100_000),
    call("c1", D2, "10:00:00", "OPENAI", "gpt-4o", "0.45", input=100_000, read=40_000, output=20_000),
    call(
        "c2",
        D2,
        "10:00:00",
        "ANTHROPIC",
        "claude-sonnet-4",
        "0.165",
        input=10_000,
        read=100_000,
        write=20_000,
        output=2_000,
    ),
    call("c3", D2, "10:00:00", "OPENAI", "o3", "0.34", input=50_000, output=30_000, reasoning=20_000),
    call("c4", D2, "10:00:00", "GOOGLE", "gemini-2.5-pro", "0.775", input=250_000, output=10_000),
    call("c5", D2, "10:00:00", "GOOGLE", "gemini-2.5-pro", "0.2875", input=150_000, output=10_000),
    call("c6", D2, "16:29:59", "DEEPSEEK", "deepseek-chat", "0.38", input=1_000_000, output=100_000),
    call("c7", D2, "16:30:00", "DEEPSEEK", "deepseek-chat", "0.19", input=1_000_000, output=100_000),
    call("c8", D2, "10:00:00", "MISTRAL", "mistral-small", "0.0004", input=1_000, output=1_000),
    call("c9", D2, "10:00:00", "ACME", "acme-llm-1", "2.00", input=1_000_000, output=500_000),
    call("c10", D2, "11:59:59", "OPENAI", "gpt-4o-mini", "0.21", input=1_000_000, output=100_000),
    call("c11", D2, "12:00:00", "OPENAI", "gpt-4o-mini", "0.16", input=1_000_000, output=100_000),
    call("d3", D3, "10:00:00", "OPENAI", "gpt-4o-mini", "0.18", input=1_000_000, output=100_000),
]
EXPECTED_V1 = {
    "d1": "0.21", "c1": "0.50", "c2": "0.165", "c3": "0.34", "c4": "0.775", "c5": "0.2875", "c6": "0.38",
    "c7": "0.19", "c8": None, "c9": "2.00", "c10": "0.21", "c11": "0.16",
}  # fmt: skip


def build(wh, work, first: str, end: str, overrides: list[dict]) -> None:
    run_dbt(
        wh,
        work,
        "build",
        "--select",
        *SELECT.split(),
        vars={"min_date": first, "max_date": end, "price_overrides": overrides, "price_scenarios": SCENARIOS},
    )


def list_costs(wh) -> dict[str, Decimal | None]:
    rows = query(wh, "select call_id, list_cost_usd from marts.fct_priced_calls")
    return {call_id.rsplit(":", 1)[1]: cost for call_id, cost in rows}


def digest(wh, relation: str, days: tuple[str, ...]) -> str:
    """SHA-256 of a relation's rows of the given days, sorted."""
    rows = [row for row in table_snapshot(wh, relation) if str(row[_day_index(wh, relation)]) in days]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _day_index(wh, relation: str) -> int:
    schema, table = relation.split(".")
    columns = [
        c
        for (c,) in query(
            wh,
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_name = ? order by ordinal_position",
            [schema, table],
        )
    ]
    return columns.index("day")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    wh = tmp_path_factory.mktemp("price_book") / "warehouse.duckdb"
    work = wh.parent / "work"
    create_raw_tables(wh)
    insert_rows(wh, f"raw_{REVENIUM}", "completions", CALLS)
    build(wh, work, D1, D2, OVERRIDES_V1)
    build(wh, work, D2, D3, OVERRIDES_V1)
    before = {
        "costs": list_costs(wh),
        "version": query(wh, "select price_book_version from intermediate.int_price_book_version")[0][0],
        "ledger": table_snapshot(wh, "marts.price_ledger"),
        "digests": {t: digest(wh, t, (D1, D2)) for t in ORIGINAL_COST_TABLES},
        "variance": dict(query(wh, "select call_id, variance_usd from marts.fct_priced_calls")),
        "status": dict(query(wh, "select call_id, pricing_status from marts.fct_priced_calls")),
        "source": dict(query(wh, "select call_id, price_source from marts.fct_priced_calls")),
        "scenario": query(
            wh,
            "select scenario, sum(baseline_cost_usd), sum(scenario_cost_usd), sum(cost_change_usd), "
            "sum(margin_change_usd) from marts.price_scenarios_daily where day = ? group by scenario "
            "order by scenario",
            [D2],
        ),
    }
    build(wh, work, D3, "2026-03-05", OVERRIDES_V2)
    return wh, before


def test_each_token_type_is_priced_as_worked_out_by_hand(warehouse):
    _, before = warehouse
    expected = {k: (Decimal(v) if v else None) for k, v in EXPECTED_V1.items()}
    assert before["costs"] == expected


def test_vendor_cost_against_list_is_the_variance(warehouse):
    _, before = warehouse
    variance = {call_id.rsplit(":", 1)[1]: value for call_id, value in before["variance"].items()}
    assert variance["c1"] == Decimal("-0.05")
    assert all(variance[c] == 0 for c in ("c2", "c3", "c4", "c5", "c6", "c7", "c9", "c10", "c11"))
    assert variance["c8"] is None


def test_unpriced_and_overridden_calls_say_so(warehouse):
    _, before = warehouse
    status = {k.rsplit(":", 1)[1]: v for k, v in before["status"].items()}
    source = {k.rsplit(":", 1)[1]: v for k, v in before["source"].items()}
    assert status["c8"] == "unpriced model" and source["c8"] is None
    assert source["c9"] == "override" and status["c9"] == "priced"
    assert source["c10"] == "genai-prices"  # 11:59:59, before the override's noon
    assert source["c11"] == "genai-prices+override"


def test_the_coverage_mart_lists_the_unpriced_model(warehouse):
    wh, _ = warehouse
    rows = query(
        wh,
        "select request_model, pricing_status, priced_spend_share from marts.price_coverage "
        "where pricing_status <> 'priced'",
    )
    assert rows == [("mistral-small", "unpriced model", 0.0)]


def test_a_new_version_restates_only_the_affected_call(warehouse):
    wh, before = warehouse
    version_2 = query(wh, "select price_book_version from intermediate.int_price_book_version")[0][0]
    assert version_2 != before["version"]
    restated = query(
        wh,
        "select call_id, previous_list_cost_usd, list_cost_usd, restatement_usd, previous_price_book_version "
        "from marts.price_ledger where previous_price_book_version is not null",
    )
    assert restated == [
        (f"{REVENIUM}:team-1:c11", Decimal("0.16"), Decimal("0.18"), Decimal("0.02"), before["version"])
    ]
    # the ledger only grew: every entry of before is there, unchanged
    ledger = table_snapshot(wh, "marts.price_ledger")
    assert [row for row in ledger if row in before["ledger"]] == before["ledger"]
    assert len(ledger) == len(before["ledger"]) + 2  # c11 restated, d3 priced for the first time
    assert list_costs(wh)["c11"] == Decimal("0.18") and list_costs(wh)["d3"] == Decimal("0.18")
    impact = query(
        wh,
        "select day, request_model, organization_name, restated_calls, restatement_usd "
        "from marts.price_restatement_impact_daily",
    )
    assert impact == [(dt.date(2026, 3, 3), "gpt-4o-mini", "acme-corp", 1, Decimal("0.02"))]


def test_original_costs_of_closed_partitions_are_byte_identical(warehouse):
    wh, before = warehouse
    assert {t: digest(wh, t, (D1, D2)) for t in ORIGINAL_COST_TABLES} == before["digests"]


def test_the_baseline_scenario_is_the_restated_actuals_and_a_swap_is_priced_by_hand(warehouse):
    _, before = warehouse
    baseline_total = sum(v for k, v in before["costs"].items() if v is not None and k != "d1")
    assert before["scenario"] == [
        ("baseline", baseline_total, baseline_total, Decimal(0), Decimal(0)),
        (
            "haiku for support",
            baseline_total,
            baseline_total - Decimal("0.121"),
            Decimal("-0.121"),
            Decimal("0.121"),
        ),
    ]
