"""Helicone's filter tree (``RequestFilterNode``), compiled to vectorised predicates over a day's calls.

A node is ``"all"``, a leaf ``{<table>: {<column>: {<operator>: value}}}`` or a branch
``{"left": node, "operator": "and" | "or", "right": node}`` (helicone-orq.md §A.1). Supported here:

* table ``request_response_rmt`` (and the legacy ``properties`` table, read as its ``properties`` map);
* timestamps ``request_created_at``, ``response_created_at`` with ``equals, gte, gt, lt, lte``;
* text ``model``, ``provider``, ``user_id``, ``request_id``, ``country_code``, ``target_url`` and the
  ``properties`` map (``{"properties": {"<key>": {op: value}}}``) with ``equals, not-equals, like, ilike,
  contains, not-contains``; a property a row does not have reads as ``""``, as a ClickHouse map does;
* numbers ``latency``, ``cost``, ``time_to_first_token``, ``status``, ``prompt_tokens``,
  ``completion_tokens``, ``prompt_cache_read_tokens``, ``prompt_cache_write_tokens``, ``total_tokens``
  with ``equals, not-equals, gte, gt, lt, lte`` (a null TTFT never matches);
* ``property_key: {"equals": key}`` (rows that have the property).

Anything else raises ``FilterError`` (the face answers HTTP 500 with Helicone's error envelope). An empty
leaf ``{}`` matches everything, like ``"all"``.

Besides the predicate, the compiler derives the request-time bounds the tree implies, so a query reads
only the days it can match.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator.ids import parse_uuid
from simulator.observers import helicone_cost, helicone_request_ms
from simulator.prices import MODELS, PROVIDERS
from simulator.timefmt import TimeParseError, datetime_to_ms_ceil, datetime_to_ms_floor, parse_iso
from simulator.world import DayCalls

Predicate = Callable[[DayCalls, np.ndarray], np.ndarray]  # (day, rows) -> bool mask over rows
INF = math.inf


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class CompiledFilter:
    predicate: Predicate
    start_ms: float  # request_created_at >= start_ms for every match (-inf when unbounded)
    end_ms: float  # request_created_at < end_ms for every match (inf when unbounded)


# -- text operators -------------------------------------------------------------------------------------
def _like(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """SQL LIKE (``%`` any run, ``_`` one character) as an anchored regular expression."""
    out = []
    for ch in pattern:
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return re.compile("".join(out), flags | re.DOTALL)


def text_test(op: str, value: Any) -> Callable[[str], bool]:
    if not isinstance(value, str):
        raise FilterError(f"text operator {op} needs a string, got {value!r}")
    if op == "equals":
        return lambda s: s == value
    if op == "not-equals":
        return lambda s: s != value
    if op == "like":
        rx = _like(value)
        return lambda s: rx.fullmatch(s) is not None
    if op == "ilike":
        rx = _like(value, re.IGNORECASE)
        return lambda s: rx.fullmatch(s) is not None
    if op == "contains":  # Helicone builds ILIKE '%value%'
        low = value.lower()
        return lambda s: low in s.lower()
    if op == "not-contains":
        low = value.lower()
        return lambda s: low not in s.lower()
    raise FilterError(f"unsupported text operator: {op}")


def _coded(column: str, labels: Sequence[str]) -> Callable[[str, Any], Predicate]:
    """A text column whose value is one of a few labels: test the labels once, then compare codes."""

    def make(op: str, value: Any) -> Predicate:
        test = text_test(op, value)
        allowed = np.array([c for c, label in enumerate(labels) if test(label)], dtype=np.int64)
        return lambda calls, rows: np.isin(getattr(calls, column)[rows], allowed)

    return make


def _per_row(text_of: Callable[[DayCalls, int], str]) -> Callable[[str, Any], Predicate]:
    """A text column with a value per call (ids, paths): formatted row by row, so slower."""

    def make(op: str, value: Any) -> Predicate:
        test = text_test(op, value)
        return lambda calls, rows: np.fromiter(
            (test(text_of(calls, int(r))) for r in rows), dtype=bool, count=len(rows)
        )

    return make


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX32 = re.compile(r"[0-9a-f]{32}")


def _nothing(calls: DayCalls, rows: np.ndarray) -> np.ndarray:
    return np.zeros(len(rows), dtype=bool)


def _request_id(op: str, value: Any) -> Predicate:
    if op == "equals" and isinstance(value, str):
        if not _UUID.fullmatch(value):  # ids are served in canonical lower case; nothing else can be equal
            return _nothing
        hi, lo = (np.uint64(part) for part in parse_uuid(value) or (0, 0))
        return lambda calls, rows: (calls.request_uuid_hi[rows] == hi) & (calls.request_uuid_lo[rows] == lo)
    return _per_row(lambda calls, i: calls.request_id_str(i))(op, value)


def _session_id(op: str, value: Any) -> Predicate:
    if op == "equals" and isinstance(value, str):
        if not _HEX32.fullmatch(value):
            return _nothing
        hi, lo = np.uint64(int(value[:16], 16)), np.uint64(int(value[16:], 16))
        return lambda calls, rows: (
            (calls.trace_id_hi[calls.trace[rows]] == hi) & (calls.trace_id_lo[calls.trace[rows]] == lo)
        )
    return _per_row(lambda calls, i: calls.trace_id_str(i))(op, value)


_COUNTRY_OF_REGION = [country for _, country in cat.REGIONS]
TEXT_COLUMNS: dict[str, Callable[[str, Any], Predicate]] = {
    "model": _coded("model", [m.name for m in MODELS]),
    "provider": _coded("provider", [p.name for p in PROVIDERS]),
    "user_id": _coded("subscriber", [s.email for s in cat.SUBSCRIBERS]),
    "country_code": _coded("region", _COUNTRY_OF_REGION),
    "target_url": _coded("provider", [p.endpoint for p in PROVIDERS]),
    "request_id": _request_id,
}

PROPERTY_COLUMNS: dict[str, Callable[[str, Any], Predicate]] = {
    "Agent": _coded("agent", [a.name for a in cat.AGENTS]),
    "Customer": _coded("organization", [o.name for o in cat.ORGANIZATIONS]),
    "Product": _coded("product", [p.name for p in cat.PRODUCTS]),
    "Environment": _coded("environment", [e for e, _ in cat.ENVIRONMENTS]),
    "TaskType": _coded("task_type", list(cat.TASK_TYPES)),
    "Helicone-Session-Id": _session_id,
    "Helicone-Session-Name": _coded("trace_name", list(cat.TRACE_NAMES)),
    "Helicone-Session-Path": _per_row(lambda calls, i: calls.session_path(i)),
}


def _missing_property(op: str, value: Any) -> Predicate:
    matches = text_test(op, value)("")
    return lambda calls, rows: np.full(len(rows), matches, dtype=bool)


# -- numbers and timestamps -----------------------------------------------------------------------------
def _status(calls: DayCalls, rows: np.ndarray) -> np.ndarray:
    return response_status(calls, rows).astype(float)


_KIND_STATUS = np.array([status for _, status, _ in cat.ERROR_KINDS])


def response_status(calls: DayCalls, rows: np.ndarray) -> np.ndarray:
    """HTTP status Helicone recorded: 200, or the failure kind's status (429 rate limit, 500 otherwise)."""
    kinds = calls.error_kind[rows]
    return np.where(kinds >= 0, _KIND_STATUS[np.maximum(kinds, 0)], 200)


