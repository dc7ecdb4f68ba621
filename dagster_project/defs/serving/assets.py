"""The publish asset: after a partition's marts pass their checks, BI gets them; and its check
``all_vendors_present``: did the published days have every enabled vendor (docs/partitions.md, vendor isolation)."""

from collections.abc import Iterator, Mapping

import dagster as dg

from dagster_project.defs.dbt.assets import warehouse_dbt_models
from dagster_project.defs.dlt.assets import WAREHOUSE_POOL
from dagster_project.defs.isolation import PARTIAL_OF_TAG, missing_reasons, missing_vendors
from dagster_project.defs.quality.per_day import evaluations, judged_days, step_days
from dagster_project.defs.serving.publish import PUBLISHED_SCHEMA, export_parquet, publish_marts
from dagster_project.destination import destination_name
from dagster_project.partitions import daily_partitions
from dagster_project.settings import parquet_dir, serving_path, warehouse_path
from dagster_project.warehouse import read_connection
from dagster_project.warehouse_lock import step_warehouse_writer
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
        "The marts, published for BI once the partition's checks passed: a read-only DuckDB copy (readable by "
        "DuckDB 1.1+) and Parquet files partitioned by day, both switched to the new version at once "
        "(docs/serving.md)."
    ),
)
def published_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # One writer at a time (dagster_project/warehouse_lock.py): a busy warehouse retries the step.
    with step_warehouse_writer(f"dagster run {context.run_id} (publish)"):
        return _publish(context)


def _publish(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    tw = context.partition_time_window
    first_day, end_day = Window(tw.start, tw.end).day_span
    if destination_name() == "postgres":
        return _publish_from_postgres(first_day, end_day)
    if destination_name() == "spark":
        from dagster_project.spark_lake import spark_marts_snapshot

        with spark_marts_snapshot(parquet_dir().parent) as snapshot:  # views over Spark's Parquet, no copy
            counts, files = publish_marts(snapshot, serving_path(), parquet_dir(), first_day, end_day)
    else:
        counts, files = publish_marts(warehouse_path(), serving_path(), parquet_dir(), first_day, end_day)
    metadata: Mapping[str, dg.RawMetadataValue] = {
        "serving_copy": dg.MetadataValue.path(str(serving_path())),
        "parquet_dir": dg.MetadataValue.path(str(parquet_dir())),
        "parquet_files_written": files,
        **{f"rows.{table}": n for table, n in counts.items()},
    }
    return dg.MaterializeResult(metadata=metadata)


def _publish_from_postgres(first_day, end_day) -> dg.MaterializeResult:
    """On PostgreSQL BI reads the marts in the warehouse as the analyst role: no serving copy; the Parquet
    files are written from the marts read back (defs/serving/marts_snapshot.py)."""
    from dagster_project.defs.serving.marts_snapshot import marts_snapshot

    with marts_snapshot(parquet_dir().parent, first_day, end_day) as (snapshot, counts):
        files = export_parquet(snapshot, parquet_dir(), first_day, end_day)
    metadata: Mapping[str, dg.RawMetadataValue] = {
        "serving_copy": "none: BI reads the marts schema in PostgreSQL as aiecon_analyst",
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
        "Every enabled vendor (AIECON_VENDORS) is in the published days: fails when the run was a partial "
        "run (a vendor's ingest or gate failed for the window, defs/isolation.py) or "
        "marts.source_coverage_daily has a vendor not "
        "complete on a day of the window, naming the vendor, the cause and the failed run. Not blocking: the "
        "other vendors' marts are published all the same; a full re-run of the days clears it."
    ),
    blocking=False,
    partitions_def=daily_partitions,
    pool=WAREHOUSE_POOL,
)
def all_vendors_present(
    context: dg.AssetCheckExecutionContext,
) -> Iterator[dg.Output | dg.AssetCheckEvaluation]:
    tags = context.run.tags
    missing, reasons = missing_vendors(tags), missing_reasons(tags)
    days = step_days(context)  # one result per day (defs/quality/per_day.py)
    not_complete = _not_complete(days[0][1].start.date(), days[-1][1].end.date())

    def judge_day(window: Window) -> tuple[list[str], dict]:
        day_rows = [row for row in not_complete if row[0] == window.start.date().isoformat()]
        vendors = sorted({*missing, *(v for _, v, _ in day_rows)})
        metadata: dict[str, dg.RawMetadataValue] = {"missing_vendors": ", ".join(vendors) or "none"}
        if missing:
            metadata["failed_run_id"] = tags.get(PARTIAL_OF_TAG, "")
        for vendor in vendors:
            metadata[f"cause.{vendor}"] = reasons.get(vendor) or "see source_coverage_daily"
        if day_rows:
            metadata["coverage"] = dg.MetadataValue.md(
                "| vendor | status |\n|---|---|\n"
                + "\n".join(f"| {v} | {status} |" for _, v, status in day_rows)
            )
        return [f"without {v}: {metadata[f'cause.{v}']}" for v in vendors], metadata

    yield from evaluations(context, judged_days(context, "published", judge_day))


def _not_complete(first_day, end_day) -> list[tuple[str, str, str]]:
    """(day, vendor, status) of the window's rows of source_coverage_daily that are not 'complete'."""
    with read_connection() as con:
        if not con.table_exists(PUBLISHED_SCHEMA, COVERAGE_TABLE):
            return []
        rows = con.rows(
            f"select day, source_system, status from {PUBLISHED_SCHEMA}.{COVERAGE_TABLE} "
            "where day >= ? and day < ? and status <> 'complete' order by 1, 2",
            [first_day, end_day],
        )
    return [(str(day), vendor, status) for day, vendor, status in rows]
