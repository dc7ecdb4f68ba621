"""Scoring the consolidation marts against the simulator's ground truth (``simulator/truth.py``), pair by pair."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from simulator import planted, truth
from simulator.world import DayCalls


@dataclass(frozen=True)
class Score:
    found: int  # pairs of records the marts put in one call
    expected: int  # pairs of records that are one call
    right: int
    look_alikes: int  # planted look-alike pairs of the day
    look_alikes_merged: int  # of those, pairs the marts took for one call

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def score_day(calls: DayCalls, resolved: Mapping[str, str | None]) -> Score:
    """``resolved``: int_call_resolution's call_id -> consolidated_call_id (None when ambiguous). Every LLM
    record of the day must be in it."""
    true_calls = truth.true_calls(calls)
    records = [cid for call in true_calls for cid in call.records.values()]
    missing = [cid for cid in records if cid not in resolved]
    assert not missing, f"{len(missing)} records of {calls.day} not resolved, e.g. {missing[:3]}"
    groups: dict[str, list[str]] = {}
    for cid in records:
        if resolved[cid] is not None:
            groups.setdefault(resolved[cid], []).append(cid)
    found = _pairs(groups.values())
    expected = _pairs(call.records.values() for call in true_calls)
    look_alikes = planted.planted_look_alikes(calls)
    merged = sum(
        1
        for a, b in look_alikes
        if any(
            resolved[x] is not None and resolved[x] == resolved[y]
            for x in true_calls[a].records.values()
            for y in true_calls[b].records.values()
        )
    )
    return Score(len(found), len(expected), len(found & expected), len(look_alikes), merged)
