"""One dlt pipeline per vendor, all writing to the shared warehouse: DuckDB, or PostgreSQL by configuration
(``AIECON_DESTINATION``, see dagster_project/destination.py)."""

from __future__ import annotations

import os
from datetime import date

import dlt
from dlt.common.destination import Destination
from dlt.pipeline.pipeline import Pipeline

from dagster_project.destination import destination_name, postgres_settings
from dagster_project.settings import dlt_pipelines_dir, warehouse_path
from ingestion.core.raw_schema import create_missing_raw_tables
from ingestion.core.setting_registry import value
from ingestion.vendors import VENDORS, vendor_named

# Arrow pages skip dlt's row normaliser, which would otherwise add the load id; docs/partitions.md wants it on
# every raw row.
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
# The dlt telemetry ping goes nowhere from here and only costs a timeout.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


def keep_load_files() -> bool:
    """``AIECON_KEEP_LOAD_FILES=true`` keeps what dlt loaded on disk: the job files of completed load packages
    (``<pipelines dir>/*/load/loaded/*/completed_jobs``) and the rows of the staging dataset
    (``raw_<vendor>_staging``). Off by default: they are a second, unmanaged copy of raw data (docs/conventions.md,
    Secrets); a load that failed keeps its package either way, for dlt to retry."""
    return value("AIECON_KEEP_LOAD_FILES")


def configure_load_files() -> None:
    """dlt's load settings for ``keep_load_files`` (read by dlt at each load, so call before it):
    ``load.delete_completed_jobs`` and ``load.truncate_staging_dataset``."""
    delete = "false" if keep_load_files() else "true"
    os.environ["LOAD__DELETE_COMPLETED_JOBS"] = delete
    os.environ["LOAD__TRUNCATE_STAGING_DATASET"] = delete


configure_load_files()


def duckdb_memory_limit() -> str:
    """DuckDB's memory cap while dlt loads (``AIECON_DUCKDB_MEMORY_LIMIT``, default 1GB). DuckDB's own
    default is 80% of RAM: a 1M-row delete-insert merge then held over 2 GB resident, which it does not need
    (with a cap, DuckDB spills to a temporary directory beside the warehouse instead)."""
    return value("AIECON_DUCKDB_MEMORY_LIMIT")


def vendor_pipeline(vendor: str) -> Pipeline:
    configure_load_files()
    return dlt.pipeline(
        pipeline_name=f"aiecon_{vendor}",
        pipelines_dir=str(dlt_pipelines_dir()),
        destination=warehouse_destination(),
        dataset_name=vendor_named(vendor).dataset,
    )


def warehouse_destination() -> Destination:
    """The configured warehouse; credentials come from the environment at run time, never from code."""
    if destination_name() == "postgres":
        return dlt.destinations.postgres(credentials=postgres_settings().dlt_credentials())
    return dlt.destinations.duckdb(
        credentials={
            "database": str(warehouse_path()),
            # Raw rows have no meaningful order (every reader sorts or groups): without keeping the
            # insertion order DuckDB copies a load's staging rows in parallel, a quarter less load time
            # for a million rows (bench/).
            "global_config": {"memory_limit": duckdb_memory_limit(), "preserve_insertion_order": False},
        }
    )


def prepare_raw_for_dbt(first: date, end: date) -> dict[str, list[str]]:
    """What dbt needs of the raw layer before it builds the days [first, end): every missing raw table created
    empty (``create_every_missing_raw_table``), and on Spark the window's raw days written to the lake
    (``dagster_project/spark_lake.py``). {vendor: raw tables created empty}."""
    created = create_every_missing_raw_table()
    if destination_name() == "spark":
        from dagster_project.spark_lake import export_raw_days

        export_raw_days(first, end)
    return created


def create_every_missing_raw_table() -> dict[str, list[str]]:
    """Every registered vendor's raw tables that do not exist yet, created empty (``ingestion/core/raw_schema.py``),
    before dbt runs: staging reads every vendor's, enabled or not, loaded yet or not. {vendor: tables created}."""
    created = {}
    for vendor in VENDORS:
        if tables := create_missing_raw_tables(vendor_pipeline(vendor.name), vendor.raw_tables):
            created[vendor.name] = tables
    return created
