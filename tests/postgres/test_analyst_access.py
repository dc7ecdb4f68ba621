"""The analyst role on PostgreSQL: SELECT on the marts (now and later), nothing on raw, staging or
quarantine, no writes of any kind. A database of its own in the session cluster, built by hand (fast)."""

import secrets
from dataclasses import replace

import psycopg2
import pytest

from dagster_project.analyst_access import ANALYST_ROLE, create_analyst_role, grant_marts_to_analyst
from dagster_project.local_postgres import connect, provision_warehouse

pytestmark = pytest.mark.postgres

HIDDEN_SCHEMAS = ("raw_revenium", "staging", "quarantine")


def execute(settings, *statements: str) -> list[tuple]:
    with connect(settings) as con, con.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        return cur.fetchall() if cur.description else []


@pytest.fixture(scope="module")
def access_db(postgres_cluster):
    writer = replace(postgres_cluster.writer, database="aiecon_access")
    provision_warehouse(postgres_cluster.server.admin(), writer)
    for schema in (*HIDDEN_SCHEMAS, "marts"):
        execute(writer, f"create schema {schema}", f"create table {schema}.t (usd numeric(18, 9))")
        execute(writer, f"insert into {schema}.t values (1.5), (2.25)")
    analyst = replace(writer, user=ANALYST_ROLE, password=secrets.token_urlsafe(16))
    create_analyst_role(postgres_cluster.server.admin(writer.database), analyst.password)
    grant_marts_to_analyst(writer)
    # After the grant: a new mart, and one swapped in the way dbt's table materialisation does it.
    execute(
        writer,
        "create table marts.later as select 7 as n",
        "create table marts.t__dbt_tmp as select usd * 2 as usd from marts.t",
        "alter table marts.t rename to t__dbt_backup",
        "alter table marts.t__dbt_tmp rename to t",
        "drop table marts.t__dbt_backup",
    )
    return writer, analyst


def test_the_analyst_reads_the_marts_including_tables_created_after_the_grant(access_db):
    _, analyst = access_db
    assert execute(analyst, "select usd from marts.t order by usd") == [(3,), (4.5,)]
    assert execute(analyst, "select n from marts.later") == [(7,)]


@pytest.mark.parametrize("schema", HIDDEN_SCHEMAS)
def test_the_analyst_cannot_read_or_write_raw_staging_or_quarantine(access_db, schema):
    writer, analyst = access_db
    assert len(execute(writer, f"select * from {schema}.t")) == 2  # the table is there to be read
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        execute(analyst, f"select * from {schema}.t")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        execute(analyst, f"insert into {schema}.t values (9)")
    # Not even its tables' names.
    assert (
        execute(analyst, f"select table_name from information_schema.tables where table_schema = '{schema}'")
        == []
    )


@pytest.mark.parametrize(
    "statement",
    [
        "insert into marts.t values (9)",
        "update marts.t set usd = 0",
        "delete from marts.t",
        "create table marts.mine (x int)",
        "drop table marts.t",
        "create temporary table scratch (x int)",
    ],
)
def test_the_analyst_cannot_write_even_in_a_read_write_transaction(access_db, statement):
    writer, analyst = access_db
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        execute(analyst, statement)  # first guard: its sessions are read-only
    # Second guard: privileges, when the session asks for read-write.
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        execute(analyst, "set session characteristics as transaction read write", statement)
    assert sorted(execute(writer, "select usd from marts.t")) == [(3,), (4.5,)]
