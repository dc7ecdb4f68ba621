"""Ingest assets: one ``@dlt_assets`` per vendor of the registry (``ingestion.vendors``), one Dagster asset
per raw table.

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

from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.errors import root_cause_line
from dagster_project.partitions import daily_partitions
from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.core.raw_table import RawTable
from ingestion.core.vendor import Vendor
from ingestion.vendors import VENDORS, vendor_named

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
        window = context.partition_time_window
        context.log.info(f"{vendor}: pulling {window.start.isoformat()} .. {window.end.isoformat()}")
        # A fresh pipeline per run: it picks up the warehouse path configured now, not at import.
        source, pipeline = make_source(window.start, window.end), vendor_pipeline(vendor)
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
                metadata={"vendor": vendor, "cause": cause},
            ) from error

    return _assets


# The ``@dlt_assets`` of each vendor, by vendor name, in registry order.
INGEST_ASSETS: dict[str, dg.AssetsDefinition] = {v.name: _ingest_assets(v) for v in VENDORS}
ingest_assets = list(INGEST_ASSETS.values())
