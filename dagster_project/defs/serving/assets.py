"""The publish asset: after a partition's marts pass their checks, BI gets them; and its check
``all_vendors_present``: did the published days have every vendor (docs/partitions.md, vendor isolation)."""

from collections.abc import Mapping

import dagster as dg
import duckdb

from dagster_project.defs.dbt.assets import warehouse_dbt_models
from dagster_project.defs.dlt.assets import WAREHOUSE_POOL
from dagster_project.defs.isolation import PARTIAL_OF_TAG, missing_reasons, missing_vendors
from dagster_project.defs.serving.publish import PUBLISHED_SCHEMA, build_serving_copy, export_parquet
from dagster_project.partitions import daily_partitions
from dagster_project.settings import parquet_dir, serving_path, warehouse_path
from ingestion.core.windows import Window

MART_KEYS = sorted(
    (k for k in warehouse_dbt_models.keys if k.path[0] == PUBLISHED_SCHEMA), key=lambda k: k.to_user_string()
)


@dg.asset(
    key=["serving", "published_marts"],
    deps=MART_KEYS,
    group_name="serving",
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    description=(
        "The marts, published for BI once the partition's checks passed: a read-only DuckDB copy swapped in "
        "by an atomic rename, and Parquet files partitioned by day."
    ),
)
def published_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    tw = context.partition_time_window
    first_day, end_day = Window(tw.start, tw.end).day_span
    counts = build_serving_copy(warehouse_path(), serving_path())
    files = export_parquet(warehouse_path(), parquet_dir(), first_day, end_day)
    metadata: Mapping[str, dg.RawMetadataValue] = {
        "serving_copy": dg.MetadataValue.path(str(serving_path())),
        "parquet_dir": dg.MetadataValue.path(str(parquet_dir())),
        "parquet_files_written": files,
        **{f"rows.{table}": n for table, n in counts.items()},
    }
    return dg.MaterializeResult(metadata=metadata)


COVERAGE_TABLE = "source_coverage_daily"


@dg.asset_check(
    asset=published_marts,
    name="all_vendors_present",
    description=(
        "Every vendor is in the published days: fails when the run was a partial run (a vendor's ingest or "
        "gate failed for the window, defs/isolation.py) or marts.source_coverage_daily has a vendor not "
        "complete on a day of the window, naming the vendor, the cause and the failed run. Not blocking: the "
        "other vendors' marts are published all the same; a full re-run of the days clears it."
    ),
    blocking=False,
    partitions_def=daily_partitions,
    pool=WAREHOUSE_POOL,
)
def all_vendors_present(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    tags = context.run.tags
    missing, reasons = missing_vendors(tags), missing_reasons(tags)
    tw = context.partition_time_window
    first_day, end_day = Window(tw.start, tw.end).day_span
    not_complete = _not_complete(first_day, end_day)
    vendors = sorted({*missing, *(v for _, v, _ in not_complete)})
    metadata: dict[str, dg.RawMetadataValue] = {
        "missing_vendors": ", ".join(vendors) or "none",
        "days": f"{first_day} .. {end_day} (end excluded)",
    }
    if missing:
        metadata["failed_run_id"] = tags.get(PARTIAL_OF_TAG, "")
    for vendor in vendors:
        metadata[f"cause.{vendor}"] = reasons.get(vendor) or "see source_coverage_daily"
    if not_complete:
        metadata["coverage"] = dg.MetadataValue.md(
            "| day | vendor | status |\n|---|---|---|\n"
            + "\n".join(f"| {day} | {vendor} | {status} |" for day, vendor, status in not_complete)
        )
    if vendors:
        context.log.error(
            f"published without {', '.join(vendors)}: "
            + "; ".join(f"{v}: {metadata[f'cause.{v}']}" for v in vendors)
        )
    return dg.AssetCheckResult(passed=not vendors, metadata=metadata)


def _not_complete(first_day, end_day) -> list[tuple[str, str, str]]:
    """(day, vendor, status) of the window's rows of source_coverage_daily that are not 'complete'."""
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [PUBLISHED_SCHEMA, COVERAGE_TABLE],
        ).fetchone()[0]
        if not exists:
            return []
        rows = con.execute(
            f"select day, source_system, status from {PUBLISHED_SCHEMA}.{COVERAGE_TABLE} "
            "where day >= ? and day < ? and status <> 'complete' order by 1, 2",
            [first_day, end_day],
        ).fetchall()
    return [(str(day), vendor, status) for day, vendor, status in rows]
