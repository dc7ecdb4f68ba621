"""Reading Revenium list responses, whichever envelope they come in (docs/vendor-apis/revenium.md §1.1, §5.3).

Shapes handled: the Spring HAL page ``{"_embedded": {"<anything>List": [...]}, "page": {...}}`` (the list
key differs per resource, so the first list under ``_embedded`` is taken); a HAL page without
``_embedded`` or with an empty ``_embedded`` (= no records); a bare JSON array (no paging metadata); and
the non-HAL Spring wrapper ``{"content": [...], "page": {...}}`` (or with ``totalPages`` at top level).
Non-list wrappers with a named list (``{"transactions": [...]}``, ``{"events": [...]}``, ``dataPoints``)
are read by ``items_under``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ingestion.core.http_client import VendorClient
from ingestion.core.paging import PageWalk, fresh_records, prefetched

PAGE_SIZE = 100  # the server's cap; asking for more silently returns 100


def hal_items(body: Any) -> list[dict[str, Any]]:
    """The records of one list response (see the module docstring for the shapes)."""
    if isinstance(body, list):
        return body
    if not isinstance(body, Mapping):
        raise ValueError(f"expected a JSON object or array, got {type(body).__name__}")
    embedded = body.get("_embedded")
    if isinstance(embedded, Mapping):
        for value in embedded.values():
            if isinstance(value, list):
                return value
        return []
    if isinstance(body.get("content"), list):
        return body["content"]
    return []


def items_under(body: Any, key: str) -> list[dict[str, Any]]:
    """Records of a non-HAL wrapper ``{key: [...]}``; HAL and bare-array shapes are tolerated too."""
    if isinstance(body, Mapping) and isinstance(body.get(key), list):
        return body[key]
    return hal_items(body)


def hal_total_pages(body: Any) -> int | None:
    """``page.totalPages`` (HAL and the ``content`` wrapper), or a top-level ``totalPages``; else None."""
    if not isinstance(body, Mapping):
        return None
    page = body.get("page")
    if isinstance(page, Mapping) and page.get("totalPages") is not None:
        return int(page["totalPages"])
    if body.get("totalPages") is not None:
        return int(body["totalPages"])
    return None


def hal_total_elements(body: Any) -> int | None:
    if not isinstance(body, Mapping):
        return None
    page = body.get("page")
    if isinstance(page, Mapping) and page.get("totalElements") is not None:
        return int(page["totalElements"])
    if body.get("totalElements") is not None:
        return int(body["totalElements"])
    return None


def iter_pages(
    client: VendorClient,
    path: str,
    params: Mapping[str, Any],
    page_size: int = PAGE_SIZE,
    id_field: str | None = "id",
    concurrency: int = 1,
    first: Any = None,
    label: str = "",
) -> Iterator[list[dict[str, Any]]]:
    """Every page of a paged list, in the server's order.

    Pages are walked by number up to ``page.totalPages`` as the first page reported it. When a response
    carries no paging metadata (a bare array), pages are walked until one comes back shorter than the
    page size the server can serve (``min(page_size, 100)``). An empty page always ends the walk. With
    ``id_field``, records are de-duplicated across pages (a record that moves between pages while we
    read must not be counted twice); a record without an id is always passed on, for quarantine to see.

    With ``concurrency > 1`` and a known ``totalPages``, up to that many of the following pages are
    requested at once (each request still takes its slot from the client's pacer, so the vendor's rate
    limit holds); pages are still handed out, de-duplicated and ended in page order, exactly as above.
    ``first`` is the body of page 0 when the caller has already asked for it. ``label`` (e.g. "day
    2026-03-03") names the walk in progress lines and errors.

    Every page goes through the loop guard (``core.paging.PageWalk``): a page with the same records as
    the one before, or more pages than ``AIECON_MAX_PAGES``, stops the walk with ``PagingLoopError``.
    """
    seen: set[Any] = set()
    full = min(page_size, PAGE_SIZE)
    walk = PageWalk(client, path, label or walk_label(params))

    def fetch(page: int) -> Any:
        return client.get(path, params={**params, "page": page, "size": page_size})

    if first is None:
        first = fetch(0)
    total_pages = hal_total_pages(first)
    walk.expect(total_pages)
    if total_pages is not None and total_pages > 2:
        bodies: Iterator[Any] = itertools.chain(
            [first], prefetched(fetch, range(1, total_pages), concurrency)
        )
    else:
        bodies = _sequential(first, fetch)
    try:
        for page, body in enumerate(bodies):
            items = hal_items(body)
            ids = None if id_field is None else [record_id(r, id_field) for r in items]
            walk.page(len(items), ids=ids, body=items, at=f"page {page}", cursor=page)
            fresh = items if id_field is None else fresh_records(items, id_field, seen)
            if fresh:
                yield fresh
            if not items or (total_pages is None and len(items) < full):
                break
            if total_pages is not None and page + 1 >= total_pages:
                break
    finally:
        close = getattr(bodies, "close", None)
        if close is not None:
            close()


def record_id(record: Any, id_field: str) -> Any:
    return record.get(id_field) if isinstance(record, Mapping) else None


def walk_label(params: Mapping[str, Any]) -> str:
    """ "day 2026-03-03" (and the team) from a dated list query, for progress lines and errors."""
    start = str(params.get("startDate") or "")[:10]
    team = params.get("teamId")
    parts = [f"day {start}" if start else "", f"team {team}" if team else ""]
    return ", ".join(p for p in parts if p)


def _sequential(first: Any, fetch: Callable[[int], Any]) -> Iterator[Any]:
    yield first
    page = 1
    while True:
        yield fetch(page)
        page += 1
