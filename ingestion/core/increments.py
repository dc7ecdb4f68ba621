"""Incremental refresh of today: pull only what is newer than what landed.

Today's partition is refreshed every hour while the vendors keep metering. Pulling the whole day so far each
time costs the vendor's quota and our time in proportion to the hour of the day; an incremental refresh costs
what is new. For each raw table declared ``incremental_refresh`` (records the vendor never changes once
written, listed by their event time), a run of an **open day** (a one-day window that has not ended):

* reads a high-water mark from what landed: the newest event time of the day's rows (``landed_marks``);
* pulls from ``since = min(mark, now) - overlap`` to the end of the day (``AIECON_INCREMENTAL_REFRESH_OVERLAP_
  MINUTES``, default 30: records that reach the vendor late, a trace still running, are listed again);
* replaces only the day's rows dated at or after ``since`` (``increment_scope``) and keeps the older ones.

Crash-safe by construction: the mark is recomputed from the landed rows at each run, and the load replaces
its scope in one transaction, so a killed refresh leaves the previous rows and the next one pulls the same
span again. Not an increment: a closed day (the daily finalize re-pulls yesterday and the look-back whole, so
a record dated before ``since`` that reached the vendor later than the overlap lands then), a table holding no
rows of the day yet, a multi-day window, ``AIECON_INCREMENTAL_REFRESH=false``. Per-day figures (a vendor's
totals, aggregates, sessions) are asked whole as before: they are one request each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta

from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.pipeline.pipeline import Pipeline

from ingestion.core.quarantine import day_scope
from ingestion.core.raw_table import RawTable
from ingestion.core.setting_registry import value
from ingestion.core.windows import Window, as_utc

# {raw table name: since} — what a source is told to pull incrementally; a table not named is pulled whole.
Increments = Mapping[str, datetime]


def enabled() -> bool:
    return value("AIECON_INCREMENTAL_REFRESH")


def overlap() -> timedelta:
    return timedelta(minutes=value("AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES"))


def is_open_day(window: Window, now: datetime) -> bool:
    """A window of exactly one UTC day that has not ended at ``now``: today's partition."""
    whole_day = window.start.time() == time() and window.end - window.start == timedelta(days=1)
    return whole_day and as_utc(now) < window.end


def increment_start(mark: datetime | None, day: Window, now: datetime, overlap: timedelta) -> datetime | None:
    """Where an incremental pull of ``day`` starts, given the newest landed event time ``mark``: ``min(mark,
    now) - overlap`` (a mark ahead of our clock — a vendor's clock running fast — does not skip records),
    or None (pull the whole day) when nothing landed yet or that start is not after the day's start."""
    if mark is None:
        return None
    since = min(as_utc(mark), as_utc(now)) - overlap
    return since if since > day.start else None


def landed_marks(pipeline: Pipeline, tables: Iterable[RawTable], day: Window) -> dict[str, datetime | None]:
    """The newest event time of ``day``'s rows in each table (None: none landed, or the table does not exist)."""
    marks: dict[str, datetime | None] = {}
    with pipeline.sql_client() as client:
        for table in tables:
            name = client.make_qualified_table_name(table.name)
            column = client.escape_column_name(table.event_time_column)
            try:
                with client.execute_query(
                    f"SELECT max({column}) FROM {name} WHERE {day_scope(day)}"
                ) as cursor:
                    row = cursor.fetchone()
            except DatabaseUndefinedRelation:
                row = None
            marks[table.name] = as_utc(row[0]) if row and row[0] is not None else None
    return marks


def open_day_increments(
    pipeline: Pipeline, tables: Iterable[RawTable], window: Window, now: datetime | None = None
) -> dict[str, datetime]:
    """{table: since} for the incremental tables of a run of ``window``: empty unless the window is an open
    day and ``AIECON_INCREMENTAL_REFRESH`` is on. Call it with writers serialised (the warehouse pool), right
    before the load: the marks hold until the next writer."""
    now = as_utc(now or datetime.now(UTC))
    if not enabled() or not is_open_day(window, now):
        return {}
    candidates = [t for t in tables if t.incremental_refresh]
    if not candidates:
        return {}
    marks = landed_marks(pipeline, candidates, window)
    starts = {name: increment_start(mark, window, now, overlap()) for name, mark in marks.items()}
    return {name: since for name, since in starts.items() if since is not None}


def pull_window(window: Window, since: datetime | None) -> Window:
    """What a source asks the vendor for: ``[since, end)`` for an increment, else the whole window."""
    return window if since is None else Window(since, window.end)


def increment_scope(table: RawTable, window: Window, since: datetime) -> str:
    """SQL selecting the destination rows an increment replaces (dlt's ``destination_scope``): the window's
    days, dated at or after ``since`` — or, for a table whose rows belong to parents re-read whole
    (``increment_replaces_by``), the rows of the parents in the load."""
    if table.increment_replaces_by:
        key = table.increment_replaces_by
        return f"{day_scope(window)} AND {key} IN (SELECT {key} FROM {{staging_table}})"
    return f"{day_scope(window)} AND {table.event_time_column} >= '{as_utc(since).isoformat()}'"
