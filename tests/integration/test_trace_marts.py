"""Trace and squad marts in the two-partition warehouse, against the vendors' trace/squad endpoints and the world.

Three independent computations meet the marts here:

* the vendors' own trace and squad endpoints (Revenium ``/ai/traces`` and ``/squads``, Helicone
  ``/v1/session/query``, orq.ai ``/v3/traces/search``), landed raw and read through staging, against our
  roll-ups of the calls (``traces``, ``squad_executions``, ``squad_timeline``);
* what the simulator planted on purpose (``simulator.planted``: circular patterns, anomalous
  traces), which the marts never read, against what they find;
* the critical path of every Revenium trace worked out in Python from the world's calls (and the media calls
  that hang off them), against ``trace_critical_path``.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from ingestion.vendors import VENDOR_NAMES
from simulator import catalogue as cat
from simulator import ids, planted
from simulator.revenium.media import media_of
from tests.conftest import DAY_1, DAY_2

pytestmark = pytest.mark.slow

DAYS = (DAY_1, DAY_2)
# Each vendor with the world's column marking the calls it saw (None: Revenium meters every call).
SOURCE_MASKS = [(name, None if name == "revenium" else f"in_{name}") for name in VENDOR_NAMES]


@pytest.fixture(scope="module")
def con(two_days):
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def _ids(con, sql: str, *params) -> set[str]:
    return {r[0] for r in con.execute(sql, list(params)).fetchall()}


def _world_trace_ids(world, day: date, vendor_mask: str | None = None) -> set[str]:
    c = world.calls(day)
    rows = np.arange(c.n) if vendor_mask is None else np.flatnonzero(getattr(c, vendor_mask))
    return {c.trace_id_str(int(i)) for i in rows}


def test_traces_agree_with_reveniums_trace_endpoint(con):
    """Each Revenium trace: same calls (LLM ones), cost, tokens, start, agents and context as /ai/traces."""
    counts = con.execute(
        """
        with vendor as (select * from staging.stg_revenium__traces),
        ours as (select * from marts.traces where source_system = 'revenium')
        select
            count(*) filter (where vendor.trace_id is null or ours.trace_id is null) as unmatched,
            count(*) filter (where vendor.trace_id is not null and ours.trace_id is not null and (
                ours.call_count - ours.media_call_count <> vendor.transaction_count
                or abs(ours.cost_usd - ours.media_cost_usd - vendor.total_cost) > 1e-9
                or ours.input_tokens - ours.cache_read_tokens - ours.cache_write_tokens <> vendor.input_token_count
                or ours.output_tokens <> vendor.output_token_count
                or ours.started_at <> vendor.start_time
                or ours.agent_count <> vendor.agent_count
                or ours.root_agent_name <> vendor.root_agent
                or ours.trace_type <> vendor.trace_type
                or ours.trace_name <> vendor.trace_name
                or ours.squad_id is distinct from vendor.squad_id
                or ours.job_id is distinct from vendor.agentic_job_id
                or ours.organization_name <> vendor.organization_label
                or ours.day <> vendor.day)) as mismatched,
            count(*) as total
        from vendor full outer join ours
            on ours.trace_id = vendor.trace_id and ours.team_id = vendor.team_id
        """
    ).fetchone()
    assert counts[:2] == (0, 0)
    assert counts[2] > 500


def test_traces_agree_with_helicone_sessions_and_orq_traces(con):
    helicone = con.execute(
        """
        select count(*) filter (where v.trace_id is null or o.trace_id is null),
               count(*) filter (where o.call_count <> v.call_count or abs(o.cost_usd - v.cost_usd) > 1e-9
                                 or o.started_at <> v.started_at or o.output_tokens <> v.output_tokens),
               count(*)
        from staging.stg_helicone__sessions as v
        full outer join (select * from marts.traces where source_system = 'helicone') as o
            on o.trace_id = v.trace_id and o.day = v.day
        """
    ).fetchone()
    orq = con.execute(
        """
        select count(*) filter (where v.trace_id is null or o.trace_id is null),
               count(*) filter (where abs(o.cost_usd - v.cost_usd) > 1e-9 or o.input_tokens <> v.input_tokens
                                 or o.output_tokens <> v.output_tokens or o.started_at <> v.started_at
                                 or o.ended_at <> v.ended_at or o.day <> v.day),
               count(*)
        from staging.stg_orq__traces as v
        full outer join (select * from marts.traces where source_system = 'orq') as o
            on o.trace_id = v.trace_id
        """
    ).fetchone()
    assert helicone[:2] == (0, 0) and helicone[2] > 200
    assert orq[:2] == (0, 0) and orq[2] > 100


def test_trace_ids_are_the_worlds_per_vendor(con, world):
    for day in DAYS:
        for source, mask in SOURCE_MASKS:
            ours = _ids(
                con, "select trace_id from marts.traces where source_system = ? and day = ?", source, day
            )
            assert ours == _world_trace_ids(world, day, mask), (source, day)


def test_squads_agree_with_reveniums_squad_endpoints(con):
    executions = con.execute(
        """
        with vendor as (
            select distinct team_id, squad_id, squad_name, start_time, agent_count, trace_count, total_cost,
                   status, transaction_count, error_count
            from staging.stg_revenium__squad_executions
        ),
        ours as (select * from marts.squad_executions where source_system = 'revenium')
        select count(*) filter (where vendor.squad_id is null or ours.squad_id is null),
               count(*) filter (where ours.trace_count <> vendor.trace_count
                                 or ours.agent_count <> vendor.agent_count
                                 or ours.llm_call_count <> vendor.transaction_count
                                 or ours.llm_error_count <> vendor.error_count
                                 or abs(ours.llm_cost_usd - vendor.total_cost) > 1e-9
                                 or ours.status <> vendor.status
                                 or ours.squad_name <> vendor.squad_name
                                 or ours.started_at <> vendor.start_time),
               count(*)
        from vendor full outer join ours
            on ours.squad_id = vendor.squad_id and ours.team_id = vendor.team_id
        """
    ).fetchone()
    assert executions[:2] == (0, 0) and executions[2] > 20
    timeline = con.execute(
        """
        with vendor as (
            select squad_id, count(*) as events, sum(cost) as cost, sum(duration_ms) as duration,
                   sum(total_tokens) as tokens, sum(case when role = 'lead' then 1 else 0 end) as leads
            from (select distinct * exclude (dlt_load_id, day) from staging.stg_revenium__squad_timeline_events)
            group by squad_id
        ),
        ours as (
            select squad_id, count(*) as events, sum(cost_usd) as cost, sum(duration_ms) as duration,
                   sum(output_tokens) as output_tokens, sum(case when role = 'lead' then 1 else 0 end) as leads
            from marts.squad_timeline where source_system = 'revenium' and is_llm_call
            group by squad_id
        )
        select count(*) filter (where vendor.squad_id is null or ours.squad_id is null),
               count(*) filter (where ours.events <> vendor.events or abs(ours.cost - vendor.cost) > 1e-9
                                 or ours.duration <> vendor.duration or ours.leads <> vendor.leads),
               count(*)
        from vendor full outer join ours on ours.squad_id = vendor.squad_id
        """
    ).fetchone()
    assert timeline[:2] == (0, 0) and timeline[2] == executions[2]
    # each squad's rows of the day add up to its executions
    assert (
        con.execute(
            """
        select count(*) from marts.squads as s
        join (select day, source_system, team_id, squad_name, count(*) as n, sum(cost_usd) as cost
              from marts.squad_executions group by all) as e using (day, source_system, team_id, squad_name)
        where s.execution_count <> e.n or s.cost_usd <> e.cost
        """
        ).fetchone()[0]
        == 0
    )
    shares = con.execute(
        "select max(abs(total - 1)) from (select sum(cost_share) as total from marts.squad_agent_breakdown "
        "group by squad_execution_key having sum(cost_usd) > 0)"
    ).fetchone()[0]
    assert shares < 1e-9


def test_marts_find_exactly_the_planted_circular_patterns(con, world):
    for day in DAYS:
        c = world.calls(day)
        expected = planted.circular_trace_ids(c)
        assert expected, "the world should plant circular patterns on every test day"
        for source, mask in SOURCE_MASKS:
            found = _ids(
                con,
                "select trace_id from marts.traces where source_system = ? and day = ? and circular_call_count > 0",
                source,
                day,
            )
            assert found == expected & _world_trace_ids(world, day, mask), (source, day)
    # every pattern found is one of the catalogue's ping-pong pairs, named canonically
    pairs = {" > ".join([*sorted(t.loop_pair), min(t.loop_pair)]) for t in cat.TRACE_TYPES if t.loop_pair}
    found_patterns = _ids(con, "select cycle_pattern from marts.agent_circular_patterns")
    assert found_patterns and found_patterns <= pairs


def test_marts_find_exactly_the_planted_anomalous_traces(con, world):
    for day in DAYS:
        expected = planted.anomalous_trace_ids(world.calls(day))
        assert expected, "the world should plant anomalous traces on every test day"
        for source, mask in SOURCE_MASKS:
            found = _ids(
                con,
                """select trace_id from marts.trace_anomalies
                   where source_system = ? and day = ? and metric_name = 'total_tokens' and is_extreme""",
                source,
                day,
            )
            assert found == expected & _world_trace_ids(world, day, mask), (source, day)
    # every extreme trace is above the window's P99 as well
    assert (
        con.execute(
            "select count(*) from marts.trace_anomalies where is_extreme and percentile_exceeded <> 'P99'"
        ).fetchone()[0]
        == 0
    )


def _critical_paths(world, day: date) -> dict[str, int]:
    """trace id -> largest summed duration over the chains of (completion and media) calls, from the world."""
    c = world.calls(day)
    media = media_of(c)
    parent = np.concatenate([c.parent, media.parent]).astype(np.int64)
    duration = np.concatenate([c.duration_ms, media.duration_ms]).astype(np.int64)
    trace = np.concatenate([c.trace, c.trace[media.parent]])
    best = np.zeros(len(parent), dtype=np.int64)
    # completions are sorted by time, so a parent row comes before its child; media rows follow all completions
    for i in range(len(parent)):
        best[i] = duration[i] + (best[parent[i]] if parent[i] >= 0 else 0)
    out: dict[str, int] = {}
    for t, b in zip(trace.tolist(), best.tolist(), strict=True):
        key = ids.hex32(c.trace_id_hi[t], c.trace_id_lo[t])
        out[key] = max(out.get(key, 0), b)
    return out


def test_critical_path_durations_equal_the_worlds(con, world):
    for day in DAYS:
        ours = dict(
            con.execute(
                "select trace_id, critical_path_duration_ms from marts.trace_critical_path "
                "where source_system = 'revenium' and day = ?",
                [day],
            ).fetchall()
        )
        assert ours == _critical_paths(world, day)
    # Where parent links name calls exactly (Revenium transactions, orq spans) a child starts after its parent
    # ends, so no chain outlasts the trace. Helicone links by session path (agents, not calls): a call may be
    # hung under the wrong one of two same-agent siblings, so its chains are approximate and not checked here.
    bad = con.execute(
        """select count(*) from marts.trace_critical_path
           where source_system in ('revenium', 'orq')
             and (critical_path_duration_ms > trace_duration_ms or bottleneck_duration_ms > critical_path_duration_ms
                  or optimisation_potential_ms <> trace_duration_ms - critical_path_duration_ms)"""
    ).fetchone()[0]
    assert bad == 0
