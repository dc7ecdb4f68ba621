"""What every raw resource shares: how a partition run writes its days, and where rejected records go."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource
from dlt.pipeline.pipeline import Pipeline

from ingestion.core.arrow_pages import CONFLICTING_DUPLICATE, QUARANTINE_SINK, RejectedRecord, arrow_schema
from ingestion.core.increments import increment_scope
from ingestion.core.quarantine import as_quarantine_item, day_scope, marker_row, quarantine_rows
from ingestion.core.raw_table import RawTable
from ingestion.core.windows import Window


def windowed_merge_args(
    table: RawTable, window: Window | None = None, since: datetime | None = None
) -> dict[str, Any]:
    """dlt resource arguments that make a load replace the days of ``window``.

    ``delete-insert`` with a ``destination_scope`` of the window's days deletes every destination row of
    those days — also of a day the vendor now lists nothing for — then inserts the load de-duplicated by
    the primary key, in one transaction: a crash leaves the previous rows of the window in place, and
    source deletions vanish on a re-run. Without ``window`` the load replaces only the days it carries
    (``merge_key="_day"``).

    With a window, the resource hands dlt rows already unique by key (``windowed_resource``), so dlt is
    told the staging data is de-duplicated: its own de-duplication, a window function over the whole
    load, was half of a million-row load's time (bench/). With ``since`` (an incremental refresh of an open
    day, ``ingestion.core.increments``) the scope is only the window's rows dated at or after it.
    """
    disposition: dict[str, Any] = {"disposition": "merge", "strategy": "delete-insert"}
    args: dict[str, Any] = {"name": table.name, "primary_key": list(table.primary_key)}
    if window is None:
        args["merge_key"] = "_day"
    else:
        disposition["destination_scope"] = (
            day_scope(window) if since is None else increment_scope(table, window, since)
        )
        disposition["deduplicated"] = True
    return {**args, "write_disposition": disposition}


def append_into_empty_windows(pipeline: Pipeline, source: DltSource) -> list[str]:
    """Let each selected window-replacing resource whose window holds no destination rows append its load.

    A ``windowed_merge_args`` merge deletes the rows of its ``destination_scope`` and inserts the
    de-duplicated load: when the scope holds no rows (the first load of a day, a backfill of new days) that
    is exactly an append, minus the copy through the staging dataset that a merge needs (about 40% of a
    million-row load, bench/). A window that holds rows still gets the atomic delete-insert. Call it right
    before the run that loads ``source``, with writers serialised (the warehouse pool): the look holds only
    until the next writer. Returns the names of the resources turned into appends.
    """
    candidates = {
        name: resource
        for name, resource in source.selected_resources.items()
        if _replaces_by_scope(resource.write_disposition)
        # a scope naming the load's own rows (an increment replacing by key) needs the merge
        and "{staging_table}" not in resource.write_disposition["destination_scope"]
    }
    if not candidates:
        return []
    appended = []
    with pipeline.sql_client() as client:
        for name, resource in candidates.items():
            table = client.make_qualified_table_name(resource.table_name)
            scope = resource.write_disposition["destination_scope"]
            try:
                with client.execute_query(f"SELECT 1 FROM {table} WHERE {scope} LIMIT 1") as cursor:
                    holds_rows = cursor.fetchone() is not None
            except DatabaseUndefinedRelation:  # not loaded yet: nothing to replace
                holds_rows = False
            if not holds_rows:
                resource.apply_hints(write_disposition="append")
                appended.append(name)
    return appended


def discard_pending_packages(pipeline: Pipeline) -> list[str]:
    """Discard the load packages a killed run left in ``pipeline``'s working folder; their load ids.

    ``pipeline.run(source)`` with a package pending loads that package and returns *without extracting*
    ``source``: a build killed during its load would have its old day loaded by the next run, in place of the
    next run's own day. Its rows are not lost: the killed day is replaced whole when it is run again (the
    ``windowed_merge_args`` delete-insert). What ``DagsterDltResource.run`` does before every run, for every
    path: drop the local state (restored from the destination at the next run), or, with
    ``restore_from_destination`` off, abort the pending packages only. Call it with the warehouse writer lock
    held: another writer's pending package is its load in progress."""
    pending = [*pipeline.list_extracted_load_packages(), *pipeline.list_normalized_load_packages()]
    if pending:
        if pipeline.config.restore_from_destination:
            pipeline.drop()
        else:
            pipeline.abort_packages()
    return pending


