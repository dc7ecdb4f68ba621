"""Publishing the marts where BI reads them, without ever sharing a file with the pipeline.

DuckDB allows one writing process and a reader blocks a writer, so BI never opens the pipeline's
warehouse. After a partition's checks pass, the marts are published two ways:

* ``serving.duckdb`` — a new file is built beside the old one and swapped in with an atomic rename. A
  reader that has the old file open keeps reading it (the rename does not touch the open inode) and never
  blocks the pipeline; the next connection sees the new day. Nobody ever sees half of a publish.
* Parquet — ``<table>/day=YYYY-MM-DD/data.parquet`` for every mart with a ``day`` column (the published
  days are rewritten through a temporary folder and renamed into place), ``<table>/data.parquet`` for the
  others.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

PUBLISHED_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishResult:
    tables: dict[str, int]  # table -> rows in the serving copy
    parquet_files: int


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, list[str]]]:
    rows = con.execute(
        "select table_name, list(column_name order by ordinal_position) from information_schema.columns "
        "where table_catalog = ? and table_schema = ? group by table_name order by table_name",
        [catalog, PUBLISHED_SCHEMA],
    ).fetchall()
    return [(name, list(columns)) for name, columns in rows]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def build_serving_copy(warehouse: Path, serving: Path) -> dict[str, int]:
    """Write a fresh serving database next to ``serving`` and rename it into place."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    staging = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(f"attach {_literal(warehouse)} as warehouse (read_only)")
            con.execute(f"create schema {PUBLISHED_SCHEMA}")
            for table, _ in _relations(con, "warehouse"):
                target = f"{PUBLISHED_SCHEMA}.{_quote(table)}"
                con.execute(
                    f"create table {target} as select * from warehouse.{PUBLISHED_SCHEMA}.{_quote(table)}"
                )
                counts[table] = con.execute(f"select count(*) from {target}").fetchone()[0]
            con.execute("detach warehouse")
            con.execute("checkpoint")
        os.replace(staging, serving)
    finally:
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    return counts


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(warehouse: Path, out_dir: Path, first_day: date, end_day: date) -> int:
    """Rewrite the days [first_day, end_day) of every daily mart, and every other mart whole."""
    written = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table, columns in _relations(con, con.execute("select current_database()").fetchone()[0]):
            source = f"{PUBLISHED_SCHEMA}.{_quote(table)}"
            if "day" not in columns:
                target = out_dir / table / "data.parquet"
                _copy_atomically(con, f"select * from {source}", target)
                written += 1
                continue
            day = first_day
            while day < end_day:
                folder = out_dir / table / f"day={day.isoformat()}"
                query = f"select * from {source} where day = date '{day.isoformat()}'"
                if con.execute(f"select count(*) from ({query})").fetchone()[0]:
                    _copy_atomically(con, query, folder / "data.parquet")
                    written += 1
                else:
                    shutil.rmtree(folder, ignore_errors=True)  # the day is empty now: so is its folder
                day += timedelta(days=1)
    return written


def _copy_atomically(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(f"copy ({query}) to {_literal(staging)} (format parquet, compression zstd)")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
