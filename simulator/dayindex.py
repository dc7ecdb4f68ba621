"""Which day holds an id, for the per-id detail routes whose ids do not name their day.

A Revenium job (``agenticJobId``) and an orq trace id are random: their detail routes must find the day
that made them. ``DayIdIndex`` keeps, for every day it has looked at, that day's ids as a sorted uint64
array (8 bytes an id, kept after the day's calls leave the world's LRU), and ``days(key, last)`` yields the
days that may hold an id: first the days looked at whose ids include it, then every day not yet looked
at, newest first, back to the world's ``start_day``. So a detail route serves an id of any day the world
serves (no horizon), each day is scanned at most once per server, and an unknown id is 404 in
milliseconds once every day has been looked at. A list route that just served a day notes it (``note``),
so the detail requests that follow the list find their day at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import numpy as np

from simulator.world import DayCalls, World


class DayIdIndex:
    def __init__(self, world: World, keys: Callable[[DayCalls], np.ndarray]) -> None:
        """``keys(calls)``: the uint64 keys of the ids one day holds (duplicates allowed)."""
        self.world = world
        self._keys = keys
        self._ids: dict[date, np.ndarray] = {}
        self._lock = threading.Lock()

    def note(self, calls: DayCalls) -> None:
        """Index the ids of one day (again: a no-op)."""
        if calls.day in self._ids:
            return
        ids_ = np.unique(np.asarray(self._keys(calls), dtype=np.uint64))
        with self._lock:
            self._ids[calls.day] = ids_

    def _holds(self, day: date, key: np.uint64) -> bool:
        ids_ = self._ids[day]
        i = int(np.searchsorted(ids_, key))
        return i < len(ids_) and ids_[i] == key

    def days(self, key: int, last: date) -> Iterator[date]:
        """The days up to ``last`` that may hold ``key``; the caller checks each day's records itself."""
        k = np.uint64(key)
        with self._lock:
            looked_at = sorted(self._ids, reverse=True)
        for day in looked_at:
            if day <= last and self._holds(day, k):
                yield day
        day = last
        while day >= self.world.start_day:
            if day not in self._ids:
                self.note(self.world.calls(day))
                if self._holds(day, k):
                    yield day
            day -= timedelta(days=1)


def hex_key(text: str, digits: int = 16) -> int | None:
    """The uint64 key of an id's first ``digits`` hex digits, or None when they are not hex."""
    head = text[:digits]
    if len(head) != digits:
        return None
    try:
        return int(head, 16)
    except ValueError:
        return None
