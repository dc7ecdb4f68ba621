"""Consolidation across vendors on hand-made calls: which records are one call, and what was spent, by hand.

One day, 2024-01-01. Helicone's clock runs about 1.2 s ahead of Revenium's (a gateway stamps its own time);
orq.ai is on Revenium's clock and names calls by Revenium's transaction id. Tokens are (input, output);
no cache tokens, so every vendor's count is the same. Costs are binary fractions (sums exact).

=====  ==========================================  =============================================  ========
call   Revenium (trace, time, tokens, cost)         Helicone / orq.ai                              expected
=====  ==========================================  =============================================  ========
A      r1 T1 10:00:00.000 (100, 20) 0.5, tx-1       h1 T1 10:00:01.200 0.625 (stale price);        one call
                                                    o1 span tx-1 T1 10:00:00.000 0.5
B, C   r2 T2 10:05:00.000, r3 T2 10:05:02.000       h2 T2 10:05:01.200, h3 T2 10:05:03.200          h2=r2,
       (200, 40) 0.25 each: look-alikes 2 s apart   (same tokens, 0.25 each)                       h3=r3
D      -                                            h4 T3 12:00:00 (50, 10) 0.125                  own call
E, F   r5 T4 13:00:00.000, r6 T4 13:00:00.300       h5 T4 13:00:01.375 (400, 80) 0.25              h5
       (400, 80) 0.25 each                                                                         ambiguous
G      r7 T5 14:00:00.000 (500, 100) 0.5            h7 T6 14:00:01.225 same tokens, 0.5            two calls
H      r8 T7 11:00:00.000 (300, 60) 0.25            h8 T7 11:00:01.250 0.25                        one call
I      r9 T8 15:00:00.000 (600, 120) 0.125          h9 no session 15:00:01.225 0.125               one call
=====  ==========================================  =============================================  ========

* Helicone's clock offset: the median of the sure pairs (each side the other's only candidate): h1-r1
  +1200, h8-r8 +1250 -> 1225 ms. h2 is 1200 ms after r2 but only 800 ms before r3: nearest by raw time it
  would be r3's; with the offset taken off it is 25 ms from r2 and 2025 ms from r3 (beyond the 2000 ms
  tolerance): B and C are matched right.
* h5 is 150 ms from r5 and 150 ms from r6 once the offset is off: under the 500 ms margin, so ambiguous:
  merged with neither, not counted again (each candidate is a call already counted), 1 ambiguous
  observation of $0.25.
* h7 names another trace than r7 (T6, not T5): never one call.
* h9 has no session id: matched to r9 on model, tokens and time alone (tokens_time, confidence 0.8).
* o1 carries r1's transaction id: span_id match. A's weakest rule is h1's trace_tokens (0.95).

Consolidated calls: A, B, C, D, E, F, G (r7), G' (h7), H, I = 10. Each costs its most trusted observer's
figure (Revenium, then orq.ai, then Helicone): 0.5 + 0.25 + 0.25 + 0.125 + 0.25 + 0.25 + 0.5 + 0.5 + 0.25
+ 0.125 = $3.00. Every record added up: Revenium 2.375 + Helicone 2.375 + orq 0.5 = $5.25, so $2.25 would
have been counted twice. By team: team-1 (calls Revenium saw) 2.375, '(not set)' (D, G') 0.625.
focus_ai_costs charges the same $3.00, each call once, with the record whose cost was chosen.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ingestion.vendors import vendor_named

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt

pytestmark = pytest.mark.slow

REVENIUM, HELICONE, ORQ = (
    vendor_named("revenium").name,
    vendor_named("helicone").name,
    vendor_named("orq").name,
)

DAY = "2024-01-01"
MODELS = "int_call_resolution+"  # the consolidated marts and focus_ai_costs
INVOICES = {
    "focus_invoices": [{"provider": "openai", "billing_period_start": "2024-01-01", "invoice_id": "inv-1"}]
}


def at(clock: str) -> dt.datetime:
    """A UTC time of DAY from 'HH:MM:SS.mmm'."""
    return dt.datetime.fromisoformat(f"{DAY}T{clock}+00:00")


def revenium(
    id_: str, trace: str, clock: str, tokens: tuple[int, int], cost: float, transaction: str
) -> dict:
    return {
        "team_id": "team-1",
        "id": id_,
        "metric_type": "COMPLETION",
        "request_time": at(clock),
        "provider": "OPENAI",
        "model": "gpt-4o",
        "input_token_count": tokens[0],
        "output_token_count": tokens[1],
        "total_token_count": sum(tokens),
        "total_cost": cost,
        "transaction_id": transaction,
        "trace_id": trace,
        "stop_reason": "END",
    }


def helicone(id_: str, session: str | None, clock: str, tokens: tuple[int, int], cost: float) -> dict:
    properties = {"Helicone-Session-Id": session} if session else {}
    return {
        "request_id": id_,
        "request_created_at": at(clock),
        "response_status": 200,
        "provider": "OPENAI",
        "request_model": "gpt-4o",
        "model": "gpt-4o",
        "prompt_tokens": tokens[0],
        "completion_tokens": tokens[1],
        "total_tokens": sum(tokens),
        "cost": cost,
        "properties": json.dumps(properties),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("consolidation")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [
            revenium("r1", "T1", "10:00:00.000", (100, 20), 0.5, "tx-1"),
            revenium("r2", "T2", "10:05:00.000", (200, 40), 0.25, "tx-2"),
            revenium("r3", "T2", "10:05:02.000", (200, 40), 0.25, "tx-3"),
            revenium("r5", "T4", "13:00:00.000", (400, 80), 0.25, "tx-5"),
            revenium("r6", "T4", "13:00:00.300", (400, 80), 0.25, "tx-6"),
            revenium("r7", "T5", "14:00:00.000", (500, 100), 0.5, "tx-7"),
            revenium("r8", "T7", "11:00:00.000", (300, 60), 0.25, "tx-8"),
            revenium("r9", "T8", "15:00:00.000", (600, 120), 0.125, "tx-9"),
        ],
    )
    insert_rows(
        wh,
        "raw_helicone",
        "requests",
        [
            helicone("h1", "T1", "10:00:01.200", (100, 20), 0.625),
            helicone("h2", "T2", "10:05:01.200", (200, 40), 0.25),
            helicone("h3", "T2", "10:05:03.200", (200, 40), 0.25),
            helicone("h4", "T3", "12:00:00.000", (50, 10), 0.125),
            helicone("h5", "T4", "13:00:01.375", (400, 80), 0.25),
            helicone("h7", "T6", "14:00:01.225", (500, 100), 0.5),
            helicone("h8", "T7", "11:00:01.250", (300, 60), 0.25),
            helicone("h9", None, "15:00:01.225", (600, 120), 0.125),
        ],
    )
    insert_rows(
        wh,
        "raw_orq",
        "spans",
        [
            {
                "trace_id": "T1",
                "trace_started_at": at("10:00:00.000"),
                "span_id": "tx-1",
                "type": "llm",
                "operation": "chat",
                "status": "ok",
                "started_at": at("10:00:00.000"),
                "provider": "openai",
                "model": "gpt-4o",
                "prompt_tokens": 100,
                "completion_tokens": 20,
                "total_tokens": 120,
                "cost_total": 0.5,
            }
        ],
    )
    # @: the marts downstream and everything they read (the pricing marts read the price book's seeds too)
    run_dbt(wh, work, "build", "--select", f"@{MODELS.rstrip('+')}", "+focus_ai_costs", vars=INVOICES)
    return wh


def resolution(wh: Path) -> dict[str, tuple]:
    rows = query(
        wh,
        "select call_id, consolidated_call_id, resolution, match_rule, match_confidence "
        "from intermediate.int_call_resolution",
    )
    return {call_id: rest for call_id, *rest in rows}


def test_each_observation_is_resolved_as_worked_out(warehouse):
    r = "revenium:team-1:"
    expected = {
        f"{r}r1": [f"{r}r1", "anchor", None, None],
        "helicone:h1": [f"{r}r1", "matched", "trace_tokens", 0.95],
        "orq:tx-1": [f"{r}r1", "matched", "span_id", 1.0],
        "helicone:h2": [f"{r}r2", "matched", "trace_tokens", 0.95],
        "helicone:h3": [f"{r}r3", "matched", "trace_tokens", 0.95],
        "helicone:h4": ["helicone:h4", "unmatched", None, None],
        "helicone:h5": [None, "ambiguous", None, None],
        "helicone:h7": ["helicone:h7", "unmatched", None, None],
        "helicone:h8": [f"{r}r8", "matched", "trace_tokens", 0.95],
        "helicone:h9": [f"{r}r9", "matched", "tokens_time", 0.8],
    }
    found = resolution(warehouse)
    for call_id, want in expected.items():
        assert list(found[call_id]) == want, call_id
    assert len(found) == 17  # 8 Revenium + 8 Helicone + 1 orq


def test_the_clock_offset_is_the_median_of_the_sure_pairs(warehouse):
    (offset,) = query(
        warehouse,
        "select distinct clock_offset_ms from intermediate.int_call_resolution "
        "where source_system = 'helicone' and match_rule = 'trace_tokens'",
    )
    assert offset == (1225.0,)


def test_consolidated_calls_and_their_costs(warehouse):
    calls = query(
        warehouse,
        "select consolidated_call_id, observation_count, cost_usd, cost_source_system, match_rule, "
        "disagreement_reason from marts.fct_consolidated_calls order by 1",
    )
    r = "revenium:team-1:"
    assert [(c, n, float(cost), src, rule, why) for c, n, cost, src, rule, why in calls] == [
        ("helicone:h4", 1, 0.125, "helicone", None, None),
        ("helicone:h7", 1, 0.5, "helicone", None, None),
        (f"{r}r1", 3, 0.5, "revenium", "trace_tokens", "price_difference"),
        (f"{r}r2", 2, 0.25, "revenium", "trace_tokens", "none"),
        (f"{r}r3", 2, 0.25, "revenium", "trace_tokens", "none"),
        (f"{r}r5", 1, 0.25, "revenium", None, None),
        (f"{r}r6", 1, 0.25, "revenium", None, None),
        (f"{r}r7", 1, 0.5, "revenium", None, None),
        (f"{r}r8", 2, 0.25, "revenium", "trace_tokens", "none"),
        (f"{r}r9", 2, 0.125, "revenium", "tokens_time", "none"),
    ]
    (a,) = query(
        warehouse,
        "select revenium_cost_usd, orq_cost_usd, helicone_cost_usd, cost_spread_usd "
        f"from marts.fct_consolidated_calls where consolidated_call_id = '{r}r1'",
    )
    assert [float(x) for x in a] == [0.5, 0.5, 0.625, 0.125]


def test_daily_spend_counts_each_call_once(warehouse):
    (row,) = query(
        warehouse,
        "select call_count, calls_seen_by_several, cost_usd, tool_cost_usd, total_cost_usd, observation_count, "
        "observed_cost_usd, double_counted_cost_usd, ambiguous_observation_count, ambiguous_observation_cost_usd "
        "from marts.consolidated_spend_daily",
    )
    assert [float(x) for x in row] == [10, 5, 3.0, 0, 3.0, 17, 5.25, 2.25, 1, 0.25]  # no tool calls here


def test_spend_by_team_adds_up_to_the_daily_spend(warehouse):
    rows = query(
        warehouse,
        "select dimension_value, cost_usd from marts.consolidated_cost_by_dimension_daily "
        "where dimension_name = 'team' order by 1",
    )
    assert [(v, float(c)) for v, c in rows] == [("(not set)", 0.625), ("team-1", 2.375)]


def test_vendor_overlap_per_pair(warehouse):
    rows = query(
        warehouse,
        "select source_system_a, source_system_b, calls_seen_by_both, calls_seen_by_a_only, "
        "calls_seen_by_b_only, calls_with_price_difference from marts.vendor_overlap_daily order by 1, 2",
    )
    assert rows == [
        (ORQ, HELICONE, 1, 0, 6, 1),
        (REVENIUM, HELICONE, 5, 3, 2, 1),
        (REVENIUM, ORQ, 1, 7, 0, 0),
    ]


def test_a_partition_run_gives_the_full_builds_rows(warehouse, tmp_path):
    before = query(warehouse, "select * from marts.fct_consolidated_calls order by 1")
    run_dbt(
        warehouse,
        tmp_path,
        "run",
        "--select",
        MODELS,
        vars={**INVOICES, "min_date": DAY, "max_date": "2024-01-02"},
    )
    assert query(warehouse, "select * from marts.fct_consolidated_calls order by 1") == before


def test_focus_charges_each_call_once_with_the_chosen_record_and_the_listed_invoice(warehouse):
    rows = query(
        warehouse,
        'select "x_SourceSystem", "x_CostKind", sum("BilledCost"), min("InvoiceId"), max("InvoiceId") '
        "from marts.focus_ai_costs group by 1, 2 order by 1",
    )
    # Revenium's records for the calls it saw (2.375), Helicone's for D and G' (0.125 + 0.5); o1's call is
    # charged once, through r1; every charge is on the listed OpenAI invoice of January 2024
    assert [(s, k, float(c), lo, hi) for s, k, c, lo, hi in rows] == [
        ("helicone", "token", 0.625, "inv-1", "inv-1"),
        ("revenium", "token", 2.375, "inv-1", "inv-1"),
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"consolidation_time_tolerance_ms": "abc"}, "var consolidation_time_tolerance_ms must be a number"),
        ({"consolidation_ambiguity_margin_ms": -5}, "var consolidation_ambiguity_margin_ms must be a number"),
        (
            {"consolidation_rounding_usd": "0.01; drop table x"},
            "var consolidation_rounding_usd must be a number",
        ),
        (
            {"consolidation_match_without_ids": "no"},
            "var consolidation_match_without_ids must be true or false",
        ),
        ({"consolidation_precedence": "revenium,Orq"}, "var consolidation_precedence: 'Orq' is not a source"),
    ],
)
def test_a_malformed_consolidation_setting_stops_the_build_naming_it(tmp_path, settings, message):
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    result = run_dbt(wh, tmp_path, "compile", "--select", MODELS, vars=settings, check=False)
    assert result.returncode != 0
    assert message in result.stdout


def test_the_precedence_may_be_a_comma_separated_string(tmp_path):
    """As var source_systems: 'orq, revenium' is two source systems (not eleven letters), and orq's records
    then anchor the calls it saw."""
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    result = run_dbt(
        wh, tmp_path, "compile", "--select", "fct_consolidated_calls",
        vars={"consolidation_precedence": "orq, revenium"},
    )  # fmt: skip
    compiled = next((tmp_path / "target" / "compiled").rglob("fct_consolidated_calls.sql")).read_text()
    assert result.returncode == 0
    assert "as orq_call_id" in compiled and "as revenium_call_id" in compiled
    assert "helicone_call_id" not in compiled
    assert compiled.index("orq_cost_usd,") < compiled.index("revenium_cost_usd")
