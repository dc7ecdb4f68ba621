"""The publish asset: after a partition's marts pass their checks, BI gets them."""

from collections.abc import Mapping

import dagster as dg

from dagster_project.defs.dbt.assets import warehouse_dbt_models
from dagster_project.defs.dlt.assets import WAREHOUSE_POOL
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
