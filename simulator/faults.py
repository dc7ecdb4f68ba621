"""Injected faults: make the next few matching requests fail, stall or come back cut short.

A ``FaultRule`` names a vendor face (``revenium``, ``revenium_analytics``, ``helicone``, ``orq``, or ``*``
for any) and optionally a substring of the vendor path (query string included). The next ``times``
requests that match consume the rule, first rule first, and get:

* ``status``: that HTTP status with the vendor's own error body for it (and ``Retry-After`` when
  ``retry_after`` is set), instead of being served;
* ``delay_s``: a pause before the response (simulates a slow vendor, or a client timeout);
* ``truncate``: the normal JSON body cut in half (a response that breaks the connection mid-body);
* ``trickle_s``: the body sent one byte every ``trickle_s`` seconds after the headers (a vendor that
  stalls mid-body: a per-read timeout never fires, only a deadline for the whole response stops it);
* ``redirect``: a redirect to that URL (``Location``) instead of being served, with ``status`` when it
  is a 3xx, else 302, and an empty body (a moved endpoint, or a redirect to another host that must not
  receive the API key);

and, on a normal (2xx) response, changes to the records of its list (the HAL ``_embedded`` list, the
``content`` or ``data`` list, or a bare array) — the vendor's schema drift and data faults:

* ``field`` + ``field_action``: ``"set"`` sets ``field`` to ``value`` (a new field, a type change, a NULL,
  a negative count, an unknown enum value, an event time on another day) and ``"drop"`` removes it
  (a missing field), in the first ``rows`` records of the page (0 = every record);
* ``repeat_page``: the page a rule first matched is served again at the head of the next page it matches
  (a vendor whose paging slipped back: the same rows twice); give it ``times`` >= 2;
* ``empty``: the page lists no records and its totals say so (a day the vendor has nothing for).

Faults are applied before authentication and rate limiting, like a failure at the vendor's edge, and a
faulted request does not count towards a rate limit.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

VENDORS = ("revenium", "revenium_analytics", "helicone", "orq")
FIELD_ACTIONS = ("set", "drop")


@dataclass
class FaultRule:
    vendor: str
    path_contains: str = ""
    status: int | None = None
    retry_after: int | None = None
    delay_s: float = 0.0
    truncate: bool = False
    trickle_s: float = 0.0
    redirect: str | None = None
    field: str | None = None
    field_action: str | None = None
    value: Any = None
    rows: int = 0
    repeat_page: bool = False
    empty: bool = False
    times: int = 1
    # the records of the page a repeat_page rule first matched; not part of the rule's JSON
    _held: list[Any] | None = dataclasses.field(default=None, repr=False, compare=False)

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
        if (self.field is None) != (self.field_action is None):
            raise ValueError("field and field_action go together")
        if self.field_action is not None and self.field_action not in FIELD_ACTIONS:
            raise ValueError(
                f"field_action must be one of {', '.join(FIELD_ACTIONS)}, got {self.field_action!r}"
            )
        if int(self.rows) < 0:
            raise ValueError("rows must be >= 0")
        if self.trickle_s < 0:
            raise ValueError("trickle_s must be >= 0")
        if self.redirect is not None:
            if not isinstance(self.redirect, str) or not self.redirect:
                raise ValueError("redirect must be a URL")
            if self.status is not None and not 300 <= int(self.status) <= 399:
                raise ValueError(f"a redirect's status must be a 3xx, got {self.status!r}")
            if self.changes_records or self.truncate:
                raise ValueError("a redirect has no body to truncate or change")
        transport = self.delay_s or self.truncate or self.trickle_s or self.redirect is not None
        if self.status is None and not (transport or self.changes_records):
            raise ValueError(
                "a fault rule needs a status, a delay, truncate, trickle, a redirect or a change to the records"
            )

    @property
    def changes_records(self) -> bool:
        return self.field_action is not None or self.repeat_page or self.empty

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultRule:
        """A rule from JSON (the control endpoint); unknown keys are an error, not silently ignored."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault rule must be a JSON object")
        known = {f.name for f in fields(cls) if not f.name.startswith("_")}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault rule keys: {', '.join(sorted(unknown))}")
        if "vendor" not in data:
            raise ValueError("a fault rule needs a vendor")
        return cls(**dict(data))

    def matches(self, vendor: str, target: str) -> bool:
        return self.vendor in ("*", vendor) and self.path_contains in target

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def change_records(self, body: bytes) -> bytes:
        """``body`` with this rule's changes made to its records (unchanged when it holds no list)."""
        try:
            payload = json.loads(body)
        except ValueError:
            return body
        records = record_list(payload)
        if records is None:
            return body
        changed = records
        if self.field_action is not None:
            limit = int(self.rows) or len(changed)
            for record in changed[:limit]:
                if isinstance(record, dict):
                    if self.field_action == "drop":
                        record.pop(self.field, None)
                    else:
                        record[self.field] = self.value
        if self.repeat_page:
            if self._held is None:
                self._held = [dict(r) if isinstance(r, dict) else r for r in changed]
            else:
                changed = self._held + changed
        if self.empty:
            changed = []
            _zero_totals(payload)
        return json.dumps(replace_record_list(payload, changed)).encode()


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


def record_list(payload: Any) -> list[Any] | None:
    """The records of a vendor list response: a bare array, ``_embedded``'s list, ``content`` or ``data``."""
    if isinstance(payload, list):
        return payload
    if not isinstance(payload, dict):
        return None
    embedded = payload.get("_embedded")
    if isinstance(embedded, dict):
        return next((v for v in embedded.values() if isinstance(v, list)), None)
    for key in ("content", "data"):
        if isinstance(payload.get(key), list):
            return payload[key]
    return None


def replace_record_list(payload: Any, records: list[Any]) -> Any:
    if isinstance(payload, list):
        return records
    embedded = payload.get("_embedded")
    if isinstance(embedded, dict):
        key = next(k for k, v in embedded.items() if isinstance(v, list))
        embedded[key] = records
        return payload
    key = next(k for k in ("content", "data") if isinstance(payload.get(k), list))
    payload[key] = records
    return payload


def _zero_totals(payload: Any) -> None:
    """An emptied page's paging block says there is nothing (Spring's ``page`` block)."""
    page = payload.get("page") if isinstance(payload, dict) else None
    if isinstance(page, dict):
        page.update({"totalElements": 0, "totalPages": 0})
