"""History for the dbt and BI measurements: the base day's raw rows copied to other days, in SQL.

Building 90 days at 100k calls/day over HTTP would take most of an hour on two cores, so the benchmark
loads ONE day through the real sources (``base_day_step``) and copies its raw rows to the other days:
every timestamp and ``_day`` column moves by whole days, and identity columns (call, trace, span, session,
job ids — ``IDENTITY_COLUMNS``) get a ``~<copy>`` suffix so keys stay unique and links stay consistent.
The raw schema is exactly the real one; only the data repeats (every day is the base day's pattern).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb

from ingestion.raw_tables import RAW_TABLES_BY_VENDOR

RAW_SCHEMAS = ("raw_revenium", "raw_helicone", "raw_orq")
# Columns that identify one event (not a dimension): suffixed per copy so that keys stay unique.
IDENTITY_COLUMNS = frozenset(
    {
        "id",
        "_dlt_id",
        "transaction_id",
        "parent_transaction_id",
        "trace_id",
        "squad_id",
        "agentic_job_id",
        "request_id",
        "response_id",
        "session_id",
        "span_id",
        "parent_span_id",
        "root_span_id",
        "workflow_id",
        "thread_id",
    }
)
TIME_TYPES = ("TIMESTAMP", "DATE")


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' "
        f"and table_schema in {RAW_SCHEMAS!r} and table_name not like '\\_dlt\\_%' escape '\\'"
    ).fetchall()


def _select(con: duckdb.DuckDBPyConnection, schema: str, table: str, shift_days: int, tag: str) -> str:
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    parts = []
    for name, type_ in columns:
        q = f'"{name}"'
        if type_.startswith(TIME_TYPES) and shift_days:
            expr = f"{q} + interval {shift_days} day"
            parts.append(f"cast({expr} as {type_}) as {q}")
        elif name in IDENTITY_COLUMNS and type_ == "VARCHAR":
            parts.append(f"{q} || '~{tag}' as {q}")
        else:
            parts.append(q)
    return f'select {", ".join(parts)} from "{schema}"."{table}" where _day = ?'


def _is_event_table(schema: str, table: str) -> bool:
    """A table of events (keyed by an event id), as opposed to one of the vendor's per-day figures."""
    vendor = schema.removeprefix("raw_")
    declared = {t.name: t for t in RAW_TABLES_BY_VENDOR.get(vendor, ())}
    return table in declared and bool(IDENTITY_COLUMNS & set(declared[table].primary_key))


def replicate(warehouse: Path, base_day: date, days: list[date], copies_per_day: int = 1) -> None:
    """Add ``copies_per_day`` copies of ``base_day``'s raw rows on each of ``days``. ``days`` may hold the
    base day itself: then only event tables are copied (a vendor's figure for a day exists once a day)."""
    with duckdb.connect(str(warehouse)) as con:
        for schema, table in _tables(con):
            for day in days:
                if day == base_day and not _is_event_table(schema, table):
                    continue
                for copy in range(copies_per_day):
                    tag = f"{day:%Y%m%d}c{copy}"
                    sql = _select(con, schema, table, (day - base_day).days, tag)
                    con.execute(f'insert into "{schema}"."{table}" {sql}', [base_day])
        con.execute("checkpoint")


def copy_warehouse(src: Path, dst: Path) -> Path:
    dst.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


NOTE = (
    "History for the dbt and BI figures: ONE day loaded through the real sources over HTTP (all Revenium, "
    "Helicone and orq resources), its raw rows copied in SQL to the other days (timestamps shifted by whole "
    "days, event ids suffixed per copy). Same raw schema; every day repeats the base day's data. The big "
    "day for dbt memory is the base day copied k times into the same day."
)
