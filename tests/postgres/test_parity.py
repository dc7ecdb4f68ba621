"""The same dlt pipelines and dbt models on DuckDB and on PostgreSQL give the same marts, row for row.

Two days of a small simulated world are built twice by the same code (dagster_project/direct_build.py: dlt
loads, then dbt); the only difference is configuration (AIECON_DESTINATION and the AIECON_PG_* variables). DuckDB
builds the two days as one backfill; PostgreSQL builds them day by day, so day 2 goes through the
replace_window strategy on existing tables, and its ``dbt build`` runs every dbt test on PostgreSQL too.
Both sessions run in a non-UTC time zone, so a model that took days from the session zone would differ or
fail (checked: a postgres__to_utc_timestamp that ignored the zone made five of these tests fail).

Run only this check: ``make test-postgres`` (pytest -m postgres).
"""

import os
import secrets
from dataclasses import replace
from decimal import Decimal

import duckdb
import psycopg2
import pytest

from dagster_project.analyst_access import ANALYST_ROLE, create_analyst_role, grant_marts_to_analyst
from dagster_project.direct_build import build_days
from dagster_project.local_postgres import connect
from dagster_project.local_stack import point_vendors_at
from ingestion.vendors import VENDOR_NAMES
from simulator.server import SimulatorServer
from simulator.world import World
from tests.conftest import DAY_1, DAY_2, SIM_SEED
from tests.mart_parity import (
    compare_marts,
    duckdb_reader,
    first_difference,
    mart_relations,
    postgres_reader,
    sorted_rows,
)
from tests.postgres.conftest import postgres_environment

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PARITY_CALLS_PER_DAY = 150  # small: the comparison needs variety, not volume
SESSION_TIME_ZONE = "Asia/Kolkata"


@pytest.fixture(scope="module")
def parity_builds(postgres_cluster, sim_keys, tmp_path_factory):
    work = tmp_path_factory.mktemp("parity")
    writer = postgres_cluster.writer
    analyst = replace(writer, user=ANALYST_ROLE, password=secrets.token_urlsafe(16))
    # Before the first dbt run, as in production (aiecon postgres up): default privileges then cover
    # every mart table dbt creates or swaps in.
    create_analyst_role(postgres_cluster.server.admin(writer.database), analyst.password)
    grant_marts_to_analyst(writer)
    world = World(seed=SIM_SEED, calls_per_day=PARITY_CALLS_PER_DAY)
    # point_vendors_at writes os.environ directly: the session simulator's settings come back afterwards.
    saved_environment = dict(os.environ)
    try:
        with SimulatorServer(world, sim_keys) as sim:
            point_vendors_at(sim.base_url)
            os.environ.update(AIECON_DUCKDB_TIMEZONE=SESSION_TIME_ZONE, PGTZ=SESSION_TIME_ZONE)

            # DuckDB as a two-day backfill (one dbt run; its dbt tests run elsewhere in the suite)...
            os.environ.update(
                AIECON_DESTINATION="duckdb",
                AIECON_DATA_DIR=str(work / "duckdb"),
                AIECON_WAREHOUSE=str(work / "duckdb" / "warehouse.duckdb"),
            )
            build_days([DAY_1, DAY_2], work / "duckdb", per_day=False, dbt_tests=False)

            # ... PostgreSQL day by day: day 2 replaces its window in existing tables and runs the dbt tests.
            del os.environ["AIECON_WAREHOUSE"]
            os.environ.update(postgres_environment(writer, work / "postgres"))
            build_days([DAY_1], work / "postgres", dbt_tests=False)
            build_days([DAY_2], work / "postgres")
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
    marts = mart_relations(work / "postgres" / "target" / "manifest.json")
    return work / "duckdb" / "warehouse.duckdb", writer, analyst, marts


def test_every_mart_is_the_same_on_duckdb_and_postgres(parity_builds):
    duck, writer, _, marts = parity_builds
    assert {"fct_ai_calls", "fct_tool_calls", "fct_ai_usage_hourly", "cost_by_dimension_daily"} <= set(marts)
    counts, differences = compare_marts(duckdb_reader(duck), postgres_reader(writer), marts)
    assert not differences, "\n".join(differences)
    # Not a comparison of two empty builds: both days landed calls from all three vendors.
    assert counts["fct_ai_calls"] > PARITY_CALLS_PER_DAY, counts
    sources = {
        row[0] for row in postgres_rows(writer, "select distinct source_system from marts.fct_ai_calls")
    }
    assert sources == set(VENDOR_NAMES)


def test_the_analyst_role_reads_every_mart_and_no_raw_table(parity_builds):
    _, writer, analyst, marts = parity_builds
    for name, (schema, table) in marts.items():
        expected = postgres_rows(writer, f'select count(*) from "{schema}"."{table}"')
        assert postgres_rows(analyst, f'select count(*) from "{schema}"."{table}"') == expected, name
    hidden = postgres_rows(
        writer,
        "select table_schema, table_name from information_schema.tables "
        "where table_schema like 'raw\\_%' or table_schema in ('staging', 'intermediate')",
    )
    assert len(hidden) > 10, hidden  # the raw tables dlt made and the staging views dbt made
    for schema, table in hidden:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            postgres_rows(analyst, f'select 1 from "{schema}"."{table}" limit 1')


def postgres_rows(settings, query: str) -> list[tuple]:
    with connect(settings) as con, con.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


@pytest.mark.parametrize("number", range(8))
def test_each_readme_question_answers_on_postgres_as_the_analyst(parity_builds, number):
    from tests.integration.test_readme_queries import readme_sql

    duck, _, analyst, _ = parity_builds
    question = readme_sql()[number]
    with duckdb.connect(str(duck), read_only=True) as con:
        expected = sorted_rows([tuple(map(_as_decimal, r)) for r in con.execute(question).fetchall()])
    assert expected, f"question {number + 1} returned nothing on DuckDB"
    actual = sorted_rows([tuple(map(_as_decimal, r)) for r in postgres_rows(analyst, question)])
    assert first_difference(expected, actual, [f"column {i}" for i in range(len(expected[0]))]) is None


def _as_decimal(value: object) -> object:
    """Numbers as exact decimals: the engines type a SUM or a ratio differently (HUGEINT or DOUBLE in DuckDB,
    NUMERIC in PostgreSQL); the README's ratios are rounded in SQL, so a float's shortest repr is its value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value
