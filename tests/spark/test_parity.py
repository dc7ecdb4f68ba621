"""The Dagster job on Apache Spark: ingest, gates, dbt and publish for two days, every mart equal row for row to a
DuckDB build of the same days.

The job ``ai_economics_daily`` runs in-process, one partition per day as the schedules launch it, against the
simulator, with ``AIECON_DESTINATION=spark``: dlt lands in the DuckDB landing file, the gates read it, the dbt
step writes the window's raw days to the lake and builds every model and dbt test on a local Spark session, the
publish step reads Spark's Parquet. Day 2 goes through replace_window on existing Spark tables. The DuckDB build
of the same days is the direct build (dagster_project/direct_build.py), one backfill, in a non-UTC session zone,
so the comparison trusts neither the Dagster path nor the Spark one. Spark's marts are read from the Parquet
files Spark wrote, by DuckDB.

Needs Java and the spark extra: ``make test-spark`` (scripts/install-spark.sh, .venvs/spark).
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.vendors import VENDOR_NAMES
from tests.conftest import DAY_1, DAY_2
from tests.job_checks import duckdb_reference_build, failure_lines, gate_problems, run_job_for_days
from tests.mart_parity import compare_marts, duckdb_reader, mart_relations, sorted_rows

pytestmark = [pytest.mark.slow, pytest.mark.spark]

CALLS_PER_DAY = 150  # small: the comparison needs variety, not volume
DAYS = (DAY_1, DAY_2)


@pytest.fixture(scope="module")
def job_on_spark(sim_keys, tmp_path_factory):
    pytest.importorskip("dbt.adapters.spark", reason="the spark extra is not installed: make test-spark")
    work = tmp_path_factory.mktemp("spark")
    instance = dg.DagsterInstance.ephemeral()
    # DuckDB's session in a non-UTC zone: a model taking days from the session zone would differ
    with duckdb_reference_build(work, DAYS, sim_keys, CALLS_PER_DAY, AIECON_DUCKDB_TIMEZONE="Asia/Kolkata"):
        os.environ.update(AIECON_DESTINATION="spark", AIECON_DATA_DIR=str(work / "spark"))
        results = run_job_for_days(instance, DAYS)
    marts = mart_relations(work / "duckdb" / "target" / "manifest.json")
    return work, instance, results, marts


def spark_reader(spark_dir: Path):
    """A mart as Spark wrote it: the Parquet files of its table folder, read by DuckDB."""

    def read(schema: str, table: str) -> tuple[list[str], list[tuple]]:
        folder = spark_dir / "warehouse" / f"{schema}.db" / table
        with duckdb.connect() as con:
            cursor = con.execute(f"select * from read_parquet('{folder}/*.parquet')")
            columns = [d[0] for d in cursor.description]
            return columns, sorted_rows([tuple(map(_utc_naive, row)) for row in cursor.fetchall()])

    return read


def _utc_naive(value: object) -> object:
    """Spark 3.5 has one timestamp type, an instant: DuckDB's zone-less UTC timestamps (utc_hour) and its
    timestamptz both compare as the UTC wall time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def test_the_job_succeeds_for_each_day_on_spark(job_on_spark):
    _, _, results, _ = job_on_spark
    for day, result in results.items():
        assert result.success, (day, failure_lines(result))


def test_every_mart_is_the_same_on_duckdb_and_spark(job_on_spark):
    work, _, _, marts = job_on_spark
    assert {"fct_ai_calls", "fct_tool_calls", "fct_ai_usage_hourly", "cost_by_agent_daily"} <= set(marts)
    spark_dir = work / "spark" / "spark"
    counts, differences = compare_marts(
        duckdb_reader(work / "duckdb" / "warehouse.duckdb", _utc_naive),
        spark_reader(spark_dir),
        marts,
        "Spark",
    )
    assert not differences, "\n".join(differences)
    # Not a comparison of two empty builds: both days landed calls from all three vendors.
    assert counts["fct_ai_calls"] > CALLS_PER_DAY, counts
    folder = spark_dir / "warehouse" / "marts.db" / "fct_ai_calls"
    with duckdb.connect() as con:
        query = f"select distinct source_system from read_parquet('{folder}/*.parquet')"
        assert {row[0] for row in con.execute(query).fetchall()} == set(VENDOR_NAMES)


def test_every_gate_and_dbt_test_ran_and_passed_for_each_day_on_spark(job_on_spark):
    _, instance, results, _ = job_on_spark
    problems, landed = gate_problems(instance, DAYS)
    assert not problems, "\n".join(problems)
    assert all(n > CALLS_PER_DAY for n in landed.values()), (
        landed
    )  # the suites validated rows, not empty frames
    # The dbt tests ran on Spark as Dagster checks of the dbt assets, each day, and passed.
    for day, result in results.items():
        dbt_checks = [e for e in result.get_asset_check_evaluations() if e.asset_key.path[0] == "marts"]
        assert len(dbt_checks) > 100, (day, len(dbt_checks))
        assert all(e.passed for e in dbt_checks), [e.check_name for e in dbt_checks if not e.passed]


def test_publish_serves_the_spark_marts(job_on_spark):
    work, *_ = job_on_spark
    data = work / "spark"
    with duckdb.connect(str(data / "serving.duckdb"), read_only=True) as con:  # what BI opens
        per_day = dict(con.execute("select day, count(*) from marts.fct_ai_calls group by 1").fetchall())
        views = con.execute("select count(*) from marts.cost_by_agent_daily").fetchone()[0]
    assert set(per_day) == set(DAYS), per_day
    assert views > 0  # a mart that is a view on DuckDB is a table on Spark, and published
    current = (data / "parquet").resolve()  # the link publishing switches to each new version
    for day in DAYS:
        files = list(current.glob(f"fct_ai_calls/day={day.isoformat()}/*.parquet"))
        assert files, f"no Parquet file of fct_ai_calls for {day}"
        with duckdb.connect() as con:
            rows = con.execute("select count(*) from read_parquet(?)", [[str(f) for f in files]]).fetchone()[
                0
            ]
        assert rows == per_day[day], day
