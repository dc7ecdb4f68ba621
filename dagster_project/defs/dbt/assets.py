"""dbt models as Dagster assets, partitioned by day; dbt tests surface as asset checks.

The partition window is handed to dbt as ``--vars {min_date, max_date}`` ([min, max) as ISO dates); the
incremental models replace exactly those days. A range of partitions is one dbt invocation
(``BackfillPolicy.single_run``), so a 90-day backfill is one ``dbt build``.

Every run also passes the enabled vendors (``source_systems``: ``AIECON_VENDORS`` as the code location read
it) and the vendors a partial run leaves out (``missing_source_systems``, from the run's tag
``aiecon/missing_vendors``: ``defs/isolation.py``), with the cause and the failed run (``missing_reasons``,
``failed_run_id``): the incremental models then keep the missing vendors' rows of the window as they were,
and ``source_coverage_daily`` marks them missing. Before dbt runs, every registered vendor's raw tables that
do not exist yet are created empty (``ingestion/core/raw_schema.py``): staging reads them all.
"""

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from dagster_project.child_processes import dagster_dbt_children_die_with_parent as dbt_dies_with_run
from dagster_project.defs.dbt.project import dbt_project
from dagster_project.defs.dlt.assets import INGEST_ASSETS, WAREHOUSE_POOL
from dagster_project.defs.dlt.pipelines import prepare_raw_for_dbt
from dagster_project.defs.isolation import PARTIAL_OF_TAG, missing_reasons, missing_vendors
from dagster_project.destination import destination_name
from dagster_project.partitions import daily_partitions
from dagster_project.settings import warehouse_path
from dagster_project.spark_lake import dbt_engine_environment
from dagster_project.warehouse_lock import step_warehouse_writer
from ingestion.core.windows import Window
from ingestion.pricing.overrides import dbt_vars as price_override_vars


def dbt_vars_for_window(window: dg.TimeWindow) -> dict[str, str]:
    """The dbt vars for a partition window: the UTC days it touches, [min_date, max_date) as ISO dates."""
    first_day, end_day = Window(window.start, window.end).day_span
    return {"min_date": first_day.isoformat(), "max_date": end_day.isoformat()}


def source_system_vars(run_tags: Mapping[str, str]) -> dict[str, Any]:
    """The dbt vars naming the vendors, and those a partial run leaves out (its tags), with the cause."""
    missing = missing_vendors(run_tags)
    reasons = missing_reasons(run_tags)
    return {
        "source_systems": list(INGEST_ASSETS),
        "missing_source_systems": missing,
        "missing_reasons": {v: reasons.get(v, "") for v in missing},
        "failed_run_id": run_tags.get(PARTIAL_OF_TAG, "") if missing else "",
    }


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (the first folder under models/: staging, intermediate, marts) instead of one
    flat group; the trace and squad building blocks sit in marts, with the areas they serve."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


# The manifest the assets below are built from, read here rather than by dagster-dbt (which caches a manifest by
# its path for the process: a re-parse for another engine would go unseen), and the adapter it was parsed for. A
# dbt test's id hashes its compiled arguments (a quoted column differs on Spark), so a manifest parsed for another
# engine does not know the run's tests.
MANIFEST = json.loads(dbt_project().manifest_path.read_text(encoding="utf-8"))
MANIFEST_ADAPTER = MANIFEST["metadata"].get("adapter_type")


def require_manifest_for_destination() -> None:
    """Fail before dbt runs when the definitions were loaded for another engine than the one configured now."""
    if (destination := destination_name()) != MANIFEST_ADAPTER:
        raise dg.Failure(
            f"the dbt assets were loaded from a manifest parsed for {MANIFEST_ADAPTER}, but AIECON_DESTINATION is "
            f"{destination}: reload the code location (or restart dagster) after changing AIECON_DESTINATION"
        )


@dbt_assets(
    manifest=MANIFEST,
    project=dbt_project(),
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=WarehouseDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    require_manifest_for_destination()
    dbt_vars = {
        **dbt_vars_for_window(context.partition_time_window),
        **source_system_vars(context.run.tags),
        **price_override_vars(),
    }
    if dbt_vars["missing_source_systems"]:
        context.log.warning(
            f"partial run: {', '.join(dbt_vars['missing_source_systems'])} missing; their rows of the window "
            "stay as they were"
        )
    context.log.info(f"dbt build with vars {dbt_vars}")
    # dbt inherits this process's environment: pin it to the warehouse dlt just wrote, whatever the
    # environment said (AIECON_DATA_DIR alone, a relative path, nothing).
    # The writer lock for the whole dbt build; dbt dies with this process (dagster_project/child_processes.py).
    with (
        _environment(AIECON_WAREHOUSE=str(warehouse_path()), **dbt_engine_environment()),
        step_warehouse_writer(f"dagster run {context.run_id} (dbt build)"),
        dbt_dies_with_run(),
    ):
        # staging reads every registered vendor's raw tables: a disabled or never-loaded vendor's are made empty
        # (on Spark also the window's raw days written to the lake dbt-spark reads)
        if created := prepare_raw_for_dbt(
            *Window(context.partition_time_window.start, context.partition_time_window.end).day_span
        ):
            context.log.info(f"raw tables created empty (no load yet): {created}")
        yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
