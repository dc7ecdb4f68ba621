"""Ingest assets: one ``@dlt_assets`` per enabled vendor of the registry (``ingestion.vendors``,
``AIECON_VENDORS``), one Dagster asset per raw table.

Asset functions stay thin: they turn the partition window into the source's window and let
``DagsterDltResource`` run the pipeline. A range of partitions (a backfill) arrives as one run and one
window, which the sources cut into days themselves.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from dagster_project.check import require_valid_settings_in_step
from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.errors import cause_fields, root_cause_line
from dagster_project.partitions import daily_partitions
from dagster_project.warehouse_lock import step_warehouse_writer
from ingestion.core.dlt_resources import append_into_empty_windows, discard_pending_packages
from ingestion.core.increments import open_day_increments
from ingestion.core.raw_table import RawTable
from ingestion.core.vendor import Vendor
from ingestion.core.windows import Window
from ingestion.vendors import enabled_vendors, vendor_named

WAREHOUSE_POOL = "duckdb_warehouse"  # one writer at a time: DuckDB allows a single writing process
# Placeholder window for building asset specs at load time; sources make no call until they are run.
_SPEC_WINDOW = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))


def raw_asset_key(vendor: Vendor, table: RawTable) -> dg.AssetKey:
    return dg.AssetKey([vendor.dataset, table.name])


class RawTableTranslator(DagsterDltTranslator):
    """Asset key ``[raw_<vendor>, <table>]`` (the DuckDB schema and table), grouped by vendor."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        vendor = vendor_named(data.resource.source_name)
        table = vendor.table(data.resource.name)
        return spec.replace_attributes(
            key=raw_asset_key(vendor, table),
            deps=[],
            group_name=f"ingest_{vendor.name}",
            description=table.description,
        ).merge_attributes(metadata={"primary_key": ", ".join(table.primary_key)})


def _ingest_assets(v: Vendor) -> dg.AssetsDefinition:
    vendor, make_source = v.name, v.make_source

    @dlt_assets(
        dlt_source=make_source(*_SPEC_WINDOW),
        dlt_pipeline=vendor_pipeline(vendor),
        name=f"{vendor}_ingest",
        dagster_dlt_translator=RawTableTranslator(),
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
    )
    def _assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator[Any]:
        require_valid_settings_in_step((v,))  # a bad setting fails here, one line each, before anything loads
        window = context.partition_time_window
        context.log.info(f"{vendor}: pulling {window.start.isoformat()} .. {window.end.isoformat()}")
        # A fresh pipeline per run: it picks up the warehouse path configured now, not at import.
        pipeline = vendor_pipeline(vendor)
        with step_warehouse_writer(f"dagster run {context.run_id} ({vendor} ingest)"):  # one writer at a time
            if discarded := discard_pending_packages(pipeline):  # a killed run's load: never this window's
                context.log.warning(f"{vendor}: discarded load package(s) a killed run left: {discarded}")
            # today's open day: the incremental tables pull only what is newer than what landed
            increments = open_day_increments(pipeline, v.raw_tables, Window(window.start, window.end))
            if increments:
                context.log.info(
                    f"{vendor}: incremental refresh from "
                    + ", ".join(f"{name} {since.isoformat()}" for name, since in increments.items())
                )
            source = make_source(window.start, window.end, increments=increments)
            appended = append_into_empty_windows(pipeline, source)
            if appended:
                context.log.info(
                    f"{vendor}: nothing loaded yet in this window for {', '.join(appended)}: appending"
                )
            try:
                yield from dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline)
            except Exception as error:
                # The step's failure message is the vendor client's one line (vendor, endpoint, status, the
                # setting to check), not dlt's stack of wrappers; the full chain stays in the step's error.
                cause = root_cause_line(error)
                raise dg.Failure(
                    description=f"{vendor} ingest failed: {cause}",
                    metadata={"vendor": vendor, "cause": cause, **cause_fields(error)},
                ) from error

    return _assets


# The vendors this code location ingests (AIECON_VENDORS), read once when it loads: the ingest assets, their
# gates (defs/quality) and dbt's source systems (defs/dbt) all follow this one reading; a change takes a reload.
ENABLED_VENDORS: tuple[Vendor, ...] = enabled_vendors()
# The ``@dlt_assets`` of each enabled vendor, by vendor name, in registry order.
INGEST_ASSETS: dict[str, dg.AssetsDefinition] = {v.name: _ingest_assets(v) for v in ENABLED_VENDORS}
ingest_assets = list(INGEST_ASSETS.values())
