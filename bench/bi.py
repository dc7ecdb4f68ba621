"""BI latency: typical analyst questions against the marts, each run several times on one read-only
connection (as a BI tool holds one), p50/p95 per question.

To add a question, append a ``Query``. ``{month_start}``, ``{prev_month_start}``, ``{week_start}`` and
``{end}`` are filled from the data's last day; a query whose tables do not exist (yet) is reported as
skipped, so marts added by other work can be listed before they land.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    tables: tuple[str, ...]  # schema.table it reads (to skip it cleanly when one is missing)
    sql: str


QUERIES: tuple[Query, ...] = (
    Query(
        "cost_by_model_month",
        "Cost, calls and tokens by model over the last 30 days",
        ("marts.fct_ai_calls",),
        """select request_model, count(*) as calls, sum(total_tokens) as tokens, sum(cost_usd) as cost
           from marts.fct_ai_calls where day >= date '{month_start}' and day < date '{end}'
           group by 1 order by cost desc""",
    ),
    Query(
        "top_movers_model",
        "Models whose cost moved most, last 30 days against the 30 before",
        ("marts.cost_by_dimension_daily",),
        """with cur as (select dimension_value, sum(cost_usd) as c from marts.cost_by_dimension_daily
                        where dimension_name = 'model' and day >= date '{month_start}' and day < date '{end}'
                        group by 1),
                prev as (select dimension_value, sum(cost_usd) as c from marts.cost_by_dimension_daily
                         where dimension_name = 'model' and day >= date '{prev_month_start}'
                           and day < date '{month_start}' group by 1)
           select coalesce(cur.dimension_value, prev.dimension_value) as model, cur.c as current_cost,
                  prev.c as previous_cost, coalesce(cur.c, 0) - coalesce(prev.c, 0) as change
           from cur full outer join prev on cur.dimension_value = prev.dimension_value
           order by abs(coalesce(cur.c, 0) - coalesce(prev.c, 0)) desc limit 10""",
    ),
    Query(
        "trace_p95_by_type",
        "p50/p95 trace duration and cost by trace type, last 30 days",
        ("staging.stg_revenium__traces",),
        """select trace_type, count(*) as traces,
                  percentile_cont(0.5) within group (order by trace_duration_ms) as p50_ms,
                  percentile_cont(0.95) within group (order by trace_duration_ms) as p95_ms,
                  percentile_cont(0.95) within group (order by total_cost) as p95_cost
           from staging.stg_revenium__traces where day >= date '{month_start}' and day < date '{end}'
           group by 1 order by p95_ms desc""",
    ),
    Query(
        "squad_breakdown",
        "Each squad agent's role, calls, tokens and cost share over the last 30 days",
        ("staging.stg_revenium__squad_timeline_events",),
        """select agent, role, count(*) as calls, sum(total_tokens) as tokens, sum(cost) as cost,
                  sum(cost) / sum(sum(cost)) over () as cost_share
           from staging.stg_revenium__squad_timeline_events
           where day >= date '{month_start}' and day < date '{end}'
           group by 1, 2 order by cost desc""",
    ),
    Query(
        "daily_cost_by_provider",
        "Daily cost by provider and source system over the whole period",
        ("marts.cost_by_dimension_daily",),
        """select day, source_system, dimension_value as provider, sum(cost_usd) as cost
           from marts.cost_by_dimension_daily where dimension_name = 'provider'
           group by 1, 2, 3 order by 1, 2, 3""",
    ),
    Query(
        "hourly_usage_last_week",
        "Hourly calls, tokens and cost over the last 7 days",
        ("marts.fct_ai_usage_hourly",),
        """select hour_start, sum(call_count) as calls, sum(total_tokens) as tokens, sum(cost_usd) as cost
           from marts.fct_ai_usage_hourly where day >= date '{week_start}' and day < date '{end}'
           group by 1 order by 1""",
    ),
    Query(
        "top_tools_month",
        "Top 20 tools by calls, with success rate and cost, last 30 days",
        ("marts.fct_tool_calls",),
        """select tool_name, count(*) as calls, avg(case when is_success then 1.0 else 0.0 end) as success_rate,
                  sum(cost_usd) as cost
           from marts.fct_tool_calls where day >= date '{month_start}' and day < date '{end}'
           group by 1 order by calls desc limit 20""",
    ),
    Query(
        "error_rate_by_provider_model",
        "Error rate by provider and model, last 30 days",
        ("marts.fct_ai_calls",),
        """select provider_name, request_model, count(*) as calls,
                  avg(case when is_error then 1.0 else 0.0 end) as error_rate
           from marts.fct_ai_calls where day >= date '{month_start}' and day < date '{end}'
           group by 1, 2 order by error_rate desc""",
    ),
    Query(
        "latency_p95_by_model_week",
        "p50/p95 call duration by model, last 7 days",
        ("marts.fct_ai_calls",),
        """select request_model,
                  percentile_cont(0.5) within group (order by duration_ms) as p50_ms,
                  percentile_cont(0.95) within group (order by duration_ms) as p95_ms
           from marts.fct_ai_calls where day >= date '{week_start}' and day < date '{end}'
           group by 1 order by p95_ms desc""",
    ),
    Query(
        "cost_by_org_product_month",
        "Cost by customer organization and product, last 30 days",
        ("marts.cost_by_dimension_daily",),
        """select dimension_name, dimension_value, sum(call_count) as calls, sum(cost_usd) as cost
           from marts.cost_by_dimension_daily
           where dimension_name in ('organization', 'product') and day >= date '{month_start}'
             and day < date '{end}'
           group by 1, 2 order by cost desc""",
    ),
    Query(
        "one_trace_drilldown",
        "Every call of one trace (the most expensive of the last day), in order",
        ("marts.fct_ai_calls",),
        """select started_at, agent_name, request_model, parent_call_id, duration_ms, cost_usd
           from marts.fct_ai_calls where trace_id = (
               select trace_id from marts.fct_ai_calls where day = date '{end}' - interval 1 day
               group by 1 order by sum(cost_usd) desc limit 1)
           order by started_at""",
    ),
)


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(warehouse: Path, last_day: date, repeats: int, target_ms: float) -> dict[str, Any]:
    end = last_day + timedelta(days=1)
    params = {
        "end": end.isoformat(),
        "week_start": (end - timedelta(days=7)).isoformat(),
        "month_start": (end - timedelta(days=30)).isoformat(),
        "prev_month_start": (end - timedelta(days=60)).isoformat(),
    }
    results: dict[str, Any] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        present = _existing(con)
        for q in QUERIES:
            missing = [t for t in q.tables if t not in present]
            if missing:
                results[q.name] = {"question": q.question, "skipped": f"missing {missing}"}
                continue
            sql = q.sql.format(**params)
            rows = len(con.execute(sql).fetchall())  # warm-up: first touch of the file's blocks
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            p95 = _percentile(times, 0.95)
            results[q.name] = {
                "question": q.question,
                "rows": rows,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "pass": p95 <= target_ms,
            }
    return results
