"""Vendor records to typed Arrow tables, through a ``RawTable`` declaration.

Arrow tables load into DuckDB through dlt more than ten times faster than Python dicts, and a declared
schema keeps raw tables stable when a vendor adds, drops or retypes a field: missing fields land as NULL,
undeclared ones are kept as JSON text in ``_extra_fields`` without their text (``raw_table.redact``).

A record that breaks a row rule — a value that cannot be read losslessly as its declared type
(``type_change``) or is out of range for it (``out_of_range``: beyond int64, not finite, or a money value
DECIMAL(18,9) cannot hold), a missing key or event time, an event time outside the window, or one of the
table's ``rules`` (required field NULL, negative tokens or cost, unknown enum) — never lands as something
else. ``project`` splits such records off with the rule and reason; ``records_to_table`` hands them to the
active quarantine sink (set by ``ingestion.core.dlt_resources.windowed_resource`` while a resource runs) or,
with none, raises naming the column. In range means: an integer column within int64; a float column finite
(no NaN, no infinity); a money column (``RawRules.money``, what dbt casts to DECIMAL(18,9)) also below
``raw_table.MONEY_LIMIT`` (1e9) in absolute value. Both paths check it, the columnar one vectorised.

Timestamps are read as RFC 3339 (the vendors' ``format: date-time``): ``T`` or a space between date and
time (either case), any number of fractional digits (Go and protobuf JSON write 0, 3, 6 or 9), and an offset
``Z``, ``+hh:mm`` (also ``+hhmm`` and ``+hh``), converted to UTC. Raw tables hold microseconds: digits after
the sixth are TRUNCATED, never rounded, so ``.123456789Z`` is ``.123456Z`` whichever path reads it. A time
without an offset is not guessed at: it is a ``type_change``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.core.raw_table import (
    DENIED_FIELDS,
    INT64_MAX,
    INT64_MIN,
    MONEY_LIMIT,
    TIMESTAMP,
    RawTable,
    redact,
)
from ingestion.core.row_rules import RawRules
from ingestion.core.windows import Window

# Row rules a record can break at projection time (the ``rule`` of a quarantined record).
TYPE_CHANGE = "type_change"
MISSING_KEY = "missing_key"
MISSING_EVENT_TIME = "missing_event_time"
OUTSIDE_WINDOW = "outside_window"
REQUIRED_NULL = "required_null"
NEGATIVE = "negative"
UNKNOWN_ENUM = "unknown_enum"
OUT_OF_RANGE = "out_of_range"
# A second version of a key with other content than the version kept (``dlt_resources.FirstByKey``).
CONFLICTING_DUPLICATE = "conflicting_duplicate"


class RecordTypeError(ValueError):
    """A vendor value that does not fit its declared column type."""


class OutOfWindowError(RecordTypeError):
    """A vendor returned a record dated outside the window that was asked for."""


@dataclass(frozen=True)
class RejectedRecord:
    """A vendor record split off by a row rule: it goes to quarantine, never to the raw table."""

    record: Mapping[str, Any]
    rule: str
    column: str | None
    reason: str
    day: date  # the partition day it is quarantined under (always a day of the window)
    # True when ``record`` is a row as it would have landed (a conflicting duplicate), not a vendor record.
    as_landed: bool = False


@dataclass(frozen=True)
class Projection:
    table: pa.Table  # the records that pass every row rule, typed
    rejected: list[RejectedRecord]


# The sink of the resource being run; None outside one (then a rejected record raises).
QuarantineSink = Callable[[RawTable, Sequence[RejectedRecord]], None]
QUARANTINE_SINK: ContextVar[QuarantineSink | None] = ContextVar("aiecon_quarantine_sink", default=None)


def value_at(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a record; None where the path does not reach."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def scrub(value: Any) -> Any:
    """Remove denied fields (prompt text, credential values) at any depth."""
    if isinstance(value, Mapping):
        return {k: scrub(v) for k, v in value.items() if k not in DENIED_FIELDS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(scrub(value), sort_keys=True, separators=(",", ":"), default=str)


_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)
# Fractional digits past the sixth (sub-microsecond): truncated, see the module docstring.
_SUB_MICROSECONDS = r"(\.\d{6})\d+"


def parse_timestamps(values: pa.Array) -> pa.Array:
    """RFC 3339 strings (see the module docstring) as TIMESTAMP; raises ``pa.ArrowInvalid`` when any is not
    one. The usual text casts as it is; otherwise it is upper-cased and cut to microseconds, in Arrow."""
    values = values.cast(pa.string())
    try:
        return values.cast(TIMESTAMP)
    except _ARROW_ERRORS:
        pass
    normal = pc.replace_substring_regex(pc.utf8_upper(values), pattern=_SUB_MICROSECONDS, replacement=r"\1")
    return normal.cast(TIMESTAMP)


def parse_timestamp(value: Any) -> datetime | None:
    """One RFC 3339 value read exactly as a column of them is (``parse_timestamps``); None when it cannot be."""
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamps(pa.array([value], type=pa.string()))[0].as_py()
    except _ARROW_ERRORS:
        return None


def kept_for(window: Window, value: Any) -> bool:
    """Whether a record dated ``value`` is kept for ``window``: dated inside it, or not datable at all — a
    record without a readable time is handed on so that the projection quarantines it
    (``missing_event_time`` / ``type_change``) instead of it vanishing before."""
    moment = parse_timestamp(value)
    return moment is None or window.contains(moment)


class _OutOfRange(ValueError):
    """A number that is a number, but not one its column can hold."""


def _coerce(value: Any, type_: pa.DataType) -> Any:
    """A vendor sending 12.0 or "12" for an integer still means 12; anything lossy raises ValueError, a
    value beyond int64 ``_OutOfRange``."""
    if pa.types.is_integer(type_):
        if isinstance(value, int):  # also bool; an int is read exactly, not through a float
            number = int(value)
        else:
            try:
                number = int(str(value).strip()) if isinstance(value, str) else None
            except ValueError:
                number = None
            if number is None:
                f = float(value)
                if f != f or f in (float("inf"), float("-inf")):
                    raise _OutOfRange
                if not f.is_integer():
                    raise ValueError
                number = int(f)
        if not INT64_MIN <= number <= INT64_MAX:
            raise _OutOfRange
        return number
    if pa.types.is_floating(type_):
        try:
            return float(value)
        except OverflowError as e:  # an integer too large for any float
            raise _OutOfRange from e
    if pa.types.is_boolean(type_):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
    raise ValueError


def _column_array(
    name: str, values: list[Any], type_: pa.DataType
) -> tuple[pa.Array, dict[int, tuple[str, str]]]:
    """The typed column, and the rows whose value cannot be read as ``type_`` (row -> (rule, reason); NULL
    here): ``type_change``, or ``out_of_range`` for an integer beyond int64."""
    if pa.types.is_string(type_):
        values = [v if v is None or isinstance(v, str) else _json_text(v) for v in values]
        return pa.array(values, type=type_), {}
    if type_ == TIMESTAMP:
        try:
            return parse_timestamps(pa.array(values, type=pa.string())), {}
        except (*_ARROW_ERRORS, TypeError, ValueError):
            pass
        read = [None if v is None else parse_timestamp(v) for v in values]
        bad = {
            i: (TYPE_CHANGE, f"column {name}: expected an RFC 3339 timestamp, got {v!r}")
            for i, (v, t) in enumerate(zip(values, read, strict=True))
            if v is not None and t is None
        }
        return pa.array(read, type=type_), bad
    try:
        # Infer, then cast safely: pa.array(values, type=int64) would silently truncate 12.5 to 12.
        return pa.array(values).cast(type_, safe=True), {}
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    coerced: list[Any] = []
    bad: dict[int, tuple[str, str]] = {}
    for i, v in enumerate(values):
        try:
            coerced.append(None if v is None else _coerce(v, type_))
        except _OutOfRange:
            coerced.append(None)
            bad[i] = (OUT_OF_RANGE, f"column {name}: {v!r} is out of range for {type_}")
        except (TypeError, ValueError, OverflowError):
            coerced.append(None)
            bad[i] = (TYPE_CHANGE, f"column {name}: cannot read {v!r} as {type_}")
    return pa.array(coerced, type=type_), bad


def _out_of_range(array: pa.Array, money: bool) -> pa.Array | None:
    """Rows of a float column that are not finite, or of a money column not below MONEY_LIMIT in absolute
    value (vectorised); None when no row can be (the usual case costs one pass)."""
    masks = []
    if pa.types.is_floating(array.type):
        masks.append(pc.invert(pc.is_finite(array)))
    if money and (pa.types.is_floating(array.type) or pa.types.is_integer(array.type)):
        magnitude = pc.abs(array.cast(pa.float64()))
        masks.append(pc.greater_equal(magnitude, MONEY_LIMIT))
    if not masks:
        return None
    mask = masks[0] if len(masks) == 1 else pc.or_(masks[0], masks[1])
    return pc.fill_null(mask, False)


def _rule_violations(table: RawTable, arrays: Mapping[str, pa.Array]) -> list[tuple[str, str, pa.Array]]:
    """(rule, column, boolean mask of offending rows) for the value rules of a table (``RawTable.rules``)
    and the range of every declared number (``out_of_range``)."""
    rules: RawRules = table.rules
    out = []
    for column in rules.required:
        if column in arrays and arrays[column].null_count:
            out.append((REQUIRED_NULL, column, arrays[column].is_null()))
    money = set(rules.money)
    for c in table.columns:
        if c.name in arrays and c.name not in ("_window_start", "_window_end", "_day"):
            mask = _out_of_range(arrays[c.name], c.name in money)
            if mask is not None and pc.any(mask).as_py():
                out.append((OUT_OF_RANGE, c.name, mask))
    for column in rules.non_negative:
        if column in arrays:
            out.append((NEGATIVE, column, pc.fill_null(pc.less(arrays[column], 0), False)))
    for column, values in rules.enums.items():
        if column in arrays:
            known = pc.is_in(arrays[column], value_set=pa.array(values, type=arrays[column].type))
            out.append((UNKNOWN_ENUM, column, pc.and_(arrays[column].is_valid(), pc.invert(known))))
    return out


def arrow_schema(table: RawTable) -> pa.Schema:
    """The table's Arrow schema; key columns and ``_day`` are NOT NULL, as dlt's schema has them."""
    required = {*table.primary_key, "_day"}
    return pa.schema([pa.field(c.name, c.type, nullable=c.name not in required) for c in table.columns])


def project(
    table: RawTable,
    records: Sequence[Mapping[str, Any]],
    window: Window,
    constants: Mapping[str, Any] | None = None,
    day: date | None = None,
) -> Projection:
    """Project ``records`` onto ``table``'s columns, splitting off the records that break a row rule.

    ``constants`` fill source-supplied columns (``path is None``), e.g. the team id a page was asked for.
    ``day`` sets ``_day`` for tables without an event time (a vendor's figure for one day); otherwise
    ``_day`` is the UTC date of the event time, and a record outside ``window`` is rejected: replacing a
    day we did not ask for would delete good data. A record breaking several rules is rejected under the
    first (type or integer range, event time, window, key, required, number range, negative, enum).
    """
    constants = dict(constants or {})
    n = len(records)
    arrays: dict[str, pa.Array] = {}
    rejected: dict[int, tuple[str, str | None, str]] = {}  # row -> (rule, column, reason)
    structs = _records_as_structs(records)
    for column in table.columns:
        if column.name in constants:
            arrays[column.name] = pa.array([constants[column.name]] * n, type=column.type)
        elif column.path is not None:
            fast = _struct_column(structs, column.path, column.type) if structs is not None else None
            if fast is not None:
                arrays[column.name] = fast
                continue
            values = [value_at(r, column.path) for r in records]
            arrays[column.name], bad = _column_array(column.name, values, column.type)
            for i, (rule, reason) in bad.items():
                rejected.setdefault(i, (rule, column.name, reason))
    arrays["_extra_fields"] = _extra_fields_array(records, table.declared_paths)
    return _apply_row_rules(table, arrays, n, rejected, window, day, record_of=records.__getitem__)


def project_columnar(
    table: RawTable,
    structs: pa.StructArray,
    window: Window,
    constants: Mapping[str, Any] | None = None,
) -> pa.Table | None:
    """``project`` of records already decoded into one Arrow StructArray (``decode_pages``), or None
    when the result could differ from ``project``'s on the same records — a field whose type needs the
    per-record reading, an undeclared field, a record breaking a row rule: the caller then decodes those
    records one by one and calls ``project``. When it returns a table, it is the table ``project``
    returns (same columns, types and values; tests/unit/ingestion/test_columnar_pages.py)."""
    constants = dict(constants or {})
    n = len(structs)
    if not pa.types.is_struct(structs.type):
        return None
    if {f.name for f in structs.type} - table.declared_paths:
        return None  # an undeclared field goes to _extra_fields, which takes the per-record path
    arrays: dict[str, pa.Array] = {}
    for column in table.columns:
        if column.name in constants:
            arrays[column.name] = pa.array([constants[column.name]] * n, type=column.type)
        elif column.path is not None:
            fast = _struct_column(structs, column.path, column.type)
            if fast is None:
                return None
            arrays[column.name] = fast
    arrays["_extra_fields"] = pa.nulls(n, type=pa.string())
    try:
        projection = _apply_row_rules(table, arrays, n, {}, window, None, record_of=None)
    except _NeedsRecords:
        return None
    return projection.table


class _NeedsRecords(Exception):
    """A record was rejected, and quarantine needs it as a record (``project_columnar`` falls back)."""


def _apply_row_rules(
    table: RawTable,
    arrays: dict[str, pa.Array],
    n: int,
    rejected: dict[int, tuple[str, str | None, str]],
    window: Window,
    day: date | None,
    record_of: Callable[[int], Mapping[str, Any]] | None,
) -> Projection:
    """The row rules over the typed columns, the bookkeeping columns, and the split into kept and
    rejected records (``record_of(i)`` is record ``i``; without it a rejection raises _NeedsRecords)."""

    def reject(mask: pa.Array, rule: str, column: str | None, reason: Callable[[int], str]) -> None:
        hits = pc.indices_nonzero(mask).to_pylist()
        if hits and record_of is None:
            raise _NeedsRecords
        for i in hits:
            rejected.setdefault(i, (rule, column, reason(i)))

    arrays["_window_start"] = pa.array([window.start] * n, type=TIMESTAMP)
    arrays["_window_end"] = pa.array([window.end] * n, type=TIMESTAMP)

    if table.event_time_column is not None:
        name = table.event_time_column
        event_time = arrays[name]
        reject(event_time.is_null(), MISSING_EVENT_TIME, name, lambda i: f"record without {name}")
        outside = pc.or_(pc.less(event_time, window.start), pc.greater_equal(event_time, window.end))
        reject(
            pc.fill_null(outside, False),
            OUTSIDE_WINDOW,
            name,
            lambda i: (
                f"{name} {event_time[i].as_py().isoformat()} is outside the window "
                f"{window.start.isoformat()} .. {window.end.isoformat()}"
            ),
        )
        arrays["_day"] = pc.cast(event_time, pa.date32())
    else:
        if day is None:
            raise ValueError(f"{table.name} has no event time: pass the day the figure belongs to")
        arrays["_day"] = pa.array([day] * n, type=pa.date32())

    missing = [c.name for c in table.columns if c.name not in arrays]
    if missing:
        raise ValueError(f"{table.name}: no value for source-supplied column(s) {missing}")
    for key in table.primary_key:
        reject(arrays[key].is_null(), MISSING_KEY, key, lambda i, key=key: f"record without {key}")
    for rule, column, mask in _rule_violations(table, arrays):
        if rule == OUT_OF_RANGE and column in table.rules.money:
            must = f" is out of range: must be finite and below {MONEY_LIMIT:g} in absolute value (DECIMAL(18,9))"
        elif rule == OUT_OF_RANGE:
            must = " is out of range: must be finite"
        else:
            must = ""
        reject(mask, rule, column, lambda i, c=column, m=must: f"{c} = {arrays[c][i].as_py()!r}{m}")

    schema = arrow_schema(table)
    columns = [arrays[c.name] for c in table.columns]
    if rejected:
        keep = pa.array([i not in rejected for i in range(n)])
        columns = [pc.filter(a, keep) for a in columns]
    first_day, end_day = window.day_span
    last_day = end_day - timedelta(days=1)

    def quarantine_day(i: int) -> date:
        # The day the record claims, held inside the window so that a re-run of that window replaces it.
        claimed = arrays["_day"][i].as_py() or first_day
        return min(max(claimed, first_day), last_day)

    return Projection(
        table=pa.Table.from_arrays(columns, schema=schema),
        rejected=[
            RejectedRecord(record_of(i), rule, column, reason, quarantine_day(i))  # type: ignore[misc]
            for i, (rule, column, reason) in sorted(rejected.items())
        ],
    )


def records_to_table(
    table: RawTable,
    records: Sequence[Mapping[str, Any]],
    window: Window,
    constants: Mapping[str, Any] | None = None,
    day: date | None = None,
) -> pa.Table:
    """``project``, with the rejected records sent to the active quarantine sink.

    Outside a ``windowed_resource`` there is no sink, and a rejected record raises instead
    (``OutOfWindowError`` for one outside the window, ``RecordTypeError`` otherwise): never dropped.
    """
    projection = project(table, records, window, constants, day)
    if projection.rejected:
        sink = QUARANTINE_SINK.get()
        if sink is None:
            first = projection.rejected[0]
            error = OutOfWindowError if first.rule == OUTSIDE_WINDOW else RecordTypeError
            raise error(
                f"{table.name}: {len(projection.rejected)} record(s) break a row rule; "
                f"first: {first.rule}: {first.reason}"
            )
        sink(table, projection.rejected)
    return projection.table


# -- vectorised projection (a fast path with the same results; anything unusual takes the per-record path)
def _records_as_structs(records: Sequence[Mapping[str, Any]]) -> pa.StructArray | None:
    """All records as one Arrow StructArray, typed by Arrow's own inference (in C++, one pass); None when
    the records do not infer to a struct (mixed types in a field, non-objects, no records)."""
    if not records:
        return None
    try:
        structs = pa.array(records)
    except (
        pa.ArrowInvalid,
        pa.ArrowTypeError,
        pa.ArrowNotImplementedError,
        TypeError,
        ValueError,
        OverflowError,
    ):
        return None
    return structs if pa.types.is_struct(structs.type) else None


def _struct_column(structs: pa.StructArray, path: str, type_: pa.DataType) -> pa.Array | None:
    """The field at ``path`` as ``type_`` when that is exactly what ``_column_array`` would give, else None.

    Only cases whose result is the same by construction are taken: a string field that inferred as
    strings (or all nulls), timestamps read from strings, and other types by a safe cast of the inferred
    field (``_column_array``'s own first attempt). Everything else — dicts in a string column, lossy or
    failing casts — returns None and goes through ``_column_array``, which also raises its clear errors.
    """
    value: pa.Array = structs
    for part in path.split("."):
        if not pa.types.is_struct(value.type):
            return None
        if value.type.get_field_index(part) < 0:
            return pa.nulls(len(structs), type=type_)  # no record has it: NULL, as _dig gives
        # pc.struct_field keeps a NULL parent NULL (``StructArray.field`` would not).
        value = pc.struct_field(value, part)
    try:
        if pa.types.is_string(type_):
            if pa.types.is_string(value.type) or pa.types.is_null(value.type):
                return value.cast(type_)
            return None
        if type_ == TIMESTAMP:
            if pa.types.is_string(value.type) or pa.types.is_null(value.type):
                return parse_timestamps(value)
            return None
        return value.cast(type_, safe=True)
    except (*_ARROW_ERRORS, OverflowError):
        return None


def _extra_fields_array(records: Sequence[Mapping[str, Any]], declared: set[str]) -> pa.Array:
    """``_extra_fields``: each record's undeclared top-level fields as JSON text without their text
    (``raw_table.redact``), NULL when none. When no record has an undeclared field (the usual case) this is
    one set union, not a dict per record."""
    if all(isinstance(r, dict) for r in records) and set().union(*records) <= declared:
        return pa.nulls(len(records), type=pa.string())
    extras = [
        _sorted_json(redact({k: v for k, v in r.items() if k not in declared}))
        if isinstance(r, Mapping)
        else None
        for r in records
    ]
    return pa.array([None if e == "{}" else e for e in extras], type=pa.string())


def _sorted_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def allowed_payload(table: RawTable, record: Any) -> Any:
    """What of a vendor record a quarantine payload keeps: the same ALLOW list as the raw table. The value
    at each declared path as it would land (denied fields dropped), everything else redacted
    (``raw_table.redact``: shape, numbers, booleans and NULLs, no text)."""
    tree: dict[str, Any] = {}
    for column in table.columns:
        if column.path is None:
            continue
        *parents, leaf = column.path.split(".")
        node = tree
        for part in parents:
            child = node.setdefault(part, {})
            if child is None:  # a declared value that is also a parent: the value wins
                break
            node = child
        else:
            node[leaf] = None
    return _allowed(record, tree)


def _allowed(value: Any, tree: Mapping[str, Any]) -> Any:
    if not isinstance(value, Mapping):
        return redact(value)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in DENIED_FIELDS:
            continue
        sub = tree.get(key, ())
        if sub is None:
            out[key] = scrub(item)  # a declared column's value: it lands as it is
        elif isinstance(sub, Mapping) and isinstance(item, Mapping):
            out[key] = _allowed(item, sub)
        else:
            out[key] = redact(item)
    return out


def utc_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def concat(tables: Iterable[pa.Table]) -> pa.Table | None:
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else None
