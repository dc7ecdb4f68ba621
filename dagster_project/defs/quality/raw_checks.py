"""Blocking checks on every raw asset: the GE suite of its table over the partition's days, and the share
of the table's records that went to quarantine (``quarantine_gate``).

A failed check stops the partition's downstream assets (dbt) and names the failing rule, its count and a
sample in the check's metadata. A range run judges and records each day on its own (``per_day``): the day's
rows against the day's window (GE reads the rows the suite's SQL flags and a sample: ``suites``), and the
day's quarantined share. Checks open the warehouse read-only and close it before returning, so they
never hold the single DuckDB writer's lock; on PostgreSQL they read in a read-only session
(``dagster_project/warehouse.py``).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import dagster as dg
import pandas as pd

from dagster_project.defs.dlt.assets import ENABLED_VENDORS, WAREHOUSE_POOL, raw_asset_key
from dagster_project.defs.quality.per_day import evaluations, judged_days, step_days
from dagster_project.defs.quality.quarantine_gate import QuarantinedRule, judge_quarantine, read_quarantine
from dagster_project.defs.quality.suites import candidates_query, validate
from dagster_project.partitions import daily_partitions
from dagster_project.warehouse import read_connection
from ingestion.core.raw_table import RawTable
from ingestion.core.setting_registry import value
from ingestion.core.vendor import Vendor
from ingestion.core.windows import Window
from ingestion.vendors import raw_tables


@dataclass(frozen=True)
class DayRows:
    """What a day's raw_rules judgement reads: the day's row count, the rows GE validates (the suite's SQL
    candidates, ``suites.candidates_query``) and its quarantined records by rule."""

    count: int
    candidates: pd.DataFrame
    quarantined: list[QuarantinedRule]


def read_days(schema: str, table: str, windows: list[Window]) -> dict[Window, DayRows]:
    """Each day's rows as its judgement reads them, in one read session (only the columns the table's rules
    read, only the rows its suite's SQL flags and the sample)."""
    qualified_name = f"{schema}.{table}"
    span = Window(windows[0].start, windows[-1].end)
    sample_rows = value("AIECON_GATE_SAMPLE_ROWS")
    with read_connection() as con:
        counts = {
            date.fromisoformat(str(day)[:10]): int(n)  # a date, or a datetime at midnight (Spark)
            for day, n in con.rows(
                f"select _day, count(*) from {qualified_name} where _day >= ? and _day < ? group by _day",
                span.day_span,
            )
        }
        return {
            w: DayRows(
                counts.get(w.start.date(), 0),
                con.frame(*candidates_query(qualified_name, w, sample_rows)),
                read_quarantine(con, schema, table, w),
            )
            for w in windows
        }


def _raw_check(vendor: Vendor, table: RawTable) -> dg.AssetChecksDefinition:
    qualified_name = f"{vendor.dataset}.{table.name}"

    @dg.asset_check(
        asset=raw_asset_key(vendor, table),
        name="raw_rules",
        description=f"Great Expectations row rules for {qualified_name} over the partition's days, and its "
        "quarantined share at most AIECON_QUARANTINE_MAX_SHARE.",
        blocking=True,
        partitions_def=daily_partitions,
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.Output | dg.AssetCheckEvaluation]:
        days = read_days(vendor.dataset, table.name, [window for _, window in step_days(context)])

        def judge_day(window: Window) -> tuple[list[str], dict]:
            day = days[window]
            _, failures = validate(qualified_name, day.candidates, window)
            within_share, quarantine_metadata = judge_quarantine(day.count, day.quarantined)
            metadata = {
                "rows": day.count,
                "rows_validated": len(day.candidates),
                "failed_rules": len(failures),
                **quarantine_metadata,
            }
            for f in failures:
                metadata[f"{f.rule}[{f.column}]"] = dg.MetadataValue.text(
                    f"{f.unexpected_count} row(s) fail; e.g. {', '.join(f.sample) or '-'}"
                )
            problems = [f"{f.rule}[{f.column}]: {f.unexpected_count} row(s)" for f in failures]
            if not within_share:
                problems.append(quarantine_metadata["quarantine_verdict"])
            return problems, metadata

        yield from evaluations(context, judged_days(context, qualified_name, judge_day))

    return _check


raw_checks = [_raw_check(vendor, table) for vendor, table in raw_tables(ENABLED_VENDORS)]
