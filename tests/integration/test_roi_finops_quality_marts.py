"""The roi, finops and quality marts on the two-day warehouse, against the simulator's own analytics.

Each mart is summed over the period [DAY_1, DAY_2 + 1 day) and compared with the vendor's figure for the same
period, computed independently by the simulator (``simulator/revenium/analytics.py`` and the job
surfaces of ``simulator/revenium/jobs.py``, or over HTTP): money to the cent, ratios to 1e-6. Ratios are recomputed
from the vendor's unrounded amounts, so the vendor's 4-decimal rounding is not what is tested.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest
import requests

from ingestion.core.windows import Window, iso_z
from simulator.revenium import analytics as an
from simulator.revenium import jobs as job_surfaces
from simulator.timefmt import day_start_ms
from tests.conftest import DAY_1, DAY_2

pytestmark = pytest.mark.slow

START_MS = day_start_ms(DAY_1)
END_MS = day_start_ms(DAY_2 + timedelta(days=1))
CENT = 0.005
RATIO = 1e-6


def rows(path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# ------------------------------------------------------------------------------ revenue and margin


@pytest.mark.parametrize(
    ("mart", "column", "by"),
    [
        ("revenue_margin_by_customer_daily", "organization_name", "organization"),
        ("revenue_margin_by_product_daily", "product_name", "product"),
    ],
)
def test_revenue_margin_for_the_period_equals_the_vendors_revenue_and_margin(
    two_days, world, mart, column, by
):
    path, _ = two_days
    ours = {
        group: (float(revenue), float(cost), float(profit))
        for group, revenue, cost, profit in rows(
            path,
            f"select {column}, sum(revenue_usd), sum(cost_usd), sum(profit_usd) from marts.{mart} "
            "where day between ? and ? group by 1",
            [DAY_1, DAY_2],
        )
    }
    vendor = an.revenue_and_cost(world, by, START_MS, END_MS)  # nano-USD
    assert set(ours) == set(vendor) and len(vendor) >= 5
    for group, (revenue_nanos, cost_nanos) in vendor.items():
        revenue, cost, profit = ours[group]
        assert revenue == pytest.approx(revenue_nanos / 1e9, abs=CENT), group
        assert cost == pytest.approx(cost_nanos / 1e9, abs=CENT), group
        # the period's margin: summed profit over summed revenue, as a ratio
        assert profit / revenue == pytest.approx((revenue_nanos - cost_nanos) / revenue_nanos, abs=RATIO), (
            group
        )


# ------------------------------------------------------------------------------ jobs


def _vendor_jobs(world) -> dict[str, dict]:
    """Revenium's per-job ROI records (GET /jobs/{id}/roi) for every job created in the period."""
    out = {}
    for day in (DAY_1, DAY_2):
        calls = world.calls(day)
        jobs = job_surfaces.jobs_of(calls)
        for j in range(len(jobs.trace)):
            record = job_surfaces.job_roi(calls, jobs, j)
            out[record["agenticJobId"]] = record
    return out


def test_job_roi_equals_the_vendors_per_job_roi(two_days, world):
    path, _ = two_days
    ours = {
        job_id: (float(cost), None if value is None else float(value), roi, roi_pct, calls)
        for job_id, cost, value, roi, roi_pct, calls in rows(
            path,
            "select job_id, total_cost_usd, outcome_value_usd, roi, roi_pct, call_count from marts.job_roi",
        )
    }
    vendor = _vendor_jobs(world)
    assert set(ours) == set(vendor) and len(vendor) > 100
    with_outcome = 0
    for job_id, v in vendor.items():
        cost, value, roi, roi_pct, calls = ours[job_id]
        assert cost == pytest.approx(v["totalCost"], abs=CENT), job_id
        assert calls == v["transactionCount"], job_id
        assert value == v["outcomeValue"], job_id
        if v["roi"] is None:
            assert roi is None, job_id
            continue
        with_outcome += 1
        # the vendor's per-job roi is a percentage (19900 = 19,900 %), rounded to 2 decimals
        assert roi == pytest.approx((v["outcomeValue"] - v["totalCost"]) / v["totalCost"], abs=RATIO), job_id
        assert roi_pct == pytest.approx(v["roi"], abs=0.005 + 1e-9), job_id
    assert with_outcome > 50


