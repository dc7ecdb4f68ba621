"""The DuckDB serving copy analysts open: the marts and nothing else, and no writes when opened read-only."""

from decimal import Decimal

import duckdb
import pytest

from dagster_project.defs.serving.publish import build_serving_copy


@pytest.fixture
def serving(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for schema in (
            "raw_revenium",
            "raw_revenium_staging",
            "staging",
            "intermediate",
            "quarantine",
            "marts",
        ):
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.t as select 1.25::decimal(18, 9) as usd")
        con.execute("create view staging.v as select * from raw_revenium.t")
        con.execute("create table main.scratch as select 1 as x")
    path = tmp_path / "serving.duckdb"
    build_serving_copy(warehouse, path)
    return path


def test_the_serving_copy_holds_the_marts_only(serving):
    with duckdb.connect(str(serving), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
        schemas = {
            s
            for (s,) in con.execute(
                "select schema_name from information_schema.schemata where catalog_name = current_database()"
            ).fetchall()
        }
        assert relations == [("marts", "t")]
        assert con.execute("select usd from marts.t").fetchall() == [(Decimal("1.250000000"),)]
    assert not schemas & {"raw_revenium", "raw_revenium_staging", "staging", "intermediate", "quarantine"}


@pytest.mark.parametrize(
    "statement",
    [
        "insert into marts.t values (2)",
        "update marts.t set usd = 0",
        "delete from marts.t",
        "drop table marts.t",
        "create table marts.mine (x int)",
        "create schema raw_revenium",
    ],
)
def test_the_serving_copy_opened_read_only_refuses_writes(serving, statement):
    with duckdb.connect(str(serving), read_only=True) as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute(statement)
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select count(*) from marts.t").fetchone() == (1,)
