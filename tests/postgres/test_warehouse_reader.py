"""The gates' warehouse reader (dagster_project/warehouse.py) gives the same rows and the same DataFrame on
PostgreSQL as on DuckDB for one table built the same way on both, with ``?`` parameters written once."""

from dataclasses import replace
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import psycopg2
import pytest

from dagster_project.local_postgres import connect, provision_warehouse
from dagster_project.warehouse import read_connection

pytestmark = pytest.mark.postgres

CREATE = (
    "create schema raw_x",
    "create table raw_x.t (id text, _day date, seen_at timestamptz, cost decimal(18, 9), note text, payload {json})",
    "insert into raw_x.t values "
    "('a', '2026-03-03', '2026-03-03 10:00:00+00', 1.5, '50% off?', '{{\"k\": 1}}'), "
    "('b', '2026-03-04', '2026-03-04 23:30:00+00', 0.25, null, null)",
)
# A literal '%' and a '?' inside quotes next to real parameters: only the parameters are bound.
QUERY = (
    "select id, _day, seen_at, cost, note, payload from raw_x.t where _day >= ? and note like '%?%' or id = ?"
)
PARAMS = [date(2026, 3, 3), "b"]


@pytest.fixture(scope="module")
def both(postgres_cluster, tmp_path_factory):
    writer = replace(postgres_cluster.writer, database="aiecon_reader")
    provision_warehouse(postgres_cluster.server.admin(), writer)
    with connect(writer) as con, con.cursor() as cur:
        for statement in CREATE:
            cur.execute(statement.format(json="jsonb"))
    path = tmp_path_factory.mktemp("reader") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        for statement in CREATE:
            con.execute(statement.format(json="json"))
    return writer, path


def _read(monkeypatch, destination: str, writer, path):
    monkeypatch.setenv("AIECON_DESTINATION", destination)
    monkeypatch.setenv("AIECON_WAREHOUSE", str(path))
    for name, value in writer.psycopg_kwargs().items():
        monkeypatch.setenv(
            {"dbname": "AIECON_PG_DATABASE"}.get(name, f"AIECON_PG_{name.upper()}"), str(value)
        )
    with read_connection() as con:
        return con.rows(QUERY, PARAMS), con.frame(QUERY, PARAMS), con.table_exists("raw_x", "t")


def test_rows_and_frames_agree_between_duckdb_and_postgres(both, monkeypatch):
    writer, path = both
    duck_rows, duck_frame, duck_exists = _read(monkeypatch, "duckdb", writer, path)
    pg_rows, pg_frame, pg_exists = _read(monkeypatch, "postgres", writer, path)
    assert duck_exists and pg_exists
    # Row 'a' matches the LIKE, row 'b' the id: both, whatever the engine.
    assert sorted(r[0] for r in pg_rows) == sorted(r[0] for r in duck_rows) == ["a", "b"]
    assert [r[1] for r in sorted(pg_rows)] == [date(2026, 3, 3), date(2026, 3, 4)]
    duck_frame, pg_frame = (f.sort_values("id").reset_index(drop=True) for f in (duck_frame, pg_frame))
    assert pg_frame["_day"].tolist() == [pd.Timestamp("2026-03-03"), pd.Timestamp("2026-03-04")]
    assert pg_frame["seen_at"].tolist() == [
        pd.Timestamp(datetime(2026, 3, 3, 10, tzinfo=UTC)),
        pd.Timestamp(datetime(2026, 3, 4, 23, 30, tzinfo=UTC)),
    ]
    assert pg_frame["cost"].tolist() == [1.5, 0.25]
    assert pg_frame["payload"].tolist()[0] == '{"k":1}'
    # The same kinds of column as DuckDB's .df(): the GE suites see the same frame on both destinations.
    for column in duck_frame.columns:
        assert pg_frame[column].dtype.kind == duck_frame[column].dtype.kind, column
    assert pd.isna(pg_frame["note"][1]) and pd.isna(duck_frame["note"][1])


def test_the_postgres_session_is_read_only(both, monkeypatch):
    writer, path = both
    monkeypatch.setenv("AIECON_DESTINATION", "postgres")
    for name, value in writer.psycopg_kwargs().items():
        monkeypatch.setenv(
            {"dbname": "AIECON_PG_DATABASE"}.get(name, f"AIECON_PG_{name.upper()}"), str(value)
        )
    with read_connection() as con, pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        con.rows("delete from raw_x.t where id = ?", ["a"])