NUMBER_COLUMNS: dict[str, Callable[[DayCalls, np.ndarray], np.ndarray]] = {
    "latency": lambda c, r: c.duration_ms[r].astype(float),
    "cost": lambda c, r: helicone_cost(c)[r] / 1e9,
    "time_to_first_token": lambda c, r: np.where(c.is_error[r], np.nan, c.ttft_ms[r]),
    "status": _status,
    "prompt_tokens": lambda c, r: c.input_tokens[r].astype(float),
    "completion_tokens": lambda c, r: c.output_tokens[r].astype(float),
    "prompt_cache_read_tokens": lambda c, r: c.cache_read_tokens[r].astype(float),
    "prompt_cache_write_tokens": lambda c, r: c.cache_write_tokens[r].astype(float),
    "total_tokens": lambda c, r: (c.input_tokens[r] + c.output_tokens[r]).astype(float),
}

_NUMBER_OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "equals": lambda a, v: a == v,
    "not-equals": lambda a, v: a != v,
    "gte": lambda a, v: a >= v,
    "gt": lambda a, v: a > v,
    "lte": lambda a, v: a <= v,
    "lt": lambda a, v: a < v,
}


def _number(column: str, op: str, value: Any) -> Predicate:
    if op not in _NUMBER_OPS:
        raise FilterError(f"unsupported number operator: {op}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FilterError(f"number operator {op} needs a number, got {value!r}")
    values, compare = NUMBER_COLUMNS[column], _NUMBER_OPS[op]
    return lambda calls, rows: compare(values(calls, rows), float(value))


def timestamp_bounds(op: str, value: Any) -> tuple[float, float]:
    """[lo, hi) in whole milliseconds for ``<timestamp column> <op> value``."""
    if op not in ("equals", "gte", "gt", "lt", "lte"):
        raise FilterError(f"unsupported timestamp operator: {op}")
    try:
        moment = parse_iso(value)
    except (TimeParseError, TypeError) as exc:
        raise FilterError(f"invalid timestamp for {op}: {value!r}") from exc
    ceil, floor = datetime_to_ms_ceil(moment), datetime_to_ms_floor(moment)
    if op == "gte":
        return ceil, INF
    if op == "gt":
        return floor + 1, INF
    if op == "lt":
        return -INF, ceil
    if op == "lte":
        return -INF, floor + 1
    return (ceil, ceil + 1) if ceil == floor else (ceil, ceil)  # equals: only a whole millisecond matches


def _timestamp(column: str, lo: float, hi: float) -> Predicate:
    def predicate(calls: DayCalls, rows: np.ndarray) -> np.ndarray:
        t = helicone_request_ms(calls)[rows]
        if column == "response_created_at":
            t = t + calls.duration_ms[rows]
        return (t >= lo) & (t < hi)

    return predicate


# -- the tree -------------------------------------------------------------------------------------------
def _all(calls: DayCalls, rows: np.ndarray) -> np.ndarray:
    return np.ones(len(rows), dtype=bool)


def _and(a: Predicate, b: Predicate) -> Predicate:
    return lambda calls, rows: a(calls, rows) & b(calls, rows)


def _or(a: Predicate, b: Predicate) -> Predicate:
    return lambda calls, rows: a(calls, rows) | b(calls, rows)


def _single_op(spec: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(spec, dict) or not spec:
        raise FilterError(f"{where}: expected {{operator: value}}, got {spec!r}")
    return list(spec.items())


def _properties_leaf(spec: Any) -> CompiledFilter:
    if not isinstance(spec, dict):
        raise FilterError("properties: expected {key: {operator: value}}")
    predicate: Predicate = _all
    for key, ops in spec.items():
        for op, value in _single_op(ops, f"properties.{key}"):
            make = PROPERTY_COLUMNS.get(key, _missing_property)
            predicate = _and(predicate, make(op, value))
    return CompiledFilter(predicate, -INF, INF)


def _rmt_leaf(spec: Any) -> CompiledFilter:
    if not isinstance(spec, dict):
        raise FilterError("request_response_rmt: expected {column: {operator: value}}")
    predicate: Predicate = _all
    lo, hi = -INF, INF
    for column, ops in spec.items():
        if column == "properties":
            predicate = _and(predicate, _properties_leaf(ops).predicate)
            continue
        for op, value in _single_op(ops, column):
            if column in ("request_created_at", "response_created_at"):
                a, b = timestamp_bounds(op, value)
                predicate = _and(predicate, _timestamp(column, a, b))
                if column == "request_created_at":
                    lo, hi = max(lo, a), min(hi, b)
            elif column in TEXT_COLUMNS:
                predicate = _and(predicate, TEXT_COLUMNS[column](op, value))
            elif column in NUMBER_COLUMNS:
                predicate = _and(predicate, _number(column, op, value))
            elif column == "property_key":
                if op != "equals":
                    raise FilterError("property_key supports equals only")
                has = value in PROPERTY_COLUMNS
                predicate = _and(predicate, lambda calls, rows, has=has: np.full(len(rows), has, dtype=bool))
            else:
                raise FilterError(f"unsupported filter column: request_response_rmt.{column}")
    return CompiledFilter(predicate, lo, hi)


def compile_filter(node: Any) -> CompiledFilter:
    if node == "all":
        return CompiledFilter(_all, -INF, INF)
    if not isinstance(node, dict):
        raise FilterError(f"a filter node must be 'all', a leaf or a branch, got {node!r}")
    if "operator" in node or "left" in node or "right" in node:
        if set(node) != {"left", "operator", "right"}:
            raise FilterError("a filter branch needs exactly left, operator and right")
        left, right = compile_filter(node["left"]), compile_filter(node["right"])
        if node["operator"] == "and":
            return CompiledFilter(
                _and(left.predicate, right.predicate),
                max(left.start_ms, right.start_ms),
                min(left.end_ms, right.end_ms),
            )
        if node["operator"] == "or":
            return CompiledFilter(
                _or(left.predicate, right.predicate),
                min(left.start_ms, right.start_ms),
                max(left.end_ms, right.end_ms),
            )
        raise FilterError(f"unsupported branch operator: {node['operator']!r}")
    result = CompiledFilter(_all, -INF, INF)
    for table, spec in node.items():
        if table == "request_response_rmt":
            leaf = _rmt_leaf(spec)
        elif table == "properties":
            leaf = _properties_leaf(spec)
        else:
            raise FilterError(f"unsupported filter table on query-clickhouse: {table}")
        result = CompiledFilter(
            _and(result.predicate, leaf.predicate),
            max(result.start_ms, leaf.start_ms),
            min(result.end_ms, leaf.end_ms),
        )
    return result
