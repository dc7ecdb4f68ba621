"""Vendor records to typed Arrow tables, through a ``RawTable`` declaration.

Arrow tables load into DuckDB through dlt more than ten times faster than Python dicts, and a declared
schema keeps raw tables stable when a vendor adds, drops or retypes a field: missing fields land as NULL,
undeclared ones are kept as JSON text in ``_extra_fields``, and a value that cannot be read as its declared
type raises ``RecordTypeError`` with the column and a sample, instead of landing as something else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.raw_tables import DENIED_FIELDS, TIMESTAMP, RawTable
from ingestion.windows import Window


class RecordTypeError(ValueError):
    """A vendor value that does not fit its declared column type."""


class OutOfWindowError(ValueError):
    """A vendor returned a record dated outside the window that was asked for."""


def _dig(record: Mapping[str, Any], path: str) -> Any:
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


def _column_array(name: str, values: list[Any], type_: pa.DataType) -> pa.Array:
    if pa.types.is_string(type_):
        values = [v if v is None or isinstance(v, str) else _json_text(v) for v in values]
        return pa.array(values, type=type_)
    if type_ == TIMESTAMP:
        try:
            return pa.array(values, type=pa.string()).cast(type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            bad = next((v for v in values if v is not None and not isinstance(v, str)), values[:1])
            raise RecordTypeError(f"column {name}: expected ISO-8601 timestamps, got e.g. {bad!r}") from exc
    try:
        # Infer, then cast safely: pa.array(values, type=int64) would silently truncate 12.5 to 12.
        return pa.array(values).cast(type_, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    # A vendor sending 12.0 or "12" for an integer still means 12; anything lossy is an error.
    coerced: list[Any] = []
    for v in values:
        if v is None:
            coerced.append(None)
            continue
        try:
            if pa.types.is_integer(type_):
                f = float(v)
                if not f.is_integer():
                    raise ValueError
                coerced.append(int(f))
            elif pa.types.is_floating(type_):
                coerced.append(float(v))
            elif pa.types.is_boolean(type_):
                if isinstance(v, bool):
                    coerced.append(v)
                elif str(v).lower() in ("true", "false"):
                    coerced.append(str(v).lower() == "true")
                else:
                    raise ValueError
            else:
                raise ValueError
        except (TypeError, ValueError) as exc:
            raise RecordTypeError(f"column {name}: cannot read {v!r} as {type_}") from exc
    return pa.array(coerced, type=type_)


def records_to_table(
    table: RawTable,
    records: Sequence[Mapping[str, Any]],
    window: Window,
    constants: Mapping[str, Any] | None = None,
    day: date | None = None,
) -> pa.Table:
    """Project ``records`` onto ``table``'s columns.

    ``constants`` fill source-supplied columns (``path is None``), e.g. the team id a page was asked for.
    ``day`` sets ``_day`` for tables without an event time (a vendor's figure for one day); otherwise
    ``_day`` is the UTC date of the event time, and a record outside ``window`` raises ``OutOfWindowError``:
    replacing a day we did not ask for would delete good data.
    """
    constants = dict(constants or {})
    n = len(records)
    declared = table.declared_paths
    arrays: dict[str, pa.Array] = {}
    structs = _records_as_structs(records)
    for column in table.columns:
        if column.name in constants:
            arrays[column.name] = pa.array([constants[column.name]] * n, type=column.type)
        elif column.path is not None:
            fast = _struct_column(structs, column.path, column.type) if structs is not None else None
            arrays[column.name] = (
                fast
                if fast is not None
                else _column_array(column.name, [_dig(r, column.path) for r in records], column.type)
            )

    arrays["_extra_fields"] = _extra_fields_array(records, declared)
    arrays["_window_start"] = pa.array([window.start] * n, type=TIMESTAMP)
    arrays["_window_end"] = pa.array([window.end] * n, type=TIMESTAMP)

    if table.event_time_column is not None:
        event_time = arrays[table.event_time_column]
        if event_time.null_count:
            raise RecordTypeError(
                f"{table.name}: {event_time.null_count} record(s) without {table.event_time_column}"
            )
        if n:
            first, last = pc.min(event_time).as_py(), pc.max(event_time).as_py()
            if first < window.start or last >= window.end:
                raise OutOfWindowError(
                    f"{table.name}: vendor returned records from {first.isoformat()} to {last.isoformat()} "
                    f"for the window {window.start.isoformat()} .. {window.end.isoformat()}"
                )
        arrays["_day"] = pc.cast(event_time, pa.date32())
    else:
        if day is None:
            raise ValueError(f"{table.name} has no event time: pass the day the figure belongs to")
        arrays["_day"] = pa.array([day] * n, type=pa.date32())

    missing = [c.name for c in table.columns if c.name not in arrays]
    if missing:
        raise ValueError(f"{table.name}: no value for source-supplied column(s) {missing}")
    # Key columns are declared NOT NULL, as dlt's schema has them; a NULL key fails here, loudly.
    required = {*table.primary_key, "_day"}
    for name in sorted(required):
        if arrays[name].null_count:
            raise RecordTypeError(f"{table.name}: {arrays[name].null_count} record(s) without {name}")
    schema = pa.schema([pa.field(c.name, c.type, nullable=c.name not in required) for c in table.columns])
    return pa.Table.from_arrays([arrays[c.name] for c in table.columns], schema=schema)


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
                return value.cast(pa.string()).cast(type_)
            return None
        return value.cast(type_, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return None


def _extra_fields_array(records: Sequence[Mapping[str, Any]], declared: set[str]) -> pa.Array:
    """``_extra_fields``: each record's undeclared top-level fields as scrubbed JSON text, NULL when none.
    When no record has an undeclared field (the usual case) this is one set union, not a dict per record."""
    if all(isinstance(r, dict) for r in records) and set().union(*records) <= declared:
        return pa.nulls(len(records), type=pa.string())
    extras = [_json_text({k: v for k, v in r.items() if k not in declared}) for r in records]
    return pa.array([None if e == "{}" else e for e in extras], type=pa.string())


def utc_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def concat(tables: Iterable[pa.Table]) -> pa.Table | None:
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else None
