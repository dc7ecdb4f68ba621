"""The Dagster job run for some days, and what it left in its instance: the blocking gates every vendor declares
and each check's latest evaluation per partition (the Dagster job tests on PostgreSQL and Spark)."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from ingestion.vendors import VENDORS

# Left to the destination's defaults in these tests: a value set by another test would point elsewhere.
PATH_VARIABLES = ("AIECON_WAREHOUSE", "AIECON_SERVING_WAREHOUSE", "AIECON_PARQUET_DIR", "AIECON_SPARK_DIR")
PUBLISH_CHECK = dg.AssetCheckKey(dg.AssetKey(["serving", "published_marts"]), "all_vendors_present")


@contextmanager
def duckdb_reference_build(
    work: Path, days: tuple[date, ...], sim_keys: object, calls_per_day: int, **environment: str
) -> Iterator[None]:
    """The simulator serving a small world; the days built on DuckDB in ``work/duckdb`` by the direct build (one
    backfill, no dbt tests: the reference the other engine's job is compared with); then, inside, the simulator
    still serving for that job. The environment is restored on exit."""
    from dagster_project.direct_build import build_days
    from dagster_project.local_stack import point_vendors_at
    from simulator.server import SimulatorServer
    from simulator.world import World
    from tests.conftest import SIM_SEED

    saved_environment = dict(os.environ)
    try:
        with SimulatorServer(World(seed=SIM_SEED, calls_per_day=calls_per_day), sim_keys) as sim:
            point_vendors_at(sim.base_url)
            for name in PATH_VARIABLES:
                os.environ.pop(name, None)
            os.environ.update(
                AIECON_DESTINATION="duckdb", AIECON_DATA_DIR=str(work / "duckdb"), **environment
            )
            build_days(list(days), work / "duckdb", per_day=False, dbt_tests=False)
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)


def run_job_for_days(
    instance: dg.DagsterInstance, days: tuple[date, ...]
) -> dict[date, dg.ExecuteInProcessResult]:
    """The main job in-process, one partition per day as the schedules launch it, with definitions loaded now from
    the environment as it is (on Spark the dbt manifest must be parsed with AIECON_DESTINATION set)."""
    with definitions_loaded_now() as defs:
        from dagster_project.defs.schedules import MAIN_JOB_NAME

        job = defs.resolve_job_def(MAIN_JOB_NAME)
        return {
            day: job.execute_in_process(
                partition_key=day.isoformat(), instance=instance, raise_on_error=False
            )
            for day in days
        }


@contextmanager
def definitions_loaded_now() -> Iterator[dg.Definitions]:
    """The project's definitions imported afresh, the modules imported before put back on exit. Definitions read
    AIECON_DESTINATION when they load, and pytest's collection imports them (other test modules) before a test
    sets it: a job on Spark with a DuckDB manifest fails (defs/dbt/assets.py)."""
    loaded_before = {name: module for name, module in sys.modules.items() if _is_project_module(name)}
    for name in loaded_before:
        del sys.modules[name]
    try:
        from dagster_project.definitions import defs

        yield defs
    finally:
        for name in [name for name in sys.modules if _is_project_module(name)]:
            del sys.modules[name]
        sys.modules.update(loaded_before)


def _is_project_module(name: str) -> bool:
    return name == "dagster_project" or name.startswith("dagster_project.")


def failure_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failure event of a run with its error (the step's exception, not only "step failed")."""
    return [
        f"{e.message} {getattr(e.event_specific_data, 'error', None) or ''}"
        for e in result.all_events
        if e.is_failure
    ]


def gate_problems(instance: dg.DagsterInstance, days: tuple[date, ...]) -> tuple[list[str], dict[str, int]]:
    """Every gate and the publish check not evaluated as passed for a day (one line each), and the rows the
    raw-rule suites validated per day; a reconciliation that summed no cost is a problem too."""
    problems, landed = [], {day.isoformat(): 0 for day in days}
    for key in [*gate_keys(), PUBLISH_CHECK]:
        evaluations = latest_evaluations(instance, key)
        for day in days:
            status, metadata = evaluations.get(day.isoformat(), (None, {}))
            if status != AssetCheckExecutionRecordStatus.SUCCEEDED:
                problems.append(f"{key.to_user_string()} {day}: {status} {metadata}")
            if key.name == "raw_rules":
                landed[day.isoformat()] += metadata.get("rows", 0)
            if key.name == "reconciles_with_vendor" and not metadata.get("ours_usd"):
                problems.append(f"{key.to_user_string()} {day}: no cost summed ({metadata})")
    return problems, landed


def gate_keys() -> list[dg.AssetCheckKey]:
    """The blocking gates every vendor declares (docs/quality-gates.md), named from the registry."""
    keys = []
    for vendor in VENDORS:
        keys += [
            dg.AssetCheckKey(dg.AssetKey([vendor.dataset, t.name]), "raw_rules") for t in vendor.raw_tables
        ]
        keys.append(dg.AssetCheckKey(dg.AssetKey([vendor.dataset, vendor.volume_table]), "volume"))
        table = vendor.reconciliation.table
        keys.append(dg.AssetCheckKey(dg.AssetKey([vendor.dataset, table]), "reconciles_with_vendor"))
    return keys


def latest_evaluations(instance, key: dg.AssetCheckKey) -> dict[str, tuple[str, dict]]:
    """{partition: (status, metadata)} of the check's latest execution per partition in the instance."""
    latest = {}
    for record in reversed(instance.event_log_storage.get_asset_check_execution_history(key, limit=20)):
        # A check that was planned but never evaluated has a planned event, without metadata.
        data = record.event.dagster_event.event_specific_data if record.event else None
        metadata = {k: v.value for k, v in getattr(data, "metadata", {}).items()}
        latest[record.partition] = (record.status, metadata)
    return latest
