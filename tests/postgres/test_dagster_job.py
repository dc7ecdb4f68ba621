"""The Dagster job ``ai_economics_daily`` on PostgreSQL: ingest, gates, dbt and publish for two days, the marts
equal to a DuckDB build of the same days, and every gate run and passed for each day.

The job runs in-process, one partition per day as the schedules launch it, against the simulator, on the
session's PostgreSQL cluster (a database of its own). The DuckDB build of the same two days is the direct
build (dagster_project/direct_build.py), so the comparison does not trust the Dagster path on either side.
"""

import os
import secrets
from dataclasses import replace

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from dagster_project.analyst_access import ANALYST_ROLE, create_analyst_role, grant_marts_to_analyst
from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME
from dagster_project.direct_build import build_days
from dagster_project.local_postgres import connect, provision_warehouse
from dagster_project.local_stack import point_vendors_at
from ingestion.vendors import VENDOR_NAMES, VENDORS
from simulator.server import SimulatorServer
from simulator.world import World
from tests.conftest import DAY_1, DAY_2, SIM_SEED
from tests.postgres.conftest import postgres_environment
from tests.postgres.marts import compare_marts, mart_relations

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.e2e]

CALLS_PER_DAY = 150  # small: the comparison needs variety, not volume
DAYS = (DAY_1, DAY_2)
# Left to the destination's defaults in this test: a value set by another test would point elsewhere.
PATH_VARIABLES = ("AIECON_WAREHOUSE", "AIECON_SERVING_WAREHOUSE", "AIECON_PARQUET_DIR")


@pytest.fixture(scope="module")
def job_on_postgres(postgres_cluster, sim_keys, tmp_path_factory):
    work = tmp_path_factory.mktemp("dagster_pg")
    writer = replace(postgres_cluster.writer, database="aiecon_dagster")
    provision_warehouse(postgres_cluster.server.admin(), writer)
    analyst = replace(writer, user=ANALYST_ROLE, password=secrets.token_urlsafe(16))
    create_analyst_role(postgres_cluster.server.admin(writer.database), analyst.password)
    grant_marts_to_analyst(writer)
    instance = dg.DagsterInstance.ephemeral()
    saved_environment = dict(os.environ)
    try:
        with SimulatorServer(World(seed=SIM_SEED, calls_per_day=CALLS_PER_DAY), sim_keys) as sim:
            point_vendors_at(sim.base_url)
            for name in PATH_VARIABLES:
                os.environ.pop(name, None)
            os.environ.update(AIECON_DESTINATION="duckdb", AIECON_DATA_DIR=str(work / "duckdb"))
            build_days(list(DAYS), work / "duckdb", per_day=False, dbt_tests=False)

            os.environ.update(postgres_environment(writer, work / "postgres"))
            job = defs.resolve_job_def(MAIN_JOB_NAME)
            results = {
                day: job.execute_in_process(
                    partition_key=day.isoformat(), instance=instance, raise_on_error=False
                )
                for day in DAYS
            }
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
    marts = mart_relations(work / "duckdb" / "target" / "manifest.json")
    return work, writer, analyst, instance, results, marts


def test_the_job_succeeds_for_each_day(job_on_postgres):
    *_, results, _ = job_on_postgres
    for day, result in results.items():
        assert result.success, (day, [e.message for e in result.all_events if e.is_failure])


def _gate_keys() -> list[dg.AssetCheckKey]:
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


def _evaluations(instance, key: dg.AssetCheckKey) -> dict[str, tuple[str, dict]]:
    """{partition: (status, metadata)} of the check's latest execution per partition in the instance."""
    latest = {}
    for record in reversed(instance.event_log_storage.get_asset_check_execution_history(key, limit=20)):
        # A check that was planned but never evaluated has a planned event, without metadata.
        data = record.event.dagster_event.event_specific_data if record.event else None
        metadata = {k: v.value for k, v in getattr(data, "metadata", {}).items()}
        latest[record.partition] = (record.status, metadata)
    return latest


def test_every_gate_ran_and_passed_for_each_day_on_postgres(job_on_postgres):
    *_, instance, _, _ = job_on_postgres
    problems, landed = [], {day.isoformat(): 0 for day in DAYS}
    for key in [
        *_gate_keys(),
        dg.AssetCheckKey(dg.AssetKey(["serving", "published_marts"]), "all_vendors_present"),
    ]:
        evaluations = _evaluations(instance, key)
        for day in DAYS:
            status, metadata = evaluations.get(day.isoformat(), (None, {}))
            if status != AssetCheckExecutionRecordStatus.SUCCEEDED:
                problems.append(f"{key.to_user_string()} {day}: {status} {metadata}")
            if key.name == "raw_rules":
                landed[day.isoformat()] += metadata.get("rows", 0)
            if key.name == "reconciles_with_vendor" and not metadata.get("ours_usd"):
                problems.append(f"{key.to_user_string()} {day}: no cost summed ({metadata})")
    assert not problems, "\n".join(problems)
    # The GE suites validated rows read back from PostgreSQL, not empty frames.
    assert all(n > CALLS_PER_DAY for n in landed.values()), landed


def test_every_mart_equals_a_duckdb_build_of_the_same_days(job_on_postgres):
    work, writer, *_, marts = job_on_postgres
    assert {"fct_ai_calls", "fct_tool_calls", "fct_ai_usage_hourly", "source_coverage_daily"} <= set(marts)
    counts, differences = compare_marts(work / "duckdb" / "warehouse.duckdb", writer, marts)
    assert not differences, "\n".join(differences)
    assert counts["fct_ai_calls"] > CALLS_PER_DAY, counts
    with connect(writer) as con, con.cursor() as cur:
        cur.execute("select distinct source_system from marts.fct_ai_calls")
        assert {row[0] for row in cur.fetchall()} == set(VENDOR_NAMES)


def test_publish_writes_parquet_from_postgres_and_no_serving_copy(job_on_postgres):
    work, _, analyst, *_ = job_on_postgres
    data = work / "postgres"
    assert not (data / "serving.duckdb").exists(), "on PostgreSQL BI reads the marts schema: no DuckDB copy"
    with connect(analyst) as con, con.cursor() as cur:  # what BI reads, as the analyst role
        cur.execute("select day, count(*) from marts.fct_ai_calls group by 1")
        per_day = dict(cur.fetchall())
    assert set(per_day) == set(DAYS), per_day
    for day in DAYS:
        files = sorted(
            (data / "parquet").glob(f"**/fct_ai_calls/**/day={day.isoformat()}/*.parquet"),
            key=lambda p: p.stat().st_mtime,
        )
        assert files, f"no Parquet file of fct_ai_calls for {day}"
        with duckdb.connect() as con:
            rows = con.execute("select count(*) from read_parquet(?)", [str(files[-1])]).fetchone()[0]
        assert rows == per_day[day], (day, files[-1])


def test_the_schedules_launch_the_job_that_ran_on_postgres(job_on_postgres):
    *_, instance, results, _ = job_on_postgres
    ran = {instance.get_run_by_id(result.run_id).job_name for result in results.values()}
    schedules = {s.name for s in defs.get_repository_def().schedule_defs if s.job_name == MAIN_JOB_NAME}
    assert schedules >= {"hourly_today_refresh", "daily_finalize"}
    assert ran == {MAIN_JOB_NAME}
