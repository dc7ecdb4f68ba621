"""Injected faults: make the next few matching requests fail, stall or come back cut short.

A ``FaultRule`` names a vendor face (``revenium``, ``revenium_analytics``, ``helicone``, ``orq``, or ``*``
for any) and optionally a substring of the vendor path (query string included). The next ``times``
requests that match consume the rule, first rule first, and get:

* ``status``: that HTTP status with the vendor's own error body for it (and ``Retry-After`` when
  ``retry_after`` is set), instead of being served;
* ``delay_s``: a pause before the response (simulates a slow vendor, or a client timeout);
* ``truncate``: the normal JSON body cut in half (a response that breaks the connection mid-body).

Faults are applied before authentication and rate limiting, like a failure at the vendor's edge, and a
faulted request does not count towards a rate limit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

VENDORS = ("revenium", "revenium_analytics", "helicone", "orq")


@dataclass
class FaultRule:
    vendor: str
    path_contains: str = ""
    status: int | None = None
    retry_after: int | None = None
    delay_s: float = 0.0
    truncate: bool = False
    times: int = 1

    def __post_init__(self) -> None:
        if self.vendor != "*" and self.vendor not in VENDORS:
            raise ValueError(f"vendor must be one of {', '.join(VENDORS)} or '*', got {self.vendor!r}")
        if self.status is not None and not 100 <= int(self.status) <= 599:
            raise ValueError(f"status must be an HTTP status, got {self.status!r}")
        if self.retry_after is not None and int(self.retry_after) < 0:
            raise ValueError("retry_after must be >= 0")
        if self.delay_s < 0:
            raise ValueError("delay_s must be >= 0")
        if int(self.times) < 1:
            raise ValueError("times must be >= 1")
        if self.status is None and not self.delay_s and not self.truncate:
            raise ValueError("a fault rule needs a status, a delay or truncate")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultRule:
        """A rule from JSON (the control endpoint); unknown keys are an error, not silently ignored."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault rule must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault rule keys: {', '.join(sorted(unknown))}")
        if "vendor" not in data:
            raise ValueError("a fault rule needs a vendor")
        return cls(**dict(data))

    def matches(self, vendor: str, target: str) -> bool:
        return self.vendor in ("*", vendor) and self.path_contains in target

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    """The active rules, consumed thread-safely as requests match them."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._remaining: list[int] = []
        self._lock = threading.Lock()

    def add(self, rules: FaultRule | Iterable[FaultRule]) -> None:
        batch = [rules] if isinstance(rules, FaultRule) else list(rules)
        with self._lock:
            for rule in batch:
                self._rules.append(rule)
                self._remaining.append(int(rule.times))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._remaining.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {**r.to_dict(), "remaining": n} for r, n in zip(self._rules, self._remaining, strict=True)
            ]

    def take(self, vendor: str, target: str) -> FaultRule | None:
        """The first rule matching this request, with one use consumed; None when nothing matches."""
        with self._lock:
            for i, rule in enumerate(self._rules):
                if rule.matches(vendor, target):
                    self._remaining[i] -= 1
                    if self._remaining[i] <= 0:
                        del self._rules[i]
                        del self._remaining[i]
                    return rule
        return None


def truncated(body: bytes) -> bytes:
    """The first half of a body: never valid JSON for a non-trivial object."""
    return body[: len(body) // 2]
