"""Paging helpers that hold for any vendor: de-duplication across a walk and prefetched pages."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


def first_seen(ids: list[Any], seen: set[Any]) -> list[bool]:
    """Which ids to keep: the first time an id is handed out in a walk (an id-less record always); ``seen``
    collects the ids handed out."""
    keep = []
    for value in ids:
        fresh = value is None or value not in seen
        if fresh and value is not None:
            seen.add(value)
        keep.append(fresh)
    return keep


def fresh_records(records: list[Any], id_field: str, seen: set[Any]) -> list[Any]:
    """The records whose ``id_field`` was not handed out before in this walk (``first_seen``)."""
    ids = [r.get(id_field) if isinstance(r, Mapping) else None for r in records]
    return [r for r, keep in zip(records, first_seen(ids, seen), strict=True) if keep]


def prefetched(
    fetch: Callable[[int], Any], pages: range, workers: int, ahead: int | None = None
) -> Generator[Any, None, None]:
    """``fetch(page)`` of every page in order, with up to ``workers`` requests in flight (one at a time
    when ``workers`` is 1) and up to ``ahead`` pages (default ``2 * workers``) fetched before the reader
    asks for them, so that fetching goes on while the reader works on what it has; pages not yet handed
    out are cancelled when the reader stops early (closes the generator)."""
    if workers <= 1:
        for page in pages:
            yield fetch(page)
        return
    ahead = max(ahead or 0, 2 * workers)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="page-fetch")
    pending: list[Future[Any]] = []
    todo = iter(pages)
    try:
        for page in todo:
            pending.append(pool.submit(fetch, page))
            if len(pending) >= ahead:
                break
        while pending:
            yield pending.pop(0).result()
            page = next(todo, None)
            if page is not None:
                pending.append(pool.submit(fetch, page))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
