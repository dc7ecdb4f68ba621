"""What every raw resource shares: how a partition run writes its days, and where rejected records go."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource
from dlt.pipeline.pipeline import Pipeline

from ingestion.core.arrow_pages import QUARANTINE_SINK, RejectedRecord, arrow_schema
from ingestion.core.quarantine import as_quarantine_item, day_scope, marker_row, quarantine_rows
from ingestion.core.raw_table import RawTable
from ingestion.core.windows import Window


def windowed_merge_args(table: RawTable, window: Window | None = None) -> dict[str, Any]:
    """dlt resource arguments that make a load replace the days of ``window``.

    ``delete-insert`` with a ``destination_scope`` of the window's days deletes every destination row of
    those days — also of a day the vendor now lists nothing for — then inserts the load de-duplicated by
    the primary key, in one transaction: a crash leaves the previous rows of the window in place, and
    source deletions vanish on a re-run. Without ``window`` the load replaces only the days it carries
    (``merge_key="_day"``).

    With a window, the resource hands dlt rows already unique by key (``windowed_resource``), so dlt is
    told the staging data is de-duplicated: its own de-duplication, a window function over the whole
    load, was half of a million-row load's time (bench/).
    """
    disposition: dict[str, Any] = {"disposition": "merge", "strategy": "delete-insert"}
    args: dict[str, Any] = {"name": table.name, "primary_key": list(table.primary_key)}
    if window is None:
        args["merge_key"] = "_day"
    else:
        disposition["destination_scope"] = day_scope(window)
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
    """Keeps the first row of each primary key across the Arrow pages of one load (what dlt's own
    de-duplication keeps is unspecified; the first is what paging hands out first)."""

    def __init__(self, table: RawTable) -> None:
        self.key = list(table.primary_key)
        self.seen: set[Any] = set()

    def __call__(self, page: pa.Table) -> pa.Table:
        if not page.num_rows:
            return page
        keys = self._keys(page)
        fresh = set(keys)
        if len(fresh) == len(keys) and self.seen.isdisjoint(fresh):  # the usual case: nothing repeats
            self.seen |= fresh
            return page
        keep = []
        for key in keys:
            new = key not in self.seen
            if new:
                self.seen.add(key)
            keep.append(new)
        return page.filter(pa.array(keep))

    def _keys(self, page: pa.Table) -> list[Any]:
        """Each row's key as one value: the key columns' text joined by a separator no id contains."""
        columns = [pc.cast(page.column(k), pa.string()) for k in self.key]
        if len(columns) == 1:
            return columns[0].to_pylist()
        return pc.binary_join_element_wise(*columns, "\x1f").to_pylist()


def windowed_resource(
    table: RawTable, window: Window, **resource_kwargs: Any
) -> Callable[[Callable[[], Iterator[Any]]], DltResource]:
    """``@dlt.resource`` for a raw table over one window, with quarantine.

    The decorated generator yields Arrow pages made by ``arrow_pages.records_to_table``, kept unique by
    the table's key (``FirstByKey``); while it runs,
    the records those pages reject are collected here and loaded into ``raw_<vendor>.quarantine`` with
    the same day-replacement (see ``ingestion.core.quarantine``). Nothing is dropped: a record is in the raw
    table or in quarantine.
    """
    vendor = table.vendor

    def decorate(fn: Callable[[], Iterator[Any]]) -> DltResource:
        @functools.wraps(fn)
        def pages() -> Iterator[Any]:
            rejected: list[tuple[RawTable, Sequence[RejectedRecord]]] = []
            first_by_key = FirstByKey(table)
            inner = fn()
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
                yield first_by_key(item) if isinstance(item, pa.Table) else item
                while rejected:
                    rejected_table, records = rejected.pop(0)
                    rows = quarantine_rows(vendor, rejected_table, window, records)
                    yield as_quarantine_item(rows, window)
            # A load with no rows of the table runs no merge at all: this empty page makes a day the vendor
            # now lists nothing for replace (empty) the day's old rows too.
            yield arrow_schema(table).empty_table()
            yield as_quarantine_item(marker_row(vendor, table, window), window)

        return dlt.resource(pages, **windowed_merge_args(table, window), **resource_kwargs)

    return decorate
