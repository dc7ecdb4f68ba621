"""What the stub served in one example, and the judgement of a run against it.

A responder built for an example records every record it served (``served``), every response that was
not the vendor's canonical success envelope (``deviations``: an error envelope, a missing list) and every
transport fault it produced (``faults``: an HTTP error status or a body cut short). Then:

* a run that raised must have been served a fault or a deviation, and its message must name the endpoint
  (the path) that was served it;
* a run served a transport fault must raise (a swallowed fault loses the records behind it);
* a run that did not raise keeps the invariant (``invariant.check``) for every record served.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypothesis import event as _event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from ingestion.core.raw_table import RawTable
from tests.property.harness import Outcome, error_text
from tests.property.invariant import Served, check
from tests.property.stub import Reply

FAULT_STATUSES = (400, 401, 403, 404, 422, 500, 502, 503, None)  # None: a body cut short


@dataclass(frozen=True)
class Fault:
    endpoint: str  # the path (without the stub's vendor prefix)
    page: int  # which page of that endpoint's walk
    status: int | None

    def reply(self) -> Reply:
        if self.status is None:
            return Reply(200, {"data": []}, truncate=True)
        return Reply(self.status, {"error": f"stub fault {self.status}", "message": "generated fault"})


def faults(endpoints: tuple[str, ...], pages: int = 2) -> Any:
    """No fault 5 times in 6 (and in the simplest example); else one on a page of one endpoint (on every attempt: retries run out)."""
    one = st.builds(
        Fault, st.sampled_from(endpoints), st.integers(0, pages - 1), st.sampled_from(FAULT_STATUSES)
    )
    return st.integers(0, 5).flatmap(lambda i: one if i == 5 else st.none())


@dataclass
class Log:
    served: list[Served] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_ids: dict[str, tuple[Any, ...]] = field(default_factory=dict, repr=False)

    def serve(
        self,
        endpoint: str,
        records: list[dict[str, Any]],
        constants: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> None:
        """Records served on one page of ``endpoint``. A page whose record ids (``key``) are those of the
        page served before it is the server repeating itself — what a server ignoring the paging
        parameters does — and counts as a deviation: the source may stop the walk with an error naming the
        endpoint (``ingestion.core.paging.PageWalk``)."""
        with self.lock:
            self.served += [Served(r, endpoint, constants or {}) for r in records]
            if key is not None:
                ids = tuple(r.get(key) if isinstance(r, dict) else None for r in records)
                if ids and any(i is not None for i in ids) and self._last_ids.get(endpoint) == ids:
                    self.deviations.append(endpoint)
                self._last_ids[endpoint] = ids

    def deviate(self, endpoint: str) -> None:
        with self.lock:
            self.deviations.append(endpoint)

    def fault(self, endpoint: str) -> None:
        with self.lock:
            self.faults.append(endpoint)


def event(text: str) -> None:
    """A Hypothesis event (``--hypothesis-show-statistics``), when inside a Hypothesis test."""
    if currently_in_test_context():
        _event(text)


def judge_error(exc: BaseException, log: Log, what: str) -> None:
    """A run that raised: it must have been served a fault or a deviation, and name the endpoint."""
    event(f"{what}: raised")
    text = error_text(exc)
    blamed = log.faults + log.deviations
    assert blamed, (
        f"{what} raised though every response was the vendor's schema-valid success envelope:\n{text}"
    )
    assert any(endpoint in text for endpoint in blamed), (
        f"{what}: the error does not name the endpoint ({sorted(set(blamed))}):\n{text}"
    )


def checked(
    table: RawTable,
    served: list[Served],
    raw: list[dict[str, Any]],
    quarantine: list[dict[str, Any]],
    start: datetime,
    end: datetime,
) -> None:
    """``invariant.check`` of what one example served against what landed."""
    check(table, served, raw, quarantine, start, end)


def judge(
    outcome: Outcome,
    log: Log,
    table: RawTable,
    start: datetime,
    end: datetime,
    served: list[Served] | None = None,
) -> None:
    if outcome.error is not None:
        judge_error(outcome.error, log, f"{table.vendor}.{table.name}")
        return
    assert not log.faults, f"{table.vendor}.{table.name}: transport fault(s) on {log.faults} did not raise"
    served = log.served if served is None else served
    event(f"{table.name}: records served {_bucket(len(served))}, rows landed {_bucket(len(outcome.raw))}")
    for rule in sorted({q.get("rule") for q in outcome.quarantine if q.get("raw_table") == table.name}):
        event(f"{table.name}: quarantined as {rule}")
    check(table, served, outcome.raw, outcome.quarantine, start, end)


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1-2" if n <= 2 else "3+"
