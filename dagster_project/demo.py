"""``aiecon demo``: the main job for the last N complete days, against the simulator, then a summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb

from dagster_project.settings import warehouse_path

SUMMARY_SQL = """
with ours as (
    select day, dimension_value as provider, cast(cost_usd as double) as cost_usd
    from marts.cost_by_dimension_daily
    where source_system = 'revenium' and dimension_name = 'provider' and day >= ? and day < ?
),
vendor as (
    select _day as day, sum(cost_usd) as revenium_figure
    from raw_revenium.analytics_cost_by_provider
    where _day >= ? and _day < ?
    group by _day
)
select o.day, o.provider, o.cost_usd, t.day_total, v.revenium_figure
from ours o
join (select day, sum(cost_usd) as day_total from ours group by day) t using (day)
left join vendor v using (day)
order by o.day, o.cost_usd desc
"""


def demo_days(days: int, today: date | None = None) -> tuple[date, date]:
    """The last ``days`` complete UTC days: [first, last]."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=days), today - timedelta(days=1)


def cost_by_provider_table(first: date, last: date) -> str:
    """Cost by provider per day (Revenium source) beside Revenium's own daily figure, as text."""
    end = last + timedelta(days=1)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        rows = con.execute(SUMMARY_SQL, [first, end, first, end]).fetchall()
    providers = sorted({r[1] for r in rows})
    by_day: dict[date, dict] = {}
    for day, provider, cost, total, figure in rows:
        entry = by_day.setdefault(day, {"total": total, "figure": figure})
        entry[provider] = cost
    header = ["day", *providers, "total", "revenium", "diff"]
    lines = [header]
    for day in sorted(by_day):
        e = by_day[day]
        # round before formatting so a difference of a fraction of a cent prints as 0.00, not -0.00
        diff = round(e["total"] - e["figure"], 2) + 0.0 if e["figure"] is not None else None
        lines.append(
            [
                day.isoformat(),
                *(f"{e.get(p, 0.0):,.2f}" for p in providers),
                f"{e['total']:,.2f}",
                "-" if e["figure"] is None else f"{e['figure']:,.2f}",
                "-" if diff is None else f"{diff:+.2f}",
            ]
        )
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(header))]
    out = []
    for n, row in enumerate(lines):
        out.append(
            "  ".join(
                str(c).rjust(w) if i else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
