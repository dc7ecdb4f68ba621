"""Client-side pacing for Revenium's per-account rate-limit buckets (docs/vendor-apis/revenium.md §6).

Revenium counts requests per account and second in buckets: ``analytics`` (AI metrics and traces reads,
tool events and the analytics host: 100 req/s) and ``platform`` (every other ``/profitstream`` read: 50
req/s). Several resources of one load read in parallel, so without pacing they would trip the bucket
together and each retry after ``Retry-After`` at the same instant. ``PacedClient`` takes a slot from a
process-wide limiter per bucket before every request, a little under the vendor's limit
(``REVENIUM_ANALYTICS_RPS``, default 90; ``REVENIUM_PLATFORM_RPS``, default 45). A 429 is still retried
after ``Retry-After`` by the shared HTTP layer.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ingestion.core.http_client import VendorClient
from ingestion.revenium import settings as revenium_settings

ANALYTICS_PATHS = ("/profitstream/v2/api/sources/metrics/", "/api/v2/analytics/")


class Pacer:
    """At most ``rate`` requests per second, spread evenly (a slot every 1/rate seconds)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


_PACERS: dict[str, Pacer] = {}
_PACERS_LOCK = threading.Lock()


def pacer(bucket: str) -> Pacer:
    with _PACERS_LOCK:
        if bucket not in _PACERS:
            rate = (
                revenium_settings.ANALYTICS_RPS if bucket == "analytics" else revenium_settings.PLATFORM_RPS
            )
            _PACERS[bucket] = Pacer(rate.read())
        return _PACERS[bucket]


def bucket_of(path: str) -> str:
    return "analytics" if path.startswith(ANALYTICS_PATHS) else "platform"


class PacedClient(VendorClient):
    """A ``VendorClient`` that waits for its bucket's next slot before each request."""

    def _send(self, method: str, path: str, *rest: Any, **options: Any) -> Any:
        pacer(bucket_of("/" + path.lstrip("/"))).wait()
        return super()._send(method, path, *rest, **options)
