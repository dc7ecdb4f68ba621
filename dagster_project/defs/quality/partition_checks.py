"""Partition-level gates (docs/quality-gates.md) beside the row rules: volume and reconciliation.

* **volume** — each day's row count against the median of the days before it: a vendor that returns
  nothing, or a fraction of a normal day, is an error, not a quiet day (unless configured).
* **reconciliation** — each day's cost in our raw rows against the vendor's own figure for that day,
  pulled in the same run, within a stated tolerance.

A partition that is still open (today) is reported but not judged: its day is not over, and the vendor's
figure and our rows were read moments apart while calls kept arriving. A range run judges each of its days as
a run of that day alone would, and records one result per day (``per_day``).
"""

import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from dagster_project.defs.dlt.assets import ENABLED_VENDORS, WAREHOUSE_POOL
from dagster_project.defs.quality.per_day import evaluations, judged_days, step_days
from dagster_project.partitions import daily_partitions
from dagster_project.warehouse import read_connection
from ingestion.core.setting_registry import value
from ingestion.core.vendor import Reconciliation, Vendor
from ingestion.core.windows import Window


def volume_history_days() -> int:
    return value("AIECON_VOLUME_HISTORY_DAYS")


def volume_min_ratio() -> float:
    """A closed day below this share of the trailing median fails (default 0.25)."""
    return value("AIECON_VOLUME_MIN_RATIO")


def empty_days_allowed() -> bool:
    return value("AIECON_ALLOW_EMPTY_DAYS")


def tolerance_usd(vendor_figure: float) -> float:
    """Allowed |ours − vendor| for a day: an absolute floor or a relative share, whichever is larger."""
    absolute = value("AIECON_RECONCILIATION_TOLERANCE_USD")
    relative = value("AIECON_RECONCILIATION_TOLERANCE_RATIO")
    return max(absolute, relative * abs(vendor_figure))


OPEN_DAY = "no: the day is still open"  # the ``judged`` metadata of a day not judged


def _is_open(window: Window) -> bool:
    return window.end > datetime.now(UTC)


def _span(context: dg.AssetCheckExecutionContext) -> tuple[date, date]:
    """[first day, day after the last) of the step's partitions."""
    days = step_days(context)
    return days[0][1].start.date(), days[-1][1].end.date()


def judge_volume(counts: dict[date, int], history: list[int], days: list[date]) -> list[str]:
    """The problems with each day's count given the trailing counts (pure, for unit tests)."""
    problems = []
    median = statistics.median(history) if len(history) >= 3 else None
    for day in days:
        n = counts.get(day, 0)
        if n == 0 and not empty_days_allowed():
            problems.append(f"{day}: no rows (set AIECON_ALLOW_EMPTY_DAYS=true if empty days are expected)")
        elif median and n < volume_min_ratio() * median:
            problems.append(
                f"{day}: {n} rows, below {volume_min_ratio():.0%} of the trailing median {median:g}"
            )
    return problems


def _volume_check(vendor: Vendor) -> dg.AssetChecksDefinition:
    schema, table = vendor.dataset, vendor.volume_table

    @dg.asset_check(
        asset=dg.AssetKey([schema, table]),
        name="volume",
        description=f"{schema}.{table}: each day's rows against the trailing median of earlier days.",
        blocking=True,
        partitions_def=daily_partitions,
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.Output | dg.AssetCheckEvaluation]:
        first, end = _span(context)
        counts = _day_counts(schema, table, first - timedelta(days=volume_history_days()), end)

        def judge_day(window: Window) -> tuple[list[str], dict]:
            # The day's own trailing days, earlier days of the same range included: as a run of the day alone.
            day = window.start.date()
            since = day - timedelta(days=volume_history_days())
            history = [n for d, n in counts.items() if since <= d < day]
            metadata = {
                "rows": counts.get(day, 0),
                "trailing_median": statistics.median(history) if history else 0,
                "history_days": len(history),
            }
            if _is_open(window):
                return [], {**metadata, "judged": OPEN_DAY}
            return judge_volume(counts, history, [day]), metadata

        yield from evaluations(context, judged_days(context, f"{schema}.{table}", judge_day))

    return _check


def _day_counts(schema: str, table: str, first: date, end: date) -> dict[date, int]:
    """Rows per ``_day`` of the table in [first, end)."""
    with read_connection() as con:
        return dict(
            con.rows(
                f"select _day, count(*) from {schema}.{table} where _day >= ? and _day < ? group by 1",
                [first, end],
            )
        )


def judge_reconciliation(ours: dict[date, float], vendor: dict[date, float], days: list[date]) -> list[str]:
    problems = []
    for day in days:
        if day not in vendor or vendor[day] is None:
            problems.append(f"{day}: the vendor's figure is missing")
            continue
        diff = (ours.get(day) or 0.0) - vendor[day]
        if abs(diff) > tolerance_usd(vendor[day]):
            problems.append(
                f"{day}: ours {ours.get(day) or 0.0:.6f} vs vendor {vendor[day]:.6f} USD ({diff:+.6f})"
            )
    return problems


def _reconciliation_check(vendor: Vendor) -> dg.AssetChecksDefinition:
    rule = vendor.reconciliation
    schema, table = vendor.dataset, rule.table

    @dg.asset_check(
        asset=dg.AssetKey([schema, table]),
        name="reconciles_with_vendor",
        description=f"{schema}.{table}: each day's cost equals the vendor's own figure ({rule.analytic}).",
        blocking=True,
        partitions_def=daily_partitions,
        additional_deps=[dg.AssetKey([schema, rule.figure_table])],
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.Output | dg.AssetCheckEvaluation]:
        ours, vendor = _daily_costs(rule, *_span(context))

        def judge_day(window: Window) -> tuple[list[str], dict]:
            day = window.start.date()
            figure = vendor.get(day)
            metadata = {
                "analytic": rule.analytic,
                "ours_usd": round(ours.get(day) or 0.0, 6),
                "vendor_usd": round(figure, 6) if figure is not None else "missing",
            }
            if _is_open(window):
                return [], {**metadata, "judged": OPEN_DAY}
            return judge_reconciliation(ours, vendor, [day]), metadata

        what = f"{schema}.{table} vs {rule.analytic}"
        yield from evaluations(context, judged_days(context, what, judge_day))

    return _check


def _daily_costs(
    rule: Reconciliation, first: date, end: date
) -> tuple[dict[date, float], dict[date, float | None]]:
    """Our cost and the vendor's figure per day in [first, end)."""
    with read_connection() as con:
        ours = {d: float(v) for d, v in con.rows(rule.ours_sql, [first, end])}
        vendor = {
            d: (float(v) if v is not None else None) for d, v in con.rows(rule.figure_sql, [first, end])
        }
    return ours, vendor


# Each vendor declares what its gates read (``ingestion/<vendor>/__init__.py``: ``volume_table``,
# ``reconciliation``); the checks are the same for all, on the enabled vendors only.
partition_checks = [_volume_check(v) for v in ENABLED_VENDORS] + [
    _reconciliation_check(v) for v in ENABLED_VENDORS
]
