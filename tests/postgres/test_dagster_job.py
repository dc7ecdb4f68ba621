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

from dagster_project.analyst_access import ANALYST_ROLE, create_analyst_role, grant_marts_to_analyst
from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME
from dagster_project.local_postgres import connect, provision_warehouse
from ingestion.vendors import VENDOR_NAMES
from tests.conftest import DAY_1, DAY_2
from tests.job_checks import duckdb_reference_build, failure_lines, gate_problems, run_job_for_days
from tests.mart_parity import compare_marts, duckdb_reader, mart_relations, postgres_reader
from tests.postgres.conftest import postgres_environment

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.e2e]

CALLS_PER_DAY = 150  # small: the comparison needs variety, not volume
DAYS = (DAY_1, DAY_2)


@pytest.fixture(scope="module")
def job_on_postgres(postgres_cluster, sim_keys, tmp_path_factory):
    work = tmp_path_factory.mktemp("dagster_pg")
    writer = replace(postgres_cluster.writer, database="aiecon_dagster")
    provision_warehouse(postgres_cluster.server.admin(), writer)
    analyst = replace(writer, user=ANALYST_ROLE, password=secrets.token_urlsafe(16))
    create_analyst_role(postgres_cluster.server.admin(writer.database), analyst.password)
    grant_marts_to_analyst(writer)
    instance = dg.DagsterInstance.ephemeral()
    with duckdb_reference_build(work, DAYS, sim_keys, CALLS_PER_DAY):
        os.environ.update(postgres_environment(writer, work / "postgres"))
        results = run_job_for_days(instance, DAYS)
    marts = mart_relations(work / "duckdb" / "target" / "manifest.json")
    return work, writer, analyst, instance, results, marts


def test_the_job_succeeds_for_each_day(job_on_postgres):
    *_, results, _ = job_on_postgres
    for day, result in results.items():
        assert result.success, (day, failure_lines(result))


def test_every_gate_ran_and_passed_for_each_day_on_postgres(job_on_postgres):
    *_, instance, _, _ = job_on_postgres
    problems, landed = gate_problems(instance, DAYS)
    assert not problems, "\n".join(problems)
    # The GE suites validated rows read back from PostgreSQL, not empty frames.
    assert all(n > CALLS_PER_DAY for n in landed.values()), landed


def test_every_mart_equals_a_duckdb_build_of_the_same_days(job_on_postgres):
    work, writer, *_, marts = job_on_postgres
    assert {"fct_ai_calls", "fct_tool_calls", "fct_ai_usage_hourly", "source_coverage_daily"} <= set(marts)
    counts, differences = compare_marts(
        duckdb_reader(work / "duckdb" / "warehouse.duckdb"), postgres_reader(writer), marts
    )
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
