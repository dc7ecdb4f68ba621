"""Fixed-window rate limiting, the way both Revenium (1-second windows) and Helicone (1-minute windows,
express-rate-limit) count requests.

Windows are aligned on the epoch (``floor(now / window)``), measured on the real wall clock: the world's
clock only decides which calls are visible and may be frozen in tests, while rate limits are about the
pace of actual requests.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int  # never negative
    reset_epoch: int  # epoch seconds at which the window ends
    reset_in_s: int  # whole seconds until the window ends (>= 1)

    @property
    def retry_after(self) -> int:
        return max(1, self.reset_in_s)


def scaled(limit: int, scale: float) -> int:
    """A documented limit scaled for tests (``rate_limit_scale``), never below one request per window."""
    return max(1, int(round(limit * scale)))


class FixedWindowLimiter:
    """Counts requests per key in fixed windows of ``window_s`` seconds."""

    def __init__(self, limit: int, window_s: float, time_fn: Callable[[], float] = time.time) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit must be >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self._time = time_fn
        self._lock = threading.Lock()
        self._counts: dict[Hashable, tuple[int, int]] = {}  # key -> (window number, requests in it)

    def hit(self, key: Hashable) -> Decision:
        """Count one request for ``key`` and say whether it is allowed."""
        now = self._time()
        window = math.floor(now / self.window_s)
        window_end = (window + 1) * self.window_s
        with self._lock:
            current, count = self._counts.get(key, (window, 0))
            if current != window:
                count = 0
            count += 1
            self._counts[key] = (window, count)
            if len(self._counts) > 10_000:  # forget keys of past windows; a sweep now and then is enough
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        allowed = count <= self.limit
        return Decision(
            allowed=allowed,
            limit=self.limit,
            remaining=max(0, self.limit - count),
            reset_epoch=math.ceil(window_end),
            reset_in_s=max(1, math.ceil(window_end - now)),
        )