def _replaces_by_scope(disposition: Any) -> bool:
    """A ``windowed_merge_args`` merge with a window: replaces the scope's rows with a de-duplicated load."""
    return (
        isinstance(disposition, dict)
        and disposition.get("disposition") == "merge"
        and disposition.get("strategy") == "delete-insert"
        and isinstance(disposition.get("destination_scope"), str)
        and disposition.get("deduplicated") is True
    )


class FirstByKey:
    """Keeps the first version of each primary key across the Arrow pages of one load — the duplicate rule.

    A vendor can hand out a key more than once: a page that repeats, a record that moves between pages
    while we read, Helicone's overlap between offset pages, an orq bucket reported twice. The page walks
    hand every version on (``paging.fresh_records``); the decision is made here, on the projected rows:

    * the first version seen is kept (what dlt's own de-duplication would keep is unspecified; the first
      is what paging hands out first);
    * a later version with the same content is an identical repeat: dropped, silently;
    * a later version with other content (any column but the window bounds, ``_extra_fields`` included) is
      a conflicting duplicate: dropped from the raw table and handed over in ``conflicts`` (rule
      ``conflicting_duplicate``, column = the key), so that it reaches quarantine and counts in the
      quarantined share like any rule break.

    Content is compared by a 64-bit hash of each row, computed by DuckDB over the Arrow page (vectorised;
    the Python side keeps one int per key).
    """

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.key = list(table.primary_key)
        self.kept: dict[Any, int] = {}  # key -> content hash of the version kept
        self.conflicts: list[RejectedRecord] = []  # losing versions not yet taken by the caller
        self._con: duckdb.DuckDBPyConnection | None = None

    def __call__(self, page: pa.Table) -> pa.Table:
        if not page.num_rows:
            return page
        keys = self._keys(page)
        hashes = self._hashes(page)
        kept = self.kept
        if len(set(keys)) == len(keys) and kept.keys().isdisjoint(keys):  # the usual case: nothing repeats
            kept.update(zip(keys, hashes, strict=True))
            return page
        keep, losers = self._split(keys, hashes)
        if losers:
            self._conflict(page, keys, losers)
        return page.filter(pa.array(keep))

    def _split(self, keys: list[Any], hashes: list[int]) -> tuple[list[bool], list[int]]:
        keep, losers = [], []
        for i, (key, content) in enumerate(zip(keys, hashes, strict=True)):
            first = self.kept.get(key)
            if first is None:
                self.kept[key] = content
                keep.append(True)
            else:
                keep.append(False)
                if first != content:
                    losers.append(i)
        return keep, losers

    def take_conflicts(self) -> list[RejectedRecord]:
        conflicts, self.conflicts = self.conflicts, []
        return conflicts

    def _conflict(self, page: pa.Table, keys: list[Any], rows: list[int]) -> None:
        columns = [c for c in page.column_names if c not in _WINDOW_BOUNDS]
        named = ", ".join(self.key)
        for i, row in zip(rows, page.select(columns).take(rows).to_pylist(), strict=True):
            self.conflicts.append(
                RejectedRecord(
                    record=row,
                    rule=CONFLICTING_DUPLICATE,
                    column=named,
                    reason=(
                        f"({named}) = {keys[i]!r} was handed out before with other content; the first "
                        "version seen is kept"
                    ),
                    day=row["_day"],
                    as_landed=True,
                )
            )

    def _keys(self, page: pa.Table) -> list[Any]:
        """Each row's key as one value: the key columns' text joined by a separator no id contains."""
        columns = [pc.cast(page.column(k), pa.string()) for k in self.key]
        if len(columns) == 1:
            return columns[0].to_pylist()
        return pc.binary_join_element_wise(*columns, "\x1f").to_pylist()

    def _hashes(self, page: pa.Table) -> list[int]:
        """A 64-bit hash of each row's content (DuckDB's ``hash`` over the columns, in one vectorised pass)."""
        if self._con is None:
            self._con = duckdb.connect(config={"threads": 1})
        content = [c for c in page.column_names if c not in _WINDOW_BOUNDS]
        columns = ", ".join('"' + c.replace('"', '""') + '"' for c in content)
        self._con.register("_page", page)
        try:
            return self._con.execute(f"select hash({columns}) as h from _page").fetchnumpy()["h"].tolist()
        finally:
            self._con.unregister("_page")


