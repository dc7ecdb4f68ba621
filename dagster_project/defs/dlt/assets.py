"""Ingest assets: one ``@dlt_assets`` per vendor, one Dagster asset per raw table.

Asset functions stay thin: they turn the partition window into the source's window and let
``DagsterDltResource`` run the pipeline. A range of partitions (a backfill) arrives as one run and one
window, which the sources cut into days themselves.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.extract.source import DltSource

from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.partitions import daily_partitions
from dagster_project.settings import RAW_DATASETS
from ingestion.dlt_resources import append_into_empty_windows
from ingestion.helicone import helicone_source
from ingestion.orq import orq_source
from ingestion.raw_tables import RAW_TABLES_BY_VENDOR, RawTable
from ingestion.revenium import revenium_source

WAREHOUSE_POOL = "duckdb_warehouse"  # one writer at a time: DuckDB allows a single writing process
RAW_TABLES: dict[str, tuple[RawTable, ...]] = RAW_TABLES_BY_VENDOR
# Placeholder window for building asset specs at load time; sources make no call until they are run.
_SPEC_WINDOW = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))


def raw_asset_key(vendor: str, table: RawTable) -> dg.AssetKey:
    return dg.AssetKey([RAW_DATASETS[vendor], table.name])


class RawTableTranslator(DagsterDltTranslator):
    """Asset key ``[raw_<vendor>, <table>]`` (the DuckDB schema and table), grouped by vendor."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        vendor = data.resource.source_name
        table = next(t for t in RAW_TABLES[vendor] if t.name == data.resource.name)
        return spec.replace_attributes(
            key=raw_asset_key(vendor, table),
            deps=[],
            group_name=f"ingest_{vendor}",
            description=table.description,
        ).merge_attributes(metadata={"primary_key": ", ".join(table.primary_key)})


def _ingest_assets(
    vendor: str, make_source: Callable[[datetime, datetime], DltSource]
) -> dg.AssetsDefinition:
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
        yield from dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline)

    return _assets


revenium_ingest = _ingest_assets("revenium", revenium_source)
helicone_ingest = _ingest_assets("helicone", helicone_source)
orq_ingest = _ingest_assets("orq", orq_source)

ingest_assets = [revenium_ingest, helicone_ingest, orq_ingest]
