"""Blocking checks on every raw asset: the GE suite of its table over the partition's days, and the share
of the table's records that went to quarantine (``quarantine_gate``).

A failed check stops the partition's downstream assets (dbt) and names the failing rule, its count and a
sample in the check's metadata. Checks open the warehouse read-only and close it before returning, so they
never hold the single DuckDB writer's lock.
"""

import dagster as dg
import duckdb

from dagster_project.defs.dlt.assets import WAREHOUSE_POOL, raw_asset_key
from dagster_project.defs.quality.quarantine_gate import judge_quarantine, read_quarantine
from dagster_project.defs.quality.suites import validate
from dagster_project.partitions import daily_partitions
from dagster_project.settings import warehouse_path
from ingestion.core.raw_table import RawTable
from ingestion.core.vendor import Vendor
from ingestion.core.windows import Window
from ingestion.vendors import raw_tables


def read_partition(schema: str, table: str, window: Window):
    """The partition's raw rows (a DataFrame) and its quarantined records by rule."""
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        frame = con.execute(
            f"select * from {schema}.{table} where _day >= ? and _day < ?", list(window.day_span)
        ).df()
        return frame, read_quarantine(con, schema, table, window)


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
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        tw = context.partition_time_window
        window = Window(tw.start, tw.end)
        frame, quarantined = read_partition(vendor.dataset, table.name, window)
        passed, failures = validate(qualified_name, frame, window)
        within_share, quarantine_metadata = judge_quarantine(len(frame), quarantined)
        metadata = {"rows": len(frame), "failed_rules": len(failures), **quarantine_metadata}
        for f in failures:
            metadata[f"{f.rule}[{f.column}]"] = dg.MetadataValue.text(
                f"{f.unexpected_count} row(s) fail; e.g. {', '.join(f.sample) or '-'}"
            )
        if failures:
            context.log.error(f"{qualified_name}: {'; '.join(f'{f.rule}[{f.column}]' for f in failures)}")
        if not within_share:
            context.log.error(f"{qualified_name}: {quarantine_metadata['quarantine_verdict']}")
        return dg.AssetCheckResult(passed=passed and within_share, metadata=metadata)

    return _check


raw_checks = [_raw_check(vendor, table) for vendor, table in raw_tables()]
