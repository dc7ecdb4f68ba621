"""Helicone sessions and orq spans in the two-partition warehouse, against the vendors' own figures.

Two independent computations meet here: Helicone's session aggregates (its /v1/session/query) against our
roll-up of the same requests, and orq's reporting buckets (/v2/reporting) against our roll-up of its spans
(/v3/traces/.../spans), bucket by bucket.
"""

import duckdb
import numpy as np
import pytest

from tests.conftest import DAY_1, DAY_2

pytestmark = pytest.mark.slow


def test_helicone_sessions_equal_the_roll_up_of_their_requests(two_days, world):
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        per_day = dict(
            (day, (n, calls))
            for day, n, calls in con.execute(
                "select day, count(*), sum(vendor_call_count) from intermediate.int_helicone__sessions group by 1"
            ).fetchall()
        )
        mismatched = con.execute(
            """
            select count(*) from intermediate.int_helicone__sessions
            where vendor_call_count is distinct from call_count
               or abs(vendor_cost_usd - cost_usd) > 1e-9
               or root_call_id is null
            """
        ).fetchone()[0]
    assert mismatched == 0
    for day in (DAY_1, DAY_2):
        c = world.calls(day)
        rows = np.flatnonzero(c.in_helicone)
        assert per_day[day] == (len(np.unique(c.trace[rows])), len(rows))


def test_orq_spans_roll_up_to_orqs_reporting_buckets(two_days):
    """Every hourly bucket of orq's reporting equals the roll-up of its spans: same calls, cost, tokens."""
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        diff = con.execute(
            """
            with calls as (
                select * from marts.fct_ai_usage_hourly where source_system = 'orq'
                    and aggregated_from = 'fct_ai_calls'
            ),
            vendor as (
                select * from marts.fct_ai_usage_hourly where source_system = 'orq'
                    and aggregated_from = 'vendor_reporting'
            )
            select count(*),
                   count(*) filter (where calls.hour_start is null or vendor.hour_start is null),
                   count(*) filter (where calls.call_count <> vendor.call_count
                                       or calls.error_count <> vendor.error_count
                                       or calls.total_tokens <> vendor.total_tokens
                                       or abs(calls.cost_usd - vendor.cost_usd) > 1e-6)
            from calls full outer join vendor
                on calls.hour_start = vendor.hour_start
                and calls.provider_name is not distinct from vendor.provider_name
                and calls.request_model is not distinct from vendor.request_model
                and calls.agent_name is not distinct from vendor.agent_name
                and calls.organization_name is not distinct from vendor.organization_name
                and calls.product_name is not distinct from vendor.product_name
            """
        ).fetchone()
    buckets, unmatched, different = diff
    assert buckets > 100 and unmatched == 0 and different == 0