def test_job_type_roi_for_the_period_equals_the_vendors_roi_summary(two_days, world):
    path, _ = two_days
    columns = (
        "total_jobs, conversions, deflections, token_cost_usd, modality_cost_usd, tool_cost_usd, total_cost_usd, "
        "total_value_usd, outcomes_reported, successful_jobs"
    )
    ours = {
        job_type: tuple(float(x) for x in figures)
        for job_type, *figures in rows(
            path,
            f"select job_type, {', '.join(f'sum({c.strip()})' for c in columns.split(','))} "
            "from marts.job_type_roi_daily where day between ? and ? group by 1",
            [DAY_1, DAY_2],
        )
    }
    summary = an.roi_summary(world, START_MS, END_MS, None)["byJobType"]
    assert set(ours) == {s["jobType"] for s in summary} and len(summary) == 6
    for s in summary:
        jobs, conv, defl, token, modality, tool, cost, value, outcomes, ok = ours[s["jobType"]]
        assert (jobs, conv, defl) == (s["totalJobs"], s["conversions"], s["deflections"]), s["jobType"]
        for ours_usd, key in [
            (token, "tokenCost"),
            (modality, "modalityCost"),
            (tool, "externalToolCost"),
            (cost, "totalCost"),
            (value, "totalValue"),
        ]:
            assert ours_usd == pytest.approx(s[key], abs=CENT), (s["jobType"], key)
        assert token + modality + tool == pytest.approx(cost, abs=1e-9)
        # ROI as a ratio, from the period's sums (not an average of daily ROIs)
        assert (value - cost) / cost == pytest.approx(
            (s["totalValue"] - s["totalCost"]) / s["totalCost"], abs=RATIO
        )
        assert ok / jobs == pytest.approx(s["successRate"], abs=5e-5 + 1e-12)  # vendor rounds to 4 decimals
        if s["conversions"]:
            assert cost / conv == pytest.approx(s["costPerConversion"], abs=CENT)
        assert value / outcomes == pytest.approx(s["averageValue"], abs=5e-5 + 1e-12)
    assert any(s["modalityCost"] > 0 for s in summary)  # media calls are part of some jobs' cost


def test_conversion_funnel_for_the_period_equals_the_vendors_funnel(two_days, world, simulator, sim_keys):
    path, _ = two_days
    ((total, successful, converted),) = rows(
        path,
        "select sum(total_jobs), sum(successful_jobs), sum(converted_jobs) from marts.job_conversion_funnel_daily "
        "where day between ? and ?",
        [DAY_1, DAY_2],
    )
    window = Window.for_days(DAY_1, DAY_2 + timedelta(days=1))
    vendor = [0, 0, 0]
    for team in world.team_ids:
        body = requests.get(
            f"{simulator.urls['revenium']}/profitstream/v2/api/jobs/conversion-funnel",
            params={"teamId": team, "startDate": iso_z(window.start), "endDate": iso_z(window.end)},
            headers={"x-api-key": sim_keys.revenium},
            timeout=30,
        ).json()
        vendor = [
            a + body[k] for a, k in zip(vendor, ("totalJobs", "successfulJobs", "convertedJobs"), strict=True)
        ]
    assert [total, successful, converted] == vendor
    assert total > successful > converted > 0


# ------------------------------------------------------------------------------ FOCUS 1.2

