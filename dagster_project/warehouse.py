"""Reading the warehouse, whichever it is: the gates and the publish check open it only through here.

``read_connection()`` yields a ``WarehouseReader`` on the configured destination (``AIECON_DESTINATION``):

* DuckDB: the warehouse file opened read-only, closed on exit, so a reader never holds the single writer's lock
  longer than its queries.
* Spark: the landing DuckDB file's raw schemas and Spark's marts (views over their Parquet files) in one in-memory
  DuckDB session (dagster_project/spark_lake.py).
* PostgreSQL: a psycopg2 connection as the writer role (the gates read raw schemas the analyst cannot see), in a
  read-only, autocommit session: every query sees the latest committed data and nothing can be written.

Queries are written once, with DuckDB's ``?`` placeholders (as the vendors' reconciliation queries are); on
PostgreSQL they become psycopg2's ``%s`` here and nowhere else. ``frame`` returns a pandas DataFrame with the
types DuckDB's ``.df()`` gives (dates and timestamps as datetime64, decimals as floats, JSON as text), so the
Great Expectations suites run on the same frames on both destinations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import pandas as pd

from dagster_project.destination import destination_name, postgres_settings
from dagster_project.settings import warehouse_path


class WarehouseReader(Protocol):
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame: ...

    def table_exists(self, schema: str, table: str) -> bool: ...


class SqlReader:
    """The queries every reader shares; subclasses only run SQL."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        raise NotImplementedError

    def table_exists(self, schema: str, table: str) -> bool:
        found = self.rows(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
        return bool(found[0][0])


class DuckDBReader(SqlReader):
    def __init__(self, con: Any) -> None:
        self._con = con

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._con.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self._con.execute(sql, list(params)).df()


class SparkReader(DuckDBReader):
    """DuckDB over the landing file, with Spark's marts attached as catalog ``marts`` (their schema is its
    ``main``)."""

    def table_exists(self, schema: str, table: str) -> bool:
        if schema != "marts":
            return super().table_exists(schema, table)
        found = self.rows(
            "select count(*) from information_schema.tables where table_catalog = 'marts' and table_name = ?",
            [table],
        )
        return bool(found[0][0])


# PostgreSQL type OIDs (pg_type) whose Python values differ in form from what DuckDB's .df() gives.
_DATE, _TIMESTAMP, _TIMESTAMPTZ, _NUMERIC, _JSON, _JSONB = 1082, 1114, 1184, 1700, 114, 3802


class PostgresReader(SqlReader):
    def __init__(self, con: Any) -> None:
        self._con = con

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._con.cursor() as cur:
            cur.execute(to_pyformat(sql), list(params))
            return cur.fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._con.cursor() as cur:
            cur.execute(to_pyformat(sql), list(params))
            columns = [(d.name, d.type_code) for d in cur.description]
            frame = pd.DataFrame(cur.fetchall(), columns=[name for name, _ in columns])
        for name, type_code in columns:
            frame[name] = _like_duckdb(frame[name], type_code)
        return frame


def _like_duckdb(column: pd.Series, type_code: int) -> pd.Series:
    if type_code in (_DATE, _TIMESTAMP):
        return pd.to_datetime(column)
    if type_code == _TIMESTAMPTZ:
        return pd.to_datetime(column, utc=True)
    if type_code == _NUMERIC:
        return column.astype("float64")
    if type_code in (_JSON, _JSONB):  # psycopg2 parses JSON; DuckDB hands it over as text
        return column.map(lambda v: None if v is None else json.dumps(v, separators=(",", ":")))
    return column


def to_pyformat(sql: str) -> str:
    """DuckDB's ``?`` placeholders as psycopg2's ``%s``; a ``?`` in quoted text or a quoted identifier stays.
    Every ``%`` becomes ``%%``: psycopg2 reads ``%`` everywhere in the statement, inside quotes too."""
    out, quote = [], None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


def as_reader(con: WarehouseReader | Any) -> WarehouseReader:
    """A reader as is, or a DuckDB connection opened elsewhere (a test's file) wrapped as one."""
    return con if isinstance(con, SqlReader) else DuckDBReader(con)


@contextmanager
def read_connection() -> Iterator[WarehouseReader]:
    """A read-only connection to the configured warehouse, closed on exit."""
    if destination_name() == "postgres":
        import psycopg2

        con = psycopg2.connect(**postgres_settings().psycopg_kwargs())
        try:
            con.set_session(readonly=True, autocommit=True)
            yield PostgresReader(con)
        finally:
            con.close()
        return
    if destination_name() == "spark":
        from dagster_project.spark_lake import spark_read_connection

        with spark_read_connection() as con:
            yield SparkReader(con)
        return
    import duckdb

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        yield DuckDBReader(con)
