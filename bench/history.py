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

from ingestion.vendors import DATASETS, VENDORS

RAW_SCHEMAS: tuple[str, ...] = DATASETS
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


def _select(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """The table's rows of day ``$base`` once per (shift, copy) row of the ``copies`` relation: times moved
    by ``shift`` days, identity columns tagged with the target day and the copy number."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    parts = []
    for name, type_ in columns:
        q = f'"{name}"'
        if type_.startswith(TIME_TYPES):
            parts.append(f"cast(t.{q} + copies.shift * interval 1 day as {type_}) as {q}")
        elif name in IDENTITY_COLUMNS and type_ == "VARCHAR":
            parts.append(f"t.{q} || '~' || copies.tag as {q}")
        else:
            parts.append(f"t.{q}")
    return f'select {", ".join(parts)} from "{schema}"."{table}" t, copies where t._day = $base'


def _is_event_table(schema: str, table: str) -> bool:
    """A table of events (keyed by an event id), as opposed to one of the vendor's per-day figures."""
    declared = {t.name: t for v in VENDORS if v.dataset == schema for t in v.raw_tables}
    return table in declared and bool(IDENTITY_COLUMNS & set(declared[table].primary_key))


def replicate(warehouse: Path, base_day: date, days: list[date], copies_per_day: int = 1) -> None:
    """Make each of ``days`` hold ``copies_per_day`` copies of ``base_day``'s events (the base day itself,
    if listed, keeps its original rows and gets ``copies_per_day - 1`` more). A vendor's per-day figures
    (tables without an event key) are copied once per other day: the vendor states them once a day."""
    with duckdb.connect(str(warehouse)) as con:
        for schema, table in _tables(con):
            event = _is_event_table(schema, table)
            copies = [
                ((day - base_day).days, f"{day:%Y%m%d}c{copy}")
                for day in days
                for copy in range(copies_per_day - 1 if day == base_day else copies_per_day)
                if event or (copy == 0 and day != base_day)
            ]
            if not copies:
                continue
            values = ", ".join(f"({shift}, '{tag}')" for shift, tag in copies)
            con.execute(
                f"with copies(shift, tag) as (values {values}) "
                f'insert into "{schema}"."{table}" {_select(con, schema, table)}',
                {"base": base_day},
            )
        con.execute("checkpoint")


def copy_warehouse(src: Path, dst: Path) -> Path:
    dst.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


NOTE = (
    "History for the dbt and BI figures: ONE day loaded through the real sources over HTTP (all Revenium, "
    "Helicone and orq resources, at --base-calls a day), its raw rows copied in SQL k times onto every day "
    "(timestamps shifted by whole days, event ids suffixed per copy; a vendor's per-day figures once a day) "
    "so that a day holds about --history-calls calls. Same raw schema; every day repeats the base day's "
    "pattern. The big day for dbt memory is the base day copied until it holds about --ingest-calls calls."
)
