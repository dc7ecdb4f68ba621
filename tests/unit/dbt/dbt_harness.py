"""Harness for the dbt tests: a DuckDB warehouse with the raw tables of ``ingestion.vendors``, and dbt runs.

The raw tables are created exactly as the contract declares them (plus dlt's ``_dlt_load_id``), filled with
hand-made rows, and dbt runs in a subprocess against that file (env ``AIECON_WAREHOUSE``) with its target and
log paths in the test's tmp dir, so concurrent runs never share dbt state.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from dagster_project.dbt_cli import dbt_process
from ingestion.core.raw_table import TIMESTAMP, RawTable
from ingestion.vendors import VENDORS

REPO_ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SESSION_TIME_ZONE = "Asia/Kolkata"

RAW_SCHEMAS: dict[str, tuple[RawTable, ...]] = {v.dataset: v.raw_tables for v in VENDORS}

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    TIMESTAMP: "TIMESTAMPTZ",
}


def utc(day: str, time: str = "00:00") -> dt.datetime:
    """A UTC timestamp from 'YYYY-MM-DD' and 'HH:MM'."""
    return dt.datetime.fromisoformat(f"{day}T{time}:00+00:00")


def revenium_completion(id_: str, at: dt.datetime, **values: object) -> dict[str, object]:
    """A Revenium completion of team-1 for ``raw_revenium.completions``; other columns as ``values``."""
    return {"team_id": "team-1", "id": id_, "metric_type": "COMPLETION", "request_time": at, **values}


def create_raw_tables(path: Path) -> None:
    """Create every raw schema and table with the contract's columns (+ dlt's _dlt_load_id)."""
    with duckdb.connect(str(path)) as con:
        for schema, tables in RAW_SCHEMAS.items():
            con.execute(f"create schema if not exists {schema}")
            for table in tables:
                columns = [f'"{c.name}" {_DUCKDB_TYPES[c.type]}' for c in table.columns]
                columns.append('"_dlt_load_id" VARCHAR')
                con.execute(f"create or replace table {schema}.{table.name} ({', '.join(columns)})")


def insert_rows(path: Path, schema: str, table: str, rows: Iterable[Mapping[str, object]]) -> None:
    """Insert rows given as {column: value}; undeclared columns are NULL; _day defaults from the event time."""
    raw = next(t for t in RAW_SCHEMAS[schema] if t.name == table)
    names = [*raw.column_names, "_dlt_load_id"]
    with duckdb.connect(str(path)) as con:
        for row in rows:
            unknown = set(row) - set(names)
            assert not unknown, f"not a column of {schema}.{table}: {unknown}"
            values = dict(row)
            if "_day" not in values and raw.event_time_column and values.get(raw.event_time_column):
                values["_day"] = values[raw.event_time_column].astimezone(dt.UTC).date()
            values.setdefault("_dlt_load_id", "test-load")
            placeholders = ", ".join("?" for _ in names)
            con.execute(
                f"insert into {schema}.{table} ({', '.join(names)}) values ({placeholders})",
                [values.get(n) for n in names],
            )


def run_dbt(
    warehouse: Path, work_dir: Path, *args: str, vars: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI on the project against ``warehouse``; target/log paths live under ``work_dir``.

    The DuckDB session runs in ``SESSION_TIME_ZONE`` (not UTC, with a half-hour offset) so that any model
    which derived days or hours from the session zone instead of UTC would fail the tests.
    A ``--select`` runs only the data tests whose every parent is selected (dbt's "cautious" indirect
    selection): a singular test that also reads an unselected mart would fail on a table never built.
    """
    result = dbt_process(
        work_dir,
        *args,
        vars=vars,
        env={
            "AIECON_WAREHOUSE": str(warehouse),
            "AIECON_DUCKDB_TIMEZONE": SESSION_TIME_ZONE,
            "DBT_INDIRECT_SELECTION": "cautious",
        },
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        )
    return result


def query(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def table_snapshot(warehouse: Path, relation: str) -> list[tuple]:
    """All rows of a relation, sorted, for exact comparisons between runs."""
    rows = query(warehouse, f"select * from {relation}")
    return sorted(rows, key=repr)