# FOCUS 1.2 (FinOps Open Cost and Usage Specification), Cost and Usage columns this dataset carries, as the spec
# states them: (feature level, data type, nullable, allowed values or None). Mandatory columns are all of 1.2's,
# plus the two provider columns 1.3 makes mandatory (replacing ProviderName and PublisherName, kept for 1.2).
FOCUS_1_2 = {
    "BilledCost": ("Mandatory", "Decimal", False, None),
    "BillingAccountId": ("Mandatory", "String", False, None),
    "BillingAccountName": ("Mandatory", "String", True, None),
    "BillingCurrency": ("Mandatory", "String", False, None),  # ISO 4217
    "BillingPeriodEnd": ("Mandatory", "Date/Time", False, None),
    "BillingPeriodStart": ("Mandatory", "Date/Time", False, None),
    "ChargeCategory": ("Mandatory", "String", False, {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}),
    "ChargeClass": ("Mandatory", "String", True, {"Correction"}),
    "ChargeDescription": ("Mandatory", "String", True, None),
    "ChargePeriodEnd": ("Mandatory", "Date/Time", False, None),
    "ChargePeriodStart": ("Mandatory", "Date/Time", False, None),
    "ContractedCost": ("Mandatory", "Decimal", False, None),
    "EffectiveCost": ("Mandatory", "Decimal", False, None),
    "InvoiceIssuerName": ("Mandatory", "String", False, None),
    "ListCost": ("Mandatory", "Decimal", False, None),
    "PricingQuantity": ("Mandatory", "Decimal", True, None),
    "PricingUnit": ("Mandatory", "String", True, None),
    "ProviderName": ("Mandatory", "String", False, None),
    "PublisherName": ("Mandatory", "String", False, None),
    "ServiceCategory": (
        "Mandatory",
        "String",
        False,
        {
            "AI and Machine Learning",
            "Analytics",
            "Business Applications",
            "Compute",
            "Databases",
            "Developer Tools",
            "Multicloud",
            "Identity",
            "Integration",
            "Internet of Things",
            "Management and Governance",
            "Media",
            "Migration",
            "Mobile",
            "Networking",
            "Security",
            "Storage",
            "Web",
            "Other",
        },
    ),  # fmt: skip
    "ServiceName": ("Mandatory", "String", False, None),
    "ChargeFrequency": ("Recommended", "String", False, {"One-Time", "Recurring", "Usage-Based"}),
    # the AI and Machine Learning subcategories (the others belong to other ServiceCategory values)
    "ServiceSubcategory": (
        "Recommended",
        "String",
        False,
        {
            "AI Platforms",
            "Bots",
            "Generative AI",
            "Machine Learning",
            "Natural Language Processing",
            "Other (AI and Machine Learning)",
        },
    ),  # fmt: skip
    "PricingCategory": ("Conditional", "String", True, {"Standard", "Dynamic", "Committed", "Other"}),
    "ConsumedQuantity": ("Conditional", "Decimal", True, None),
    "ConsumedUnit": ("Conditional", "String", True, None),
    "SkuId": ("Conditional", "String", True, None),
    "SkuMeter": ("Conditional", "String", True, None),
    "SkuPriceId": ("Conditional", "String", True, None),
    "InvoiceId": ("Recommended", "String", True, None),
    # FOCUS 1.3
    "ServiceProviderName": ("Mandatory", "String", False, None),
    "HostProviderName": ("Mandatory", "String", False, None),
}
DUCKDB_TYPES = {
    "Decimal": ("DECIMAL", "DOUBLE"),
    "String": ("VARCHAR",),
    "Date/Time": ("TIMESTAMP",),
}


def test_focus_ai_costs_has_every_focus_1_2_mandatory_column_with_its_type_nulls_and_values(two_days):
    path, _ = two_days
    types = dict(
        rows(
            path,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'focus_ai_costs'",
        )
    )
    assert {c for c, spec in FOCUS_1_2.items() if spec[0] == "Mandatory"} <= set(types)
    custom = [c for c in types if c not in FOCUS_1_2]
    assert custom and all(c.startswith("x_") for c in custom), custom  # FOCUS: custom columns are x_-prefixed
    assert {"x_AgentName", "x_TraceId", "x_Model", "x_SourceSystem", "x_CostKind"} <= set(custom)
    (n_rows,) = rows(path, "select count(*) from marts.focus_ai_costs")[0]
    assert n_rows > 1000
    for column, (_, data_type, nullable, allowed) in FOCUS_1_2.items():
        if column not in types:
            continue
        assert types[column].startswith(DUCKDB_TYPES[data_type]), (column, types[column])
        ((nulls,),) = rows(path, f'select count(*) from marts.focus_ai_costs where "{column}" is null')
        if not nullable:
            assert nulls == 0, column
        if allowed is not None:
            values = {v for (v,) in rows(path, f'select distinct "{column}" from marts.focus_ai_costs')}
            assert values - {None} <= allowed, (column, values)
    fixed = rows(
        path,
        'select distinct "x_CostKind", "ChargeCategory", "ChargeFrequency", "ServiceCategory", "ServiceSubcategory", '
        '"BillingCurrency", "ChargeClass", "InvoiceId" from marts.focus_ai_costs order by 1',
    )
    assert fixed == [
        ("token", "Usage", "Usage-Based", "AI and Machine Learning", "Generative AI", "USD", None, None),
        (
            "tool",
            "Usage",
            "Usage-Based",
            "AI and Machine Learning",
            "Other (AI and Machine Learning)",
            "USD",
            None,
            None,
        ),
    ]
    # periods: a UTC day inside its UTC calendar month, ends exclusive
    bad_periods = rows(
        path,
        'select count(*) from marts.focus_ai_costs where "ChargePeriodEnd" <> "ChargePeriodStart" + interval 1 day '
        'or "ChargePeriodStart" < "BillingPeriodStart" or "ChargePeriodEnd" > "BillingPeriodEnd" '
        'or cast("ChargePeriodStart" as date) <> "x_ChargeDay"',
    )
    assert bad_periods == [(0,)]


