"""The raw layer of the Spark warehouse: each partition's raw days as Parquet in a lake Spark reads.

With ``AIECON_DESTINATION=spark`` dlt lands exactly as on DuckDB (the landing file, ``warehouse_path()``): the
same windowed delete-insert, quarantine and gates. Before dbt runs, the window's days of every raw table are
written from there to ``<AIECON_SPARK_DIR>/lake/<raw schema>/<table>/_day=YYYY-MM-DD/`` (Hive-style partitions),
each day folder replaced whole by one rename; a day the window no longer has rows for loses its folder. dbt's
``on-run-start`` (``macros/lake_sources.sql``) declares each raw table to Spark as an external Parquet table
over its folder, from the dbt sources' column types. Why not Delta: Spark reads Delta only through the
delta-spark jars, which come from Maven, not PyPI (docs/scale-out.md).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb

from dagster_project.settings import data_dir, warehouse_path
from ingestion.core.raw_schema import DLT_LOAD_ID
from ingestion.core.setting_registry import value
from ingestion.vendors import VENDORS

DAY_COLUMN = "_day"


def spark_dir() -> Path:
    """The lake, Spark's table folders and its metastore (``AIECON_SPARK_DIR``, else ``$AIECON_DATA_DIR/spark``)."""
    return Path(value("AIECON_SPARK_DIR") or data_dir() / "spark").resolve()


def lake_dir() -> Path:
    return spark_dir() / "lake"


def spark_table_dir(schema: str, table: str) -> Path:
    """Where the local session's metastore keeps a managed table's Parquet files (``spark.sql.warehouse.dir``)."""
    return spark_dir() / "warehouse" / f"{schema}.db" / table


def dbt_engine_environment() -> dict[str, str]:
    """What dbt's spark target reads, pinned absolute (a relative AIECON_DATA_DIR would resolve against dbt's
    working directory); nothing on other destinations."""
    from dagster_project.destination import destination_name

    return {"AIECON_SPARK_DIR": str(spark_dir())} if destination_name() == "spark" else {}


def export_raw_days(first: date, end: date) -> dict[str, int]:
    """Write the days [first, end) of every registered raw table from the landing file to the lake: {schema.table:
    rows written}. Call it with the warehouse writer lock held, after the loads and before dbt."""
    days = [first + timedelta(days=n) for n in range((end - first).days)]
    written: dict[str, int] = {}
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        for vendor in VENDORS:
            for table in vendor.raw_tables:
                target = lake_dir() / vendor.dataset / table.name
                written[f"{vendor.dataset}.{table.name}"] = _export_table(
                    con,
                    f'"{vendor.dataset}"."{table.name}"',
                    [*table.column_names, DLT_LOAD_ID],
                    target,
                    days,
                )
    return written


def _export_table(
    con: duckdb.DuckDBPyConnection, relation: str, columns: list[str], target: Path, days: list[date]
) -> int:
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex}"
    selected = ", ".join(f'"{c}"' for c in columns)
    try:
        rows = con.execute(
            f"select count(*) from {relation} where {DAY_COLUMN} >= ? and {DAY_COLUMN} <= ?",
            [days[0], days[-1]],
        ).fetchone()[0]
        if rows:
            staging.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select {selected} from {relation} where {DAY_COLUMN} >= ? and {DAY_COLUMN} <= ?) "
                f"to '{_literal(staging)}' (format parquet, partition_by ({DAY_COLUMN}), compression zstd)",
                [days[0], days[-1]],
            )
        for day in days:
            _replace_day(
                staging / f"{DAY_COLUMN}={day.isoformat()}", target / f"{DAY_COLUMN}={day.isoformat()}"
            )
        return rows
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def delete_lake_days_before(schema: str, table: str, first_kept: date) -> int:
    """Retention on the lake: the day folders of a raw table before ``first_kept`` deleted; how many."""
    folder = lake_dir() / schema / table
    prefix = f"{DAY_COLUMN}="
    old = [
        day
        for day in (folder.iterdir() if folder.is_dir() else [])
        if day.name.startswith(prefix) and day.name[len(prefix) :] < first_kept.isoformat()
    ]
    for day in old:
        shutil.rmtree(day)
    return len(old)


def _replace_day(new: Path, current: Path) -> None:
    """``current`` becomes ``new`` (or disappears when ``new`` does not exist): the old folder is moved aside
    first, so a reader between the two renames misses the day rather than seeing two versions of it."""
    retired = current.with_name(f".{current.name}.retired.{uuid.uuid4().hex}")
    if current.exists():
        current.rename(retired)
    if new.exists():
        current.parent.mkdir(parents=True, exist_ok=True)
        new.rename(current)
    shutil.rmtree(retired, ignore_errors=True)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


# -- reading what Spark built: its marts are Parquet folders under spark.sql.warehouse.dir ------------------

MARTS_SCHEMA = "marts"


def spark_mart_folders(schema: str = MARTS_SCHEMA) -> dict[str, Path]:
    """{table: folder} of the Spark tables of ``schema`` that hold Parquet files (a table dbt is rewriting,
    ``<name>__dbt_next`` or ``__dbt_tmp``, is not one)."""
    root = spark_dir() / "warehouse" / f"{schema}.db"
    if not root.is_dir():
        return {}
    return {
        folder.name: folder
        for folder in sorted(root.iterdir())
        if folder.is_dir() and "__dbt_" not in folder.name and any(folder.glob("*.parquet"))
    }


def create_mart_views(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """A view in ``schema`` (of ``con``'s current or a named catalog) per Spark mart, over its Parquet files."""
    names = []
    for table, folder in spark_mart_folders().items():
        con.execute(
            f'create or replace view {schema}."{table}" as '
            f"select * from read_parquet('{_literal(folder)}/*.parquet')"
        )
        names.append(table)
    return names


@contextmanager
def spark_marts_snapshot(folder: Path) -> Iterator[Path]:
    """A DuckDB file whose schema ``marts`` holds a view per Spark mart (no copy): what the publish step reads
    as its warehouse on Spark. Deleted on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".spark-marts-{uuid.uuid4().hex}.duckdb"
    try:
        with duckdb.connect(str(path)) as con:
            con.execute(f"create schema {MARTS_SCHEMA}")
            create_mart_views(con, MARTS_SCHEMA)
        yield path
    finally:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)


@contextmanager
def spark_read_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB session that sees the landing file's raw schemas (read-only, its default catalog)
    and Spark's marts as catalog ``marts`` (views over their Parquet files): the gates and the publish check
    query ``raw_<vendor>.<table>`` and ``marts.<table>`` as on DuckDB."""
    with duckdb.connect() as con:
        con.execute(f"attach '{_literal(warehouse_path())}' as landing (read_only)")
        con.execute(f"attach ':memory:' as {MARTS_SCHEMA}")
        create_mart_views(con, f"{MARTS_SCHEMA}.main")
        con.execute("use landing")
        yield con
