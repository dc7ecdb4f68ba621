"""Switches for Revenium behaviour the docs leave open, and for tests, and what they do to a list.

``ReveniumOptions`` is passed as ``SimulatorServer(revenium_options=...)`` or set on
``sim.faces["revenium"].options``; the module docstring of ``simulator.revenium.api`` says what each option
means. Soft-deleted and late rows are fixed subsets of the completions, chosen by metric id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.views import DaySlice, SortedRows
from simulator.world import DayCalls

PROMPT_MARKER = "PROMPT-TEXT-NEVER-LAND-7f3a"
CREDENTIAL_MARKER = "rev_sk_live_NEVERLAND_c41d"
ENVELOPES = ("hal", "hal_empty_embedded", "bare", "content")


@dataclass
class ReveniumOptions:
    """Switches for behaviour the docs leave open, and for tests (see the module docstring)."""

    envelope: str = "hal"
    serve_prompts: bool = False
    squads_envelope: str = "bare"  # squads lists: a bare array (CLI+) or, with "hal", the list envelope
    soft_delete_share: float = 0.0  # share of completions soft-deleted: they vanish from lists
    late_share: float = 0.0  # share of completions that reach the list late ...
    late_delay_ms: int = 2 * 3_600_000  # ... this long after their requestTime

    def __post_init__(self) -> None:
        if self.envelope not in ENVELOPES:
            raise ValueError(f"envelope must be one of {ENVELOPES}, got {self.envelope!r}")


def soft_deleted(calls: DayCalls, rows: np.ndarray, share: float) -> np.ndarray:
    """Which of ``rows`` are soft-deleted: a fixed pseudo-random subset (by metric id) of about ``share``."""
    return (calls.metric_id[rows] % np.uint64(10_000)).astype(np.int64) < int(round(share * 10_000))


def arrives_late(calls: DayCalls, rows: np.ndarray, share: float) -> np.ndarray:
    """Which of ``rows`` reach the list late (a subset independent of the soft-deleted one)."""
    return ((calls.metric_id[rows] // np.uint64(10_000)) % np.uint64(10_000)).astype(np.int64) < int(
        round(share * 10_000)
    )


def still_listed(sl: DaySlice, options: ReveniumOptions, cutoff: int) -> DaySlice:
    """The slice without soft-deleted rows and without late rows not yet arrived at ``cutoff``."""
    rows = sl.rows
    keep = np.ones(len(rows), dtype=bool)
    if options.soft_delete_share:
        keep &= ~soft_deleted(sl.calls, rows, options.soft_delete_share)
    if options.late_share:
        late = arrives_late(sl.calls, rows, options.late_share)
        keep &= ~(late & (sl.calls.request_ms[rows] + options.late_delay_ms > cutoff))
    kept = rows[keep]
    return DaySlice(sl.calls, SortedRows(kept, sl.calls.request_ms[kept]), 0, len(kept))


def with_prompts(record: dict[str, Any], options: ReveniumOptions) -> dict[str, Any]:
    """The record, plus prompt text and a credential value when ``serve_prompts`` is on."""
    if not options.serve_prompts:
        return record
    record["systemPrompt"] = f"You are {record.get('agent')}. {PROMPT_MARKER}"
    record["inputMessages"] = json.dumps([{"role": "user", "content": f"hello {PROMPT_MARKER}"}])
    record["outputResponse"] = f"answer {PROMPT_MARKER}"
    if isinstance(record.get("subscriberCredential"), dict):
        record["subscriberCredential"]["value"] = f"{CREDENTIAL_MARKER}{record['id']}"
    return record
