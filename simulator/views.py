"""Per-day, per-vendor sorted indexes of the world's calls, and the slices of a time window.

Each vendor face serves a subset of a day's calls in its own order. The index (the rows it sees, sorted,
and their request times) is built once per day and kept with the day (``DayCalls.view``), so a page is a
binary search and a slice, never a scan of the day.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import numpy as np

from simulator.observers import helicone_request_ms
from simulator.timefmt import day_of_ms
from simulator.world import DayCalls, World

T = TypeVar("T")


@dataclass(frozen=True)
class SortedRows:
    """Rows of a day a vendor sees, in the vendor's order, with their request times (ascending)."""

    rows: np.ndarray
    times: np.ndarray

    def bounds(self, start_ms: int, end_ms: int) -> tuple[int, int]:
        """[lo, hi) positions of the rows with start_ms <= time < end_ms."""
        lo = int(np.searchsorted(self.times, start_ms, side="left"))
        hi = int(np.searchsorted(self.times, end_ms, side="left"))
        return lo, max(lo, hi)


def _sorted(calls: DayCalls, rows: np.ndarray) -> SortedRows:
    return SortedRows(rows, calls.request_ms[rows])


def revenium_team_rows(team: int) -> Callable[[DayCalls], SortedRows]:
    """Revenium's rows of one team, by (request time, id): the day is already in that order."""

    def build(calls: DayCalls) -> SortedRows:
        return _sorted(calls, np.flatnonzero(calls.team == team))

    build.__qualname__ = f"revenium_team_rows[{team}]"
    return build


def all_rows(calls: DayCalls) -> SortedRows:
    """Every call of the day (Revenium meters all of them), by (request time, id)."""
    return _sorted(calls, np.arange(calls.n))


def helicone_rows(calls: DayCalls) -> SortedRows:
    """Rows the Helicone gateway logged, by (request_created_at, request_id), on Helicone's clock."""
    rows = np.flatnonzero(calls.in_helicone)
    stamped = helicone_request_ms(calls)[rows]
    # The request id is a UUID string; its order is the order of its two halves read as unsigned ints.
    order = np.lexsort((calls.request_uuid_lo[rows], calls.request_uuid_hi[rows], stamped))
    return SortedRows(rows[order], stamped[order])


def orq_rows(calls: DayCalls) -> SortedRows:
    """Rows routed through orq.ai, by request time."""
    return _sorted(calls, np.flatnonzero(calls.in_orq))


@dataclass(frozen=True)
class DaySlice:
    """The part of one day's vendor index that falls in a window: ``index.rows[lo:hi]``."""

    calls: DayCalls
    index: SortedRows
    lo: int
    hi: int

    @property
    def count(self) -> int:
        return self.hi - self.lo

    @property
    def rows(self) -> np.ndarray:
        return self.index.rows[self.lo : self.hi]


def window_slices(
    world: World,
    view_key: object,
    build: Callable[[DayCalls], SortedRows],
    start_ms: int,
    end_ms: int,
    cutoff_ms: int,
    *,
    newest_first: bool = False,
) -> Iterator[DaySlice]:
    """The visible rows of [start_ms, end_ms) day by day; visible means requested at or before cutoff_ms.

    Only the days the window touches are generated, and none after the cut-off's day.
    """
    end_ms = min(end_ms, cutoff_ms + 1)
    if end_ms <= start_ms:
        return
    days = list(world.days(day_of_ms(start_ms), day_of_ms(end_ms - 1) + timedelta(days=1)))
    for day in reversed(days) if newest_first else days:
        calls = world.calls(day)
        index = calls.view(view_key, build)
        lo, hi = index.bounds(start_ms, end_ms)
        yield DaySlice(calls, index, lo, hi)


class ListingCache:
    """The last few whole listings a paged endpoint computed (a query's every page asks for the same list
    with another offset), by the query that made them. Thread-safe; the oldest listing is dropped first."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def page_of_parts(
    parts: Sequence[tuple[T, np.ndarray]], offset: int, size: int, desc: bool
) -> list[tuple[T, int]]:
    """Rows ``offset`` to ``offset + size`` of the parts laid end to end (newest first when ``desc``), found
    without listing the others: a page of a million-row day costs the page, not the day."""
    ordered = [(t, rows[::-1]) for t, rows in reversed(parts)] if desc else parts
    out: list[tuple[T, int]] = []
    for t, rows in ordered:
        if offset >= len(rows):
            offset -= len(rows)
            continue
        taken = rows[offset : offset + size - len(out)]
        out += [(t, int(r)) for r in taken]
        offset = 0
        if len(out) == size:
            break
    return out
