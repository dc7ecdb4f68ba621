"""ROI and margin formulas of the roi marts on hand-made raw rows, every expected number worked out by hand.

One UTC day, one team. Calls (Revenium completions) and their tool calls:

    call  customer  product  job  cost   tool call
    c1    Acme      Copilot  J1   1.00   e1 0.25
    c2    Acme      Copilot  J1   0.50
    c3    Beta      Search   J2   2.00   e2 0.50
    c4    Beta      Copilot  -    0.25
    c5    Beta      Search   J4   1.00

Revenium's revenue that day: per customer Acme 6.00, Beta 4.50; per product Copilot 5.00, Search 8.00.
Jobs: J1 lead SUCCESS CONVERTED value 10; J2 lead SUCCESS no outcome yet; J3 lead FAILED UNSUCCESSFUL value 0 (no
calls); J4 ticket SUCCESS DEFLECTED value 3.
"""

from __future__ import annotations

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, utc

pytestmark = pytest.mark.slow

D1 = "2024-05-01"
MARTS = (
    "revenue_margin_by_customer_daily",
    "revenue_margin_by_product_daily",
    "job_roi",
    "job_type_roi_daily",
    "job_conversion_funnel_daily",
)


def _call(id_, org, product, cost, job=None):
    return {
        "team_id": "t1",
        "id": id_,
        "transaction_id": f"tx-{id_}",
        "metric_type": "COMPLETION",
        "provider": "OPENAI",
        "model": "gpt-4o",
        "request_time": utc(D1, "10:00"),
        "organization_label": org,
        "product_label": product,
        "agentic_job_id": job,
        "input_token_count": 100,
        "output_token_count": 10,
        "total_cost": cost,
    }


def _tool(id_, call_id, org, product, cost):
    return {
        "team_id": "t1",
        "id": id_,
        "tool_id": "web-search",
        "transaction_id": f"tx-{call_id}",
        "success": True,
        "cost_usd": cost,
        "event_time": utc(D1, "10:00"),
        "organization_name": org,
        "product_name": product,
    }


def _revenue(endpoint, group, value):
    return {
        "team_id": "t1",
        "endpoint": endpoint,
        "group_name": group,
        "metric_label": "revenue",
        "metric_result": value,
        "metric_type": "MONEY",
        "_day": utc(D1).date(),
    }


def _job(id_, job_type, status, outcome=None, value=None):
    return {
        "team_id": "t1",
        "agentic_job_id": id_,
        "id": f"h-{id_}",
        "created_at": utc(D1, "09:00"),
        "job_type": job_type,
        "execution_status": status,
        "outcome_type": outcome,
        "outcome_value": value,
        "has_outcome": outcome is not None,
    }


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roi")
    path = tmp / "warehouse.duckdb"
    create_raw_tables(path)
    insert_rows(
        path,
        "raw_revenium",
        "completions",
        [
            _call("c1", "Acme", "Copilot", 1.00, "J1"),
            _call("c2", "Acme", "Copilot", 0.50, "J1"),
            _call("c3", "Beta", "Search", 2.00, "J2"),
            _call("c4", "Beta", "Copilot", 0.25),
            _call("c5", "Beta", "Search", 1.00, "J4"),
        ],
    )
    insert_rows(
        path,
        "raw_revenium",
        "tool_events",
        [_tool("e1", "c1", "Acme", "Copilot", 0.25), _tool("e2", "c3", "Beta", "Search", 0.50)],
    )
    insert_rows(
        path,
        "raw_revenium",
        "analytics_aggregated",
        [
            _revenue("revenue-per-customer", "Acme", 6.00),
            _revenue("revenue-per-customer", "Beta", 4.50),
            _revenue("revenue-per-product", "Copilot", 5.00),
            _revenue("revenue-per-product", "Search", 8.00),
        ],
    )
    insert_rows(
        path,
        "raw_revenium",
        "jobs",
        [
            _job("J1", "lead", "SUCCESS", "CONVERTED", 10.0),
            _job("J2", "lead", "SUCCESS"),
            _job("J3", "lead", "FAILED", "UNSUCCESSFUL", 0.0),
            _job("J4", "ticket", "SUCCESS", "DEFLECTED", 3.0),
        ],
    )
    run_dbt(path, tmp, "run", "--select", *(f"+{m}" for m in MARTS))
    return path


def _by_key(wh, sql):
    return {
        r[0]: tuple(float(x) if x is not None and not isinstance(x, str) else x for x in r[1:])
        for r in query(wh, sql)
    }


def test_margin_per_customer_is_profit_over_revenue(wh):
    got = _by_key(
        wh,
        "select organization_name, revenue_usd, cost_usd, tool_cost_usd, profit_usd, margin, margin_pct, "
        "profit_after_tool_cost_usd from marts.revenue_margin_by_customer_daily",
    )
    # Acme: cost 1.00 + 0.50 = 1.50; profit 6 - 1.5 = 4.5; margin 4.5 / 6 = 0.75; after the 0.25 tool call 4.25
    assert got["Acme"] == pytest.approx((6.0, 1.5, 0.25, 4.5, 0.75, 75.0, 4.25), abs=1e-9)
    # Beta: cost 2 + 0.25 + 1 = 3.25; profit 1.25; margin 1.25 / 4.5 = 0.2777...; after the 0.50 tool call 0.75
    assert got["Beta"] == pytest.approx((4.5, 3.25, 0.5, 1.25, 1.25 / 4.5, 125 / 4.5, 0.75), abs=1e-9)


