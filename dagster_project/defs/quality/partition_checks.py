"""Partition-level gates (docs/quality-gates.md) beside the row rules: volume and reconciliation.

* **volume** — each day's row count against the median of the days before it: a vendor that returns
  nothing, or a fraction of a normal day, is an error, not a quiet day (unless configured).
* **reconciliation** — each day's cost in our raw rows against the vendor's own figure for that day,
  pulled in the same run, within a stated tolerance.

A partition that is still open (today) is reported but not judged: its day is not over, and the vendor's
figure and our rows were read moments apart while calls kept arriving.
"""

import os
import statistics
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb

from dagster_project.defs.dlt.assets import WAREHOUSE_POOL
from dagster_project.partitions import daily_partitions
from dagster_project.settings import warehouse_path
from ingestion.core.vendor import Vendor
from ingestion.core.windows import Window
from ingestion.vendors import VENDORS


def volume_history_days() -> int:
    return int(os.environ.get("AIECON_VOLUME_HISTORY_DAYS", "14"))


def volume_min_ratio() -> float:
    """A closed day below this share of the trailing median fails (default 0.25)."""
    return float(os.environ.get("AIECON_VOLUME_MIN_RATIO", "0.25"))


def empty_days_allowed() -> bool:
    return os.environ.get("AIECON_ALLOW_EMPTY_DAYS", "false").lower() in ("1", "true", "yes")


def tolerance_usd(vendor_figure: float) -> float:
    """Allowed |ours − vendor| for a day: an absolute floor or a relative share, whichever is larger."""
    absolute = float(os.environ.get("AIECON_RECONCILIATION_TOLERANCE_USD", "0.01"))
    relative = float(os.environ.get("AIECON_RECONCILIATION_TOLERANCE_RATIO", "0.0001"))
    return max(absolute, relative * abs(vendor_figure))


def _days(first: date, end: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _is_open(window: Window) -> bool:
    return window.end > datetime.now(UTC)


def _window(context: dg.AssetCheckExecutionContext) -> Window:
    return Window(context.partition_time_window.start, context.partition_time_window.end)


def _verdict(
    context: dg.AssetCheckExecutionContext,
    what: str,
    window: Window,
    metadata: dict,
    judge: Callable[[], list[str]],
) -> dg.AssetCheckResult:
    """Pass an open day unjudged; otherwise fail on any problem, naming each in the log and the metadata."""
    if _is_open(window):
        return dg.AssetCheckResult(passed=True, metadata={**metadata, "judged": "no: the day is still open"})
    problems = judge()
    if problems:
        context.log.error(f"{what}: " + "; ".join(problems))
    return dg.AssetCheckResult(
        passed=not problems, metadata={**metadata, "problems": "; ".join(problems) or "none"}
    )


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
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        window = _window(context)
        first, end = window.day_span
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            counts = dict(
                con.execute(
                    f"select _day, count(*) from {schema}.{table} where _day >= ? and _day < ? group by 1",
                    [first - timedelta(days=volume_history_days()), end],
                ).fetchall()
            )
        days = _days(first, end)
        history = [n for d, n in counts.items() if d < first]
        metadata = {
            "rows": sum(counts.get(d, 0) for d in days),
            "trailing_median": statistics.median(history) if history else 0,
            "history_days": len(history),
        }
        return _verdict(
            context, f"{schema}.{table}", window, metadata, lambda: judge_volume(counts, history, days)
        )

    return _check


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
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        window = _window(context)
        span = list(window.day_span)
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            ours = {d: float(v) for d, v in con.execute(rule.ours_sql, span).fetchall()}
            vendor = {
                d: (float(v) if v is not None else None)
                for d, v in con.execute(rule.figure_sql, span).fetchall()
            }
        days = _days(*window.day_span)
        metadata = {
            "analytic": rule.analytic,
            "ours_usd": round(sum(ours.values()), 6),
            "vendor_usd": round(sum(v for v in vendor.values() if v is not None), 6),
        }
        what = f"{schema}.{table} vs {rule.analytic}"
        return _verdict(context, what, window, metadata, lambda: judge_reconciliation(ours, vendor, days))

    return _check


# Each vendor declares what its gates read (``ingestion/<vendor>/__init__.py``: ``volume_table``,
# ``reconciliation``); the checks are the same for all.
partition_checks = [_volume_check(v) for v in VENDORS] + [_reconciliation_check(v) for v in VENDORS]