_WINDOW_BOUNDS = ("_window_start", "_window_end")
log = logging.getLogger(__name__)


def _dated_from(page: pa.Table, table: RawTable, since: datetime) -> tuple[pa.Table, int]:
    """The page's rows dated at or after ``since``, and how many were dated before it."""
    event_time = page.column(table.event_time_column)
    keep = pc.greater_equal(event_time, pa.scalar(since, type=event_time.type))
    kept = page.filter(keep)  # an undated row is quarantined before it reaches a page
    return kept, page.num_rows - kept.num_rows


def windowed_resource(
    table: RawTable, window: Window, since: datetime | None = None, **resource_kwargs: Any
) -> Callable[[Callable[[], Iterator[Any]]], DltResource]:
    """``@dlt.resource`` for a raw table over one window, with quarantine.

    The decorated generator yields Arrow pages made by ``arrow_pages.records_to_table``, kept unique by
    the table's key (``FirstByKey``: the first version lands, an identical repeat is dropped, a conflicting
    one is quarantined); while it runs, the records those pages reject are collected here and loaded into
    ``raw_<vendor>.quarantine`` with the same day-replacement (see ``ingestion.core.quarantine``). Nothing
    is dropped but identical repeats: a record is in the raw table or in quarantine.

    With ``since`` (an incremental refresh, ``ingestion.core.increments``; the decorated generator then asks
    the vendor from ``since`` only) the load replaces the window's rows dated at or after ``since``; a
    record the vendor hands out dated before it is dropped, as it landed before (or lands at the day's next
    whole pull); quarantine rows are replaced by id, the earlier rejects of the day kept.
    """
    vendor = table.vendor

    def decorate(fn: Callable[[], Iterator[Any]]) -> DltResource:
        @functools.wraps(fn)
        def pages() -> Iterator[Any]:
            rejected: list[tuple[RawTable, Sequence[RejectedRecord]]] = []
            first_by_key = FirstByKey(table)
            quarantined: set[str] = set()  # quarantine ids loaded: a repeated reject is one row
            inner = fn()
            before_since = 0  # an increment's records dated before ``since``: landed already

            def quarantine_items() -> Iterator[Any]:
                while rejected:
                    rejected_table, records = rejected.pop(0)
                    rows = quarantine_rows(vendor, rejected_table, window, records)
                    ids = rows.column("quarantine_id").to_pylist()
                    fresh = [i not in quarantined for i in ids]
                    quarantined.update(ids)
                    if not all(fresh):
                        rows = rows.filter(pa.array(fresh, type=pa.bool_()))
                    if rows.num_rows:
                        yield as_quarantine_item(rows, window)

            while True:
                # Set around each step, not once: dlt may run each step of a parallelized resource on a
                # different thread, and a context variable does not follow a generator across threads.
                token = QUARANTINE_SINK.set(lambda t, records: rejected.append((t, records)))
                try:
                    item = next(inner)
                except StopIteration:
                    break
                finally:
                    QUARANTINE_SINK.reset(token)
                if isinstance(item, pa.Table):
                    if since is not None and not table.increment_replaces_by:
                        item, earlier = _dated_from(item, table, since)
                        before_since += earlier
                    item = first_by_key(item)
                    if first_by_key.conflicts:
                        rejected.append((table, first_by_key.take_conflicts()))
                yield item
                yield from quarantine_items()
            # The step that ended the generator may have rejected records too (a last batch whose every
            # record broke a rule yields no page): they are quarantined like the others.
            yield from quarantine_items()
            if before_since:
                log.info(
                    "%s.%s: %d record(s) dated before %s not replaced",
                    vendor,
                    table.name,
                    before_since,
                    since,
                )
            # A load with no rows of the table runs no merge at all: this empty page makes a day the vendor
            # now lists nothing for replace (empty) the day's old rows too.
            yield arrow_schema(table).empty_table()
            yield as_quarantine_item(marker_row(vendor, table, window, whole=since is None), window)

        return dlt.resource(pages, **windowed_merge_args(table, window, since), **resource_kwargs)

    return decorate
