"""Paging helpers that hold for any vendor: de-duplication across a walk, prefetched pages, the loop guard
every page walk goes through (``PageWalk``) and the progress each resource logs (``Progress``).

A walk that would never end — a server that ignores the offset and serves the same page a third time in a
row, a cursor handed out twice, or more pages than ``AIECON_MAX_PAGES`` (default 20,000 per walk: two
million Revenium records, twenty million Helicone rows, in one day of one team) — stops with
``PagingLoopError`` naming the vendor, the endpoint, the day and what repeated, instead of asking for ever
(Helicone ignoring ``offset`` once made 2,804 requests in 240 s). The same page served just twice is a
vendor's paging slipping back once: it is read on (its rows are de-duplicated downstream).

Progress goes to the ``aiecon.ingest`` logger (which Dagster captures: ``python_logs`` in
``dagster_project/instance/dagster.yaml``): a line per resource at most every ``AIECON_PROGRESS_EVERY_S``
(default 10) seconds while pages arrive, and one when the resource is done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ingestion.core.setting_registry import value as setting_value

INGEST_LOG = logging.getLogger("aiecon.ingest")
MAX_PAGES = 20_000
# The same page served twice in a row is a vendor's paging slipping back once (its rows are read again and
# de-duplicated downstream); the same page a third time is a walk that does not advance.
IDENTICAL_PAGES_LIMIT = 3
PROGRESS_EVERY_S = 10.0


class PagingLoopError(RuntimeError):
    """A page walk stopped because it would not end; the message names vendor, endpoint and what repeated."""


def max_pages() -> int:
    """Pages one walk (one endpoint, one day, one team) may take (``AIECON_MAX_PAGES``, default 20,000)."""
    return setting_value("AIECON_MAX_PAGES")


def _digest(body: Any) -> bytes:
    raw = body if isinstance(body, bytes) else json.dumps(body, sort_keys=True, default=str).encode()
    return hashlib.blake2b(raw, digest_size=16).digest()


class Progress:
    """Records and pages one resource has read so far, logged to ``aiecon.ingest`` at most every
    ``every_s`` seconds (``AIECON_PROGRESS_EVERY_S``, default 10) and once by ``finish``; safe to share
    between the threads of one resource."""

    def __init__(self, vendor: str, resource: str, every_s: float | None = None, clock=time.monotonic):
        self.vendor, self.resource = vendor, resource
        every = setting_value("AIECON_PROGRESS_EVERY_S") if every_s is None else every_s
        self.every_s = float(every)
        self._clock = clock
        self._lock = threading.Lock()
        self.started = self._last = clock()
        self.records = self.pages = 0
        self._finished = False

    def add(self, records: int, pages: int = 1, note: str = "") -> None:
        with self._lock:
            self.records += records
            self.pages += pages
            now = self._clock()
            if now - self._last < self.every_s:
                return
            self._last = now
            records, pages = self.records, self.pages
        where = f" ({note})" if note else ""
        INGEST_LOG.info(
            "%s %s: %s records in %s pages so far%s",
            self.vendor,
            self.resource,
            f"{records:,}",
            f"{pages:,}",
            where,
        )

    def finish(self) -> None:
        with self._lock:
            if self._finished or not self.pages:
                return
            self._finished = True
        INGEST_LOG.info(
            "%s %s: done, %s records in %s pages in %.1fs",
            self.vendor,
            self.resource,
            f"{self.records:,}",
            f"{self.pages:,}",
            self._clock() - self.started,
        )


class PageWalk:
    """The loop guard of one page walk (one endpoint, one window): every page is reported to ``page``, and
    every cursor the server hands out to ``cursor``; either raises ``PagingLoopError`` when the walk
    would not end:

    * the same page again and again (the same record ids, or — without ids — the same body), three
      pages in a row (``IDENTICAL_PAGES_LIMIT``: one repeat is a vendor slipping back, and is read),
    * a cursor (page token, offset, page number) seen before in this walk,
    * more pages than ``max_pages`` (``AIECON_MAX_PAGES``).

    Pages are also counted into the client's ``progress`` (a ``Progress``), when it has one.
    """

    def __init__(self, client: Any, endpoint: str, label: str = "", limit: int | None = None) -> None:
        self.vendor = getattr(client, "vendor", None) or "vendor"
        self.progress: Progress | None = getattr(client, "progress", None)
        self.endpoint, self.label = endpoint, label
        self.limit = limit if limit is not None else max_pages()
        self.pages = 0
        self._cursors: set[Hashable] = set()
        # (kind, fingerprint, where) of the first of the identical pages just read, and how many they are
        self._last: tuple[str, Any, str] | None = None
        self._identical = 0

    def _fail(self, what: str) -> PagingLoopError:
        day = f" ({self.label})" if self.label else ""
        return PagingLoopError(
            f"{self.vendor}: {self.endpoint}{day}: paging stopped after {self.pages} page(s): {what}; the server "
            "is not advancing through the list (it ignores the paging parameters?), so the walk would not end"
        )

    def expect(self, total_pages: int | None) -> None:
        """A page count announced by the server, checked against the cap before the walk starts."""
        if total_pages is not None and total_pages > self.limit:
            raise self._fail(
                f"the server announces {total_pages:,} pages, more than {self.limit:,} (AIECON_MAX_PAGES)"
            )

    def page(
        self,
        records: int,
        *,
        ids: Sequence[Any] | None = None,
        body: Any = None,
        at: str = "",
        cursor: Hashable | None = None,
    ) -> None:
        """One page read: ``records`` on it, their ``ids`` (or else the ``body`` to compare), where it was
        read (``at``, e.g. "offset 2000") and the ``cursor`` it was asked with (None: the first page)."""
        self.pages += 1
        where = at or f"page {self.pages}"
        if self.pages > self.limit:
            raise self._fail(f"more than {self.limit:,} pages (AIECON_MAX_PAGES); the last asked: {where}")
        if cursor is not None:
            self.cursor(cursor, where)
        if ids is not None and any(i is not None for i in ids):
            current: tuple[str, Any, str] | None = ("ids", tuple(ids), where)
        elif body is not None and records:
            current = ("body", _digest(body), where)
        else:
            current = None
        if current is not None and self._last is not None and current[:2] == self._last[:2]:
            self._identical += 1
            if self._identical >= IDENTICAL_PAGES_LIMIT:
                same = f"the same {records} record ids" if current[0] == "ids" else "the same body"
                run = f"{self._identical} identical pages in a row"
                raise self._fail(f"{where} repeats {self._last[2]} ({same}, {run})")
        else:
            self._identical, self._last = 1, current
        if self.progress is not None:
            self.progress.add(records, 1, self.label)

    def cursor(self, value: Hashable, where: str = "") -> None:
        """A cursor (page token, offset, page number) about to be followed: seen before in this walk?"""
        if value in self._cursors:
            raise self._fail(f"cursor {str(value)[:80]!r} came back again{f' at {where}' if where else ''}")
        self._cursors.add(value)


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
    """The records to hand on from a page: all of them, repeats included, with their ids noted in ``seen``
    (``first_seen``). Whether a repeat is dropped (the same content as the version kept) or quarantined
    (``conflicting_duplicate``: other content) is decided on the projected rows, where the content can be
    compared cheaply: ``ingestion.core.dlt_resources.FirstByKey``."""
    first_seen([r.get(id_field) if isinstance(r, Mapping) else None for r in records], seen)
    return list(records)


def prefetched(
    fetch: Callable[[int], Any], pages: Iterable[int], workers: int, ahead: int | None = None
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
