"""The invariant every source must keep, checked against what a resource handed over.

For every record the vendor served: a raw row whose declared columns equal the record's values at the
declared JSON paths (after the declared type conversion), or a quarantine row holding the record with a
rule and a column. No raw row that no served record explains, no primary key twice. The expected values
are computed here from the payload alone, independently of ``ingestion.core.arrow_pages``:

* string columns: the text itself; any other JSON value as JSON (compared parsed), without denied fields;
* integers: an integer, or a number with no fractional part, within int64;
* floats: the number as a double;
* booleans: ``true``/``false`` (or their text);
* timestamps: ISO-8601 text read as UTC (no zone = UTC), within a microsecond of the exact instant (a
  7–9 digit fraction may be truncated or rounded);
* NULL for a missing field (or a path through a non-object).

Anything else cannot land and must be in quarantine.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ingestion.core.raw_table import DENIED_FIELDS, TIMESTAMP, RawTable

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def scrub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: scrub(v) for k, v in value.items() if k not in DENIED_FIELDS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def dig(record: Any, path: str) -> Any:
    value = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


def exact_instant(text: str) -> tuple[datetime, Decimal] | None:
    """(the UTC instant to the second, the fraction of a second) of an ISO-8601 text; None when it is none."""
    m = _ISO.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        return None
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    second = int(m.group(6) or 0)
    fraction = Decimal("0." + m.group(7)) if m.group(7) else Decimal(0)
    zone = m.group(8)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        if zone and zone not in ("Z", "z"):
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
            moment = moment - sign * offset
    except (ValueError, OverflowError):
        return None
    return moment, fraction


class Expect:
    """What a raw column may hold for one payload value: ``accepts(landed)``; ``INVALID`` accepts nothing."""

    def __init__(self, accepts: Callable[[Any], bool], describe: str) -> None:
        self.accepts, self.describe = accepts, describe

    def __repr__(self) -> str:
        return self.describe


INVALID = Expect(lambda landed: False, "<cannot land>")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def expect(value: Any, type_: pa.DataType) -> Expect:
    if value is None:
        return Expect(lambda landed: landed is None, "NULL")
    if pa.types.is_string(type_):
        if isinstance(value, str):
            return Expect(lambda landed: landed == value, repr(value))
        want = scrub(value)

        def json_equal(landed: Any) -> bool:
            try:
                return isinstance(landed, str) and json.loads(landed) == want
            except ValueError:
                return False

        return Expect(json_equal, f"JSON of {want!r}")
    if pa.types.is_integer(type_):
        number: Any = value
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except ArithmeticError:
                return INVALID
        if isinstance(number, float) and not math.isfinite(number):
            return INVALID
        if _is_number(number) or isinstance(number, Decimal):
            if isinstance(number, Decimal) and not number.is_finite():
                return INVALID
            if number != int(number):
                return INVALID
            as_int = int(number)
            if not I64_MIN <= as_int <= I64_MAX:
                return INVALID
            return Expect(lambda landed: type(landed) is int and landed == as_int, repr(as_int))
        return INVALID
    if pa.types.is_floating(type_):
        try:
            if isinstance(value, str) or _is_number(value):
                as_float = float(value)
            else:
                return INVALID
        except (ValueError, OverflowError):
            return INVALID
        if not math.isfinite(as_float):
            return INVALID
        return Expect(lambda landed: isinstance(landed, float) and landed == as_float, repr(as_float))
    if pa.types.is_boolean(type_):
        if isinstance(value, bool):
            return Expect(lambda landed: landed is value, repr(value))
        if isinstance(value, str) and value.lower() in ("true", "false"):
            as_bool = value.lower() == "true"
            return Expect(lambda landed: landed is as_bool, repr(as_bool))
        return INVALID
    if type_ == TIMESTAMP:
        instant = exact_instant(value) if isinstance(value, str) else None
        if instant is None:
            return INVALID
        moment, fraction = instant
        exact_us = Decimal(int(moment.timestamp())) * 1_000_000 + fraction * 1_000_000

        def close(landed: Any) -> bool:
            if not isinstance(landed, datetime) or landed.utcoffset() != timedelta(0):
                return False
            landed_us = (
                Decimal(int(landed.replace(microsecond=0).timestamp())) * 1_000_000 + landed.microsecond
            )
            return abs(landed_us - exact_us) < 1

        return Expect(close, f"{moment.isoformat()} + {fraction}s")
    raise NotImplementedError(type_)


@dataclass
class Served:
    """One record a vendor served, as the source is to project it: ``record`` (the vendor's record, or
    the flat row a source builds from it, e.g. a bucket's metric), with the constants the source supplies
    (``team_id``) and the endpoint it came from. ``alternatives``: other forms the source may equally hand
    over (e.g. a span dated by either of two traces with its id)."""

    record: dict[str, Any]
    endpoint: str
    constants: Mapping[str, Any]
    alternatives: Sequence[dict[str, Any]] = ()

    def forms(self) -> list[dict[str, Any]]:
        return [self.record, *self.alternatives]


def expected_row(
    table: RawTable, record: Mapping[str, Any], constants: Mapping[str, Any]
) -> dict[str, Expect]:
    out = {}
    for column in table.columns:
        if column.name in constants:
            want = constants[column.name]
            out[column.name] = Expect(lambda landed, want=want: landed == want, repr(want))
        elif column.path is not None:
            out[column.name] = expect(dig(record, column.path), column.type)
    return out


def _matches(row: Mapping[str, Any], expected: Mapping[str, Expect]) -> bool:
    return all(e.accepts(row.get(name)) for name, e in expected.items())


def redact(value: Any) -> Any:
    """Undeclared content as the ALLOW list keeps it: shape, numbers, booleans and NULLs; every string
    replaced by ``{"string_length": N}``; denied fields dropped."""
    if isinstance(value, str):
        return {"string_length": len(value)}
    if isinstance(value, Mapping):
        return {k: redact(v) for k, v in value.items() if k not in DENIED_FIELDS}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def allowed(table: RawTable, record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as a quarantine payload may keep it: the value at each declared path as served, the rest
    redacted."""
    declared = {c.path for c in table.columns if c.path}

    def walk(value: Any, prefix: str) -> Any:
        if prefix in declared:
            return scrub(value)
        if isinstance(value, Mapping) and any(p.startswith(prefix + ".") for p in declared):
            return {k: walk(v, f"{prefix}.{k}") for k, v in value.items() if k not in DENIED_FIELDS}
        return redact(value)

    return {k: walk(v, k) for k, v in record.items() if k not in DENIED_FIELDS}


def _equal_kept(kept: Any, value: Any) -> bool:
    """A field of a payload or of ``_extra_fields`` is the served value: as served (without denied
    fields), or redacted (the ALLOW list keeps no undeclared text)."""
    return kept == scrub(value) or kept == redact(value)


def _as_landed(payload: Mapping[str, Any], expected: Mapping[str, Expect], table: RawTable) -> bool:
    """A payload that is the row a record would have landed as (a conflicting duplicate): the declared
    columns, by column name, each the value expected from the record (timestamps as text)."""
    names = [c.name for c in table.columns if c.name in expected]
    if not names or not all(n in payload for n in names):
        return False
    for column in table.columns:
        if column.name not in expected:
            continue
        kept = payload[column.name]
        if column.type == TIMESTAMP and isinstance(kept, str):
            try:
                kept = datetime.fromisoformat(kept).astimezone(UTC)
            except ValueError:
                return False
        if column.type == pa.date32() and isinstance(kept, str):
            kept = date.fromisoformat(kept)
        if not expected[column.name].accepts(kept):
            return False
    return True


def _holds(payload: Any, record: Mapping[str, Any], table: RawTable, constants: Mapping[str, Any]) -> bool:
    """Whether a quarantine payload is this record (the source may have added fields to it)."""
    if not isinstance(payload, Mapping):
        return False
    if all(k in payload and _equal_kept(payload[k], v) for k, v in scrub(record).items()):
        return True
    kept = allowed(table, record)
    if all(k in payload and payload[k] == v for k, v in kept.items()):
        return True
    return _as_landed(payload, expected_row(table, record, constants), table)


def check(
    table: RawTable,
    served: Iterable[Served],
    raw_rows: Sequence[Mapping[str, Any]],
    quarantine_rows: Sequence[Mapping[str, Any]],
    window_start: datetime,
    window_end: datetime,
) -> None:
    """Assert the invariant for ``table``; the message says which record broke it and how."""
    served = list(served)
    problems: list[str] = []
    quarantined = [q for q in quarantine_rows if q.get("raw_table") == table.name]
    payloads = [json.loads(q["payload"]) for q in quarantined]
    for q in quarantined:
        if not q.get("rule") or not q.get("column_name"):
            problems.append(f"quarantine row without its rule and column: {dict(q)!r}")
        if q.get("vendor") != table.vendor:
            problems.append(f"quarantine row of vendor {q.get('vendor')!r}, not {table.vendor!r}")
    explained = [False] * len(raw_rows)
    for s in served:
        landed = False
        for form in s.forms():
            expected = expected_row(table, form, s.constants)
            for i, row in enumerate(raw_rows):
                if _matches(row, expected):
                    landed = explained[i] = True
        if landed:
            continue
        if any(_holds(p, form, table, s.constants) for p in payloads for form in s.forms()):
            continue
        expected = expected_row(table, s.record, s.constants)
        near = _nearest(raw_rows, expected, table)
        problems.append(
            f"record from {s.endpoint} neither landed nor quarantined:\n  record: {s.record!r}\n"
            f"  expected: { {k: v for k, v in expected.items()} }\n  closest raw row differs in: {near}"
        )
    for i, row in enumerate(raw_rows):
        if not explained[i]:
            problems.append(f"raw row no served record explains: {_brief(row, table)!r}")
    keys = [tuple(row.get(k) for k in table.primary_key) for row in raw_rows]
    if len(keys) != len(set(keys)):
        problems.append(f"primary key {table.primary_key} landed twice: {sorted(map(repr, keys))}")
    problems += _bookkeeping(table, served, raw_rows, window_start, window_end)
    assert not problems, f"{table.vendor}.{table.name}: " + "\n".join(problems)


def _brief(row: Mapping[str, Any], table: RawTable) -> dict[str, Any]:
    return {c.name: row.get(c.name) for c in table.columns if row.get(c.name) is not None}


def _nearest(raw_rows: Sequence[Mapping[str, Any]], expected: Mapping[str, Expect], table: RawTable) -> Any:
    if not raw_rows:
        return "no raw rows at all"
    best = min(raw_rows, key=lambda r: sum(not e.accepts(r.get(n)) for n, e in expected.items()))
    return {n: (best.get(n), e) for n, e in expected.items() if not e.accepts(best.get(n))}


def _bookkeeping(
    table: RawTable,
    served: Sequence[Served],
    raw_rows: Sequence[Mapping[str, Any]],
    window_start: datetime,
    window_end: datetime,
) -> list[str]:
    problems = []
    declared = table.declared_paths
    for row in raw_rows:
        if row.get("_window_start") != window_start or row.get("_window_end") != window_end:
            problems.append(f"row with the wrong window: {_brief(row, table)!r}")
        if table.event_time_column is not None:
            moment = row.get(table.event_time_column)
            if moment is None or not window_start <= moment < window_end:
                problems.append(f"row landed outside the window: {_brief(row, table)!r}")
            elif row.get("_day") != moment.date():
                problems.append(f"_day {row.get('_day')} is not the event time's day: {_brief(row, table)!r}")
        elif not isinstance(row.get("_day"), date):
            problems.append(f"row without _day: {_brief(row, table)!r}")
        extra = row.get("_extra_fields")
        if extra is None:
            continue
        fields = json.loads(extra)
        if not isinstance(fields, dict):
            problems.append(f"_extra_fields is not a JSON object: {extra!r}")
            continue
        for name in fields:
            if name in declared or name in DENIED_FIELDS:
                problems.append(f"_extra_fields holds {name!r}, a declared or denied field")
        # Every kept field is the value of that field in a record with the row's values.
        if not any(
            all(k in form and _equal_kept(v, form[k]) for k, v in fields.items())
            for s in served
            for form in s.forms()
        ):
            problems.append(f"_extra_fields {extra[:300]!r} match no served record")
    return problems


def rows_of(tables: Iterable[pa.Table]) -> list[dict[str, Any]]:
    return [row for t in tables for row in t.to_pylist()]
