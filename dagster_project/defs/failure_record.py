"""What the run-failure sensor records of a failed run (``defs/schedules.py``): the root cause of each failed
step, and each day a gate failed.

A run's own failure message only says which steps failed. The causes say why: for a vendor's ingest step,
the fields its ``dg.Failure`` carries (``defs/dlt/assets.py``: vendor, endpoint, HTTP status or outcome,
the vendor client's one line); for any other step, the innermost error's message. A gate records one result
per day (``defs/quality/per_day.py``), so a failed gate names the day(s) it failed and their problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dagster as dg

from dagster_project.defs.isolation import step_failures_of
from dagster_project.errors import one_line

CAUSE_FIELDS = ("vendor", "endpoint", "status", "outcome", "cause")  # from the ingest step's dg.Failure


def step_causes(events: Iterable[dg.DagsterEvent]) -> list[dict[str, Any]]:
    """One entry per failed step: ``step``, ``cause`` (one line) and, for a vendor's ingest, ``vendor``,
    ``endpoint``, ``status`` (when the vendor answered) and ``outcome``."""
    events = list(events)
    messages = step_failures_of(events)  # step -> the innermost error's message (its first failure)
    causes = []
    for event in events:
        if not event.is_step_failure or event.step_key not in messages:
            continue
        user = event.step_failure_data.user_failure_data
        fields = {k: v.value for k, v in (user.metadata if user else {}).items() if k in CAUSE_FIELDS}
        cause = one_line(str(fields.get("cause") or messages.pop(event.step_key)))
        causes.append({"step": event.step_key, **fields, "cause": cause})
    return causes


def failed_check_days(events: Iterable[dg.DagsterEvent]) -> list[dict[str, Any]]:
    """One entry per failed check evaluation: ``check`` (asset:check), ``partition`` (the day) and its
    ``problems`` (the gates' metadata; absent for dbt tests)."""
    failed = []
    for event in events:
        if event.event_type != dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            continue
        evaluation = event.asset_check_evaluation_data
        if evaluation.passed:
            continue
        entry: dict[str, Any] = {
            "check": f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
            "partition": evaluation.partition,
        }
        if "problems" in evaluation.metadata:
            entry["problems"] = one_line(str(evaluation.metadata["problems"].value))
        failed.append(entry)
    return failed


def describe(causes: list[dict[str, Any]], failed_checks: list[dict[str, Any]]) -> str:
    """The causes for a log line: ``step: cause`` each (a vendor's cause is the client's line: vendor,
    request, status, the setting to check), then the failed gate days."""
    parts = [f"{c['step']}: {c['cause']}" for c in causes]
    parts += [f"{c['check']} {c['partition'] or ''}: {c.get('problems', 'failed')}" for c in failed_checks]
    return "; ".join(parts)
