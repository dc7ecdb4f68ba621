"""The published marts of a PostgreSQL warehouse, read back into a throw-away DuckDB file for the Parquet export.

On PostgreSQL, BI reads the ``marts`` schema in the warehouse itself, as the read-only analyst role
(``dagster_project/analyst_access.py``): readers never block the writer there, so no serving copy is built.
The Parquet files are still written, for tools that read files: the window's days of every daily mart (and
every other mart whole) are copied into a temporary DuckDB file with the same schema and table names, and the
one Parquet exporter (``publish.export_parquet``) writes them exactly as it does from a DuckDB warehouse.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from psycopg2 import sql

from dagster_project.defs.serving.publish import PUBLISHED_SCHEMA, RESTATED_COLUMN
from dagster_project.destination import postgres_settings
from dagster_project.local_postgres import connect

# PostgreSQL type OIDs -> the Arrow type their values keep in DuckDB and Parquet (numeric: see _numeric).
_ARROW_TYPES = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    25: pa.string(),
    700: pa.float32(),
    701: pa.float64(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}
_NUMERIC, _JSON, _JSONB = 1700, 114, 3802


def _column(values: list[Any], description: Any) -> pa.Array:
    type_code = description.type_code
    if type_code in _ARROW_TYPES:
        return pa.array(values, type=_ARROW_TYPES[type_code])
    if type_code == _NUMERIC:
        return _numeric(values, description)
    if type_code in (_JSON, _JSONB):
        return pa.array([None if v is None else json.dumps(v, separators=(",", ":")) for v in values])
    return pa.array(values)


def _numeric(values: list[Any], description: Any) -> pa.Array:
    """A declared numeric(p, s) keeps its precision and scale; an unconstrained one (a SUM in a model) takes
    what its values need, and DECIMAL(38, 9) when it has none."""
    if description.precision and description.precision <= 38:
        return pa.array(values, type=pa.decimal128(description.precision, description.scale or 0))
    if any(v is not None for v in values):
        return pa.array(values)
    return pa.array(values, type=pa.decimal128(38, 9))


def _marts(cur: Any) -> dict[str, list[str]]:
    cur.execute(
        "select table_name, column_name from information_schema.columns where table_schema = %s "
        "order by table_name, ordinal_position",
        [PUBLISHED_SCHEMA],
    )
    tables: dict[str, list[str]] = {}
    for table, column in cur.fetchall():
        tables.setdefault(table, []).append(column)
    return tables


@contextmanager
def marts_snapshot(folder: Path, first_day: date, end_day: date) -> Iterator[tuple[Path, dict[str, int]]]:
    """A DuckDB file holding the days [first_day, end_day) of every daily mart and every other mart whole (a
    restated one, ``RESTATED_COLUMN``, too), and
    the row count of each mart in PostgreSQL; the file is deleted on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".marts-snapshot-{uuid.uuid4().hex}.duckdb"
    counts: dict[str, int] = {}
    try:
        with connect(postgres_settings()) as pg, pg.cursor() as cur, duckdb.connect(str(path)) as out:
            pg.set_session(readonly=True, autocommit=True)
            out.execute(f"create schema {PUBLISHED_SCHEMA}")
            for table, columns in _marts(cur).items():
                source = sql.Identifier(PUBLISHED_SCHEMA, table)
                cur.execute(sql.SQL("select count(*) from {}").format(source))
                counts[table] = cur.fetchone()[0]
                if "day" in columns and RESTATED_COLUMN not in columns:
                    query = sql.SQL("select * from {} where day >= %s and day < %s").format(source)
                    cur.execute(query, [first_day, end_day])
                else:
                    cur.execute(sql.SQL("select * from {}").format(source))
                rows = cur.fetchall()
                page = pa.table(
                    {d.name: _column([r[i] for r in rows], d) for i, d in enumerate(cur.description)}
                )
                out.register("page", page)
                out.execute(f'create table {PUBLISHED_SCHEMA}."{table}" as select * from page')
                out.unregister("page")
        yield path, counts
    finally:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
