"""Blocking checks on every raw asset: the GE suite of its table over the partition's days, and the share
of the table's records that went to quarantine (``quarantine_gate``).

A failed check stops the partition's downstream assets (dbt) and names the failing rule, its count and a
sample in the check's metadata. A range run judges and records each day on its own (``per_day``): the day's
rows against the day's window, and the day's quarantined share. Checks open the warehouse read-only and close it before returning, so they
never hold the single DuckDB writer's lock; on PostgreSQL they read in a read-only session
(``dagster_project/warehouse.py``).
"""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from dagster_project.defs.dlt.assets import ENABLED_VENDORS, WAREHOUSE_POOL, raw_asset_key
from dagster_project.defs.quality.per_day import evaluations, judged_days, step_days
from dagster_project.defs.quality.quarantine_gate import QuarantinedRule, judge_quarantine, read_quarantine
from dagster_project.defs.quality.suites import rule_columns, validate
from dagster_project.partitions import daily_partitions
from dagster_project.warehouse import read_connection
from ingestion.core.raw_table import RawTable
from ingestion.core.vendor import Vendor
from ingestion.core.windows import Window
from ingestion.vendors import raw_tables


def read_days(
    schema: str, table: str, windows: list[Window]
) -> tuple[pd.DataFrame, dict[Window, list[QuarantinedRule]]]:
    """The raw rows of all the days (one read; only the columns the table's rules read) and each day's
    quarantined records by rule."""
    span = Window(windows[0].start, windows[-1].end)
    columns = ", ".join(f'"{c}"' for c in rule_columns(f"{schema}.{table}", span))
    with read_connection() as con:
        frame = con.frame(
            f"select {columns} from {schema}.{table} where _day >= ? and _day < ?", span.day_span
        )
        return frame, {w: read_quarantine(con, schema, table, w) for w in windows}


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
        windows = [window for _, window in step_days(context)]
        frame, quarantined = read_days(vendor.dataset, table.name, windows)
        days = pd.to_datetime(frame["_day"])

        def judge_day(window: Window) -> tuple[list[str], dict]:
            day_frame = frame[days == pd.Timestamp(window.start.date())]
            _, failures = validate(qualified_name, day_frame, window)
            within_share, quarantine_metadata = judge_quarantine(len(day_frame), quarantined[window])
            metadata = {"rows": len(day_frame), "failed_rules": len(failures), **quarantine_metadata}
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
