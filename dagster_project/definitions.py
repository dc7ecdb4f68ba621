"""Everything Dagster loads: ingest assets, raw checks, dbt assets, publishing, the main job and its schedules,
the retention job (defs/retention.py)."""

import dagster as dg
from dagster_dlt import DagsterDltResource

from dagster_project.defs.dbt.assets import warehouse_dbt_models
from dagster_project.defs.dbt.project import dbt_cli_resource
from dagster_project.defs.dlt.assets import ingest_assets
from dagster_project.defs.quality.partition_checks import partition_checks
from dagster_project.defs.quality.raw_checks import raw_checks
from dagster_project.defs.retention import daily_retention, prune_retention_job
from dagster_project.defs.schedules import (
    ai_economics_daily,
    daily_finalize,
    hourly_today_refresh,
    record_run_failures,
)
from dagster_project.defs.serving.assets import all_vendors_present, published_marts

defs = dg.Definitions(
    assets=[*ingest_assets, warehouse_dbt_models, published_marts],
    asset_checks=[*raw_checks, *partition_checks, all_vendors_present],
    jobs=[ai_economics_daily, prune_retention_job],
    schedules=[hourly_today_refresh, daily_finalize, daily_retention],
    sensors=[record_run_failures],
    resources={"dlt": DagsterDltResource(), "dbt": dbt_cli_resource()},
    # DuckDB takes one writer: steps of a run execute one after another in the run's process.
    executor=dg.in_process_executor,
)