def test_focus_ai_costs_charges_each_call_once_and_every_tool_call(two_days, world, simulator, sim_keys):
    """Per day the token charges are what was spent on AI calls, each once: the simulator's distinct calls
    (truth.py) and Revenium's own total (Revenium meters every call of this world); the tool charges are the
    tool calls' cost; all of it is consolidated_spend_daily's total. Adding up the three vendors' records
    instead would count the shared calls again."""
    from simulator import truth
    from tests.integration.vendor_figures import revenium_cost

    path, _ = two_days
    for day in (DAY_1, DAY_2):
        calls = world.calls(day)
        ((token, tool, total, records),) = rows(
            path,
            'select sum(case when "x_CostKind" = \'token\' then "BilledCost" end), '
            'sum(case when "x_CostKind" = \'tool\' then "BilledCost" end), sum("BilledCost"), '
            "(select sum(cost_usd) from marts.fct_ai_calls where day = ?) "
            'from marts.focus_ai_costs where "x_ChargeDay" = ?',
            [day, day],
        )
        assert float(token) == pytest.approx(truth.distinct_call_cost_nano(calls) / 1e9, abs=CENT)
        assert float(token) == pytest.approx(revenium_cost(simulator, sim_keys, day), abs=CENT)
        assert float(tool) == pytest.approx(truth.tool_cost_nano(calls) / 1e9, abs=CENT) and tool > 0
        assert float(records) > float(token) + 10  # what summing every vendor's records would have said
        ((spend,),) = rows(
            path, "select total_cost_usd from marts.consolidated_spend_daily where day = ?", [day]
        )
        assert total == spend  # exact, DECIMAL(18,9)


# ------------------------------------------------------------------------------ reconciliation

# Every analytic the mapping (models/marts/quality/source_reconciliation_daily.sql) has today for the dimensions on main.
EXPECTED_ANALYTICS = {
    ("revenium", "cost-by-provider-aggregated"),
    ("revenium", "cost-by-vendor"),
    ("revenium", "cost-by-model-aggregated"),
    ("revenium", "cost-by-agent-aggregated"),
    ("revenium", "cost-by-organization-aggregated"),
    ("revenium", "cost-by-provider"),
    ("revenium", "cost-by-model"),
    ("revenium", "cost-by-agent"),
    ("revenium", "cost-by-organization"),
    ("revenium", "revenue-per-customer"),
    ("revenium", "revenue-per-product"),
    ("revenium", "profit-margin-per-customer"),
    ("revenium", "profit-margin-per-product"),
    ("revenium", "jobs/roi-summary"),
    ("revenium", "jobs/conversion-funnel"),
    ("helicone", "metrics/totalCost"),
    ("orq", "reporting genai.cost totals"),
}


def test_source_reconciliation_has_every_analytic_inside_tolerance_for_both_days(two_days):
    path, _ = two_days
    covered = {
        (day, source, analytic)
        for day, source, analytic in rows(
            path, "select distinct day, source_system, analytic from marts.source_reconciliation_daily"
        )
    }
    for day in (DAY_1, DAY_2):
        assert {(s, a) for d, s, a in covered if d == day} >= EXPECTED_ANALYTICS, day
    outside = rows(
        path,
        "select day, source_system, analytic, measure, group_name, our_figure, vendor_figure "
        "from marts.source_reconciliation_daily where not is_within_tolerance",
    )
    assert outside == []
    # the tolerances the model states (var reconciliation_tolerance)
    assert dict(rows(path, "select distinct unit, tolerance from marts.source_reconciliation_daily")) == {
        "usd": 0.005,
        "percent": 0.0001,
        "ratio": 0.0001,
        "count": 0.0,
    }