def test_margin_per_product_is_profit_over_revenue(wh):
    got = _by_key(
        wh,
        "select product_name, revenue_usd, cost_usd, profit_usd, margin from marts.revenue_margin_by_product_daily",
    )
    # Copilot: cost 1 + 0.5 + 0.25 = 1.75, profit 3.25, margin 0.65; Search: cost 3, profit 5, margin 0.625
    assert got == {
        "Copilot": pytest.approx((5.0, 1.75, 3.25, 0.65), abs=1e-9),
        "Search": pytest.approx((8.0, 3.0, 5.0, 0.625), abs=1e-9),
    }


def test_job_roi_is_value_minus_cost_over_cost(wh):
    got = _by_key(
        wh,
        "select job_id, token_cost_usd, tool_cost_usd, total_cost_usd, outcome_value_usd, net_value_usd, roi, roi_pct "
        "from marts.job_roi",
    )
    # J1: calls 1.5 + tool 0.25 = 1.75; (10 - 1.75) / 1.75 = 4.7142857...
    assert got["J1"] == pytest.approx((1.5, 0.25, 1.75, 10.0, 8.25, 8.25 / 1.75, 825 / 1.75), abs=1e-9)
    # J2: no outcome yet -> no value, no ROI
    assert got["J2"][:3] == pytest.approx((2.0, 0.5, 2.5)) and got["J2"][3:] == (None, None, None, None)
    # J3: an outcome worth 0 but no cost -> ROI undefined (NULL), not a division error
    assert got["J3"] == (0.0, 0.0, 0.0, 0.0, 0.0, None, None)
    # J4: (3 - 1) / 1 = 2
    assert got["J4"] == pytest.approx((1.0, 0.0, 1.0, 3.0, 2.0, 2.0, 200.0), abs=1e-9)


def test_job_type_roi_splits_cost_and_divides_the_sums(wh):
    got = _by_key(
        wh,
        "select job_type, total_jobs, successful_jobs, outcomes_reported, conversions, deflections, token_cost_usd, "
        "tool_cost_usd, total_cost_usd, total_value_usd, average_value_usd, cost_per_conversion_usd, "
        "cost_per_outcome_usd, roi, success_rate from marts.job_type_roi_daily",
    )
    # lead: J1 + J2 + J3; token 1.5 + 2 = 3.5, tool 0.75, total 4.25; value 10 over 2 outcomes;
    # ROI (10 - 4.25) / 4.25 = 1.3529411...; cost per conversion 4.25 / 1; per outcome 4.25 / 2
    assert got["lead"] == pytest.approx(
        (3, 2, 2, 1, 0, 3.5, 0.75, 4.25, 10.0, 5.0, 4.25, 2.125, 5.75 / 4.25, 2 / 3), abs=1e-9
    )
    # ticket: J4 alone, no conversion -> no cost per conversion
    assert got["ticket"][:10] == pytest.approx((1, 1, 1, 0, 1, 1.0, 0.0, 1.0, 3.0, 3.0), abs=1e-9)
    assert got["ticket"][10] is None
    assert got["ticket"][11:] == pytest.approx((1.0, 2.0, 1.0), abs=1e-9)


def test_conversion_funnel_counts_total_successful_converted(wh):
    got = _by_key(
        wh,
        "select job_type, total_jobs, successful_jobs, converted_jobs, success_rate, conversion_rate, "
        "success_to_conversion_rate from marts.job_conversion_funnel_daily",
    )
    assert got["lead"] == pytest.approx((3, 2, 1, 2 / 3, 1 / 3, 0.5), abs=1e-9)
    assert got["ticket"] == pytest.approx((1, 1, 0, 1.0, 0.0, 0.0), abs=1e-9)


def test_reconciliation_takes_a_new_cost_dimension_by_its_mapping_line(wh, tmp_path):
    """A dimension added to cost_dimensions brings its vendor analytics into source_reconciliation_daily."""

    def compiled(dimensions: dict[str, str]) -> str:
        run_dbt(
            wh,
            tmp_path,
            "compile",
            "--select",
            "source_reconciliation_daily",
            vars={"cost_dimensions": dimensions},
        )
        return next((tmp_path / "target" / "compiled").rglob("source_reconciliation_daily.sql")).read_text()

    only_provider = compiled({"provider": "provider_name"})
    assert "'cost-by-vendor'" in only_provider and "'metrics/totalCost'" in only_provider
    assert "'cost-by-model-aggregated'" not in only_provider and "'cost-by-product'" not in only_provider
    with_product = compiled({"provider": "provider_name", "product": "product_name"})
    assert "'cost-by-product-aggregated'" in with_product and "'cost-by-product'" in with_product
    assert "dimension_name = 'product' and source_system = 'revenium'" in with_product
