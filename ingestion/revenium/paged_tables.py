"""A large paged HAL list straight into Arrow tables: many page bodies decoded at once, in C++.

Decoding each page into Python dicts and projecting the dicts to Arrow cost the client more than the rest
of a million-record day put together (bench/). Here the bodies of ``batch_pages`` pages are handed
undecoded to Arrow's JSON reader as one newline-delimited document (a page per line), against a schema
built from the ``RawTable`` declaration, and the records come out as one typed StructArray that
``arrow_pages.project_columnar`` turns into the raw table's columns.

That fast path only ever gives what the per-record path would: whenever a batch holds anything it cannot
decode or project exactly — a field of another type than declared, an undeclared field, a record that
breaks a row rule (quarantine needs the record itself), a body that is not JSON (a truncated response), an
envelope other than HAL — that batch goes through the per-record path instead (``decode_json`` per body,
asking again for a body that does not decode, then ``records_to_table``). Paging follows
``paging.iter_pages``: pages by number up to the ``totalPages`` the first page reported, an empty page
ends the walk, and a record id handed out again is handed on like any record (the resource's ``FirstByKey``
drops an identical repeat and quarantines a conflicting one). Every page goes through the
loop guard (``core.paging.PageWalk``), with the record ids of the page from either path.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from ingestion.core.arrow_pages import kept_for, project_columnar, records_to_table, value_at
from ingestion.core.http_client import VendorClient, decode_json
from ingestion.core.paging import PageWalk, first_seen, fresh_records, prefetched
from ingestion.core.raw_table import TIMESTAMP, RawTable
from ingestion.core.windows import Window
from ingestion.revenium.paging import PAGE_SIZE, hal_items, hal_total_pages, iter_pages, record_id, walk_label

EMBEDDED = "_embedded"
HAL_TOP_LEVEL = frozenset({EMBEDDED, "page", "_links"})


def hal_list_key(body: Any) -> str | None:
    """The name of the first list under ``_embedded`` (the key differs per resource), or None."""
    embedded = body.get(EMBEDDED) if isinstance(body, Mapping) else None
    if isinstance(embedded, Mapping):
        return next((k for k, v in embedded.items() if isinstance(v, list)), None)
    return None


def _json_type(type_: pa.DataType) -> pa.DataType:
    """What a declared column is read as from JSON: timestamps are text until ``project_columnar``."""
    return pa.string() if type_ == TIMESTAMP else type_


def page_schema(table: RawTable, list_key: str) -> pa.Schema:
    """The Arrow JSON reader's explicit schema for a HAL page of ``table``'s records: every declared
    vendor path, nested as the dotted path says, under ``_embedded.<list_key>``."""
    tree: dict[str, Any] = {}
    for column in table.columns:
        if column.path is None:
            continue
        *parents, leaf = column.path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = _json_type(column.type)

    def as_struct(node: dict[str, Any]) -> pa.StructType:
        return pa.struct([pa.field(k, as_struct(v) if isinstance(v, dict) else v) for k, v in node.items()])

    record = as_struct(tree)
    return pa.schema([pa.field(EMBEDDED, pa.struct([pa.field(list_key, pa.list_(record))]))])


def decode_pages(
    bodies: list[bytes], table: RawTable, list_key: str
) -> tuple[list[int], pa.StructArray] | None:
    """(records per page, all records as one StructArray) of HAL page bodies, or None when a body does
    not fit ``page_schema`` exactly (the caller decodes those pages one by one)."""
    # A raw newline in JSON text is whitespace (strings escape theirs): one page a line.
    lines = [b.replace(b"\n", b" ").replace(b"\r", b" ") if b"\n" in b or b"\r" in b else b for b in bodies]
    document = b"\n".join(lines)
    try:
        decoded = pa_json.read_json(
            io.BytesIO(document),
            # Two blocks, parsed on two threads (each block ends at a line): the reader releases the GIL,
            # so this also overlaps with the page fetchers. A block must hold the longest line.
            read_options=pa_json.ReadOptions(
                use_threads=True, block_size=max(len(document) // 2, max(map(len, lines))) + 1
            ),
            parse_options=pa_json.ParseOptions(
                explicit_schema=page_schema(table, list_key), unexpected_field_behavior="infer"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if decoded.num_rows != len(bodies) or set(decoded.column_names) - HAL_TOP_LEVEL:
        return None
    embedded = decoded.column(EMBEDDED).combine_chunks()
    if {f.name for f in embedded.type} != {list_key}:
        return None  # another list beside ours: hal_items would read whichever comes first
    # pc.struct_field keeps a missing _embedded NULL (``.field`` would not): a page without one lists
    # nothing.
    lists = pc.struct_field(embedded, list_key)
    counts = pc.fill_null(pc.list_value_length(lists), 0).to_pylist()
    return counts, lists.flatten()


def iter_page_tables(
    client: VendorClient,
    path: str,
    params: Mapping[str, Any],
    table: RawTable,
    window: Window,
    constants: Mapping[str, Any],
    *,
    page_size: int = PAGE_SIZE,
    concurrency: int = 1,
    batch_pages: int = 200,
    id_field: str = "id",
    only_within: Window | None = None,
) -> Iterator[pa.Table]:
    """Every record of a paged list as Arrow tables of ``table`` (see the module docstring).

    Rejected records reach the quarantine sink as with ``records_to_table``. Without paging metadata on
    the first page (a bare array, the ``content`` wrapper) the whole walk is ``paging.iter_pages``.
    With ``only_within`` (the day a per-day list was asked for), records whose event time is readable and
    outside it are dropped, not quarantined: a server that ignores the list's dates still lands each record
    once, under its own day's request.
    """
    seen: set[Any] = set()
    keep = DatedWithin(table, only_within)

    def fetch(page: int) -> Any:
        return client.get(path, params={**params, "page": page, "size": page_size})

    def fetch_bytes(page: int) -> bytes:
        return client.get_bytes(path, params={**params, "page": page, "size": page_size})

    first = fetch(0)
    total_pages = hal_total_pages(first)
    list_key = hal_list_key(first)
    if total_pages is None or list_key is None:
        for records in iter_pages(client, path, params, page_size, id_field, concurrency, first=first):
            yield records_to_table(table, keep(records), window, constants)
        return
    walk = PageWalk(client, path, walk_label(params))
    walk.expect(total_pages)
    first_items = hal_items(first)
    walk.page(
        len(first_items), ids=[record_id(r, id_field) for r in first_items], body=first_items, at="page 0"
    )
    if first_items:
        yield records_to_table(table, keep(fresh_records(first_items, id_field, seen)), window, constants)
    if total_pages <= 1 or not first_items:
        return
    id_column = next(c.name for c in table.columns if c.path == id_field)
    pages = range(1, total_pages)
    # Fetch a whole batch ahead: the next batch arrives while Arrow decodes this one.
    fetched = prefetched(fetch_bytes, pages, concurrency, ahead=batch_pages + 2 * concurrency)
    bodies = zip(pages, fetched, strict=True)
    try:
        while True:
            batch = list(itertools.islice(bodies, batch_pages))
            if not batch:
                return
            out, ended = _batch_table(
                batch, table, list_key, window, constants, fetch, seen, id_field, id_column, walk, keep
            )
            if out is not None and out.num_rows:
                yield out
            if ended:
                return
    finally:
        fetched.close()


def _batch_table(
    batch: list[tuple[int, bytes]],
    table: RawTable,
    list_key: str,
    window: Window,
    constants: Mapping[str, Any],
    fetch: Callable[[int], Any],
    seen: set[Any],
    id_field: str,
    id_column: str,
    walk: PageWalk,
    keep: DatedWithin,
) -> tuple[pa.Table | None, bool]:
    """One batch of pages as a table, and whether an empty page ended the walk in it; each page up to
    the end goes through ``walk`` (the loop guard)."""
    decoded = decode_pages([body for _, body in batch], table, list_key)
    if decoded is not None:
        counts, structs = decoded
        ended = 0 in counts
        if ended:  # the walk ends at the first empty page: nothing after it counts
            structs = structs.slice(0, sum(counts[: counts.index(0)]))
        projected = project_columnar(table, structs, window, constants)
        if projected is not None:
            ids = structs.field(id_field).to_pylist() if structs.type.get_field_index(id_field) >= 0 else None
            start = 0
            for (page, body), count in zip(batch, counts, strict=True):
                if not count:
                    break
                page_ids = ids[start : start + count] if ids is not None else None
                walk.page(count, ids=page_ids, body=body, at=f"page {page}", cursor=page)
                start += count
            # Repeats are handed on, as ``fresh_records`` does: the resource's ``FirstByKey`` decides on them.
            first_seen(projected.column(id_column).to_pylist(), seen)
            return projected.filter(keep.mask(projected)) if keep.window else projected, ended
    records: list[dict[str, Any]] = []
    ended = False
    for page, body in batch:
        try:
            items = hal_items(decode_json(body))
        except ValueError:  # not JSON (cut short): ask again, with the client's retries
            items = hal_items(fetch(page))
        if not items:
            ended = True
            break
        walk.page(
            len(items),
            ids=[record_id(r, id_field) for r in items],
            body=items,
            at=f"page {page}",
            cursor=page,
        )
        records += fresh_records(items, id_field, seen)
    return records_to_table(table, keep(records), window, constants), ended


class DatedWithin:
    """Keeps the records of a page dated inside ``window`` or not datable (the projection quarantines
    those); with no window, every record."""

    def __init__(self, table: RawTable, window: Window | None) -> None:
        self.window = window
        self.column = table.event_time_column
        self.path = next((c.path for c in table.columns if c.name == self.column), None)

    def __call__(self, records: list[Any]) -> list[Any]:
        if self.window is None or self.path is None:
            return records
        window = self.window
        return [r for r in records if not isinstance(r, Mapping) or kept_for(window, value_at(r, self.path))]

    def mask(self, projected: pa.Table) -> pa.Array:
        """The same choice on projected rows (their event time is already a timestamp, never NULL here)."""
        at = projected.column(self.column)
        return pc.and_(pc.greater_equal(at, self.window.start), pc.less(at, self.window.end))
