"""The quarantine table: vendor records that broke a row rule, kept with the rule, reason and payload.

One table per vendor dataset, ``raw_<vendor>.quarantine`` — a raw schema, never published to analysts
(only ``marts`` is). Each windowed resource writes its own raw table's rejects into it, and a re-run
replaces that raw table's quarantine rows of the window's days, exactly as it replaces the raw rows: the
merge deletes ``_day`` in the window for every ``raw_table`` present in the load. So that a raw table with
no rejects this time still clears the ones of an earlier run, every resource also loads one *marker* row,
flagged ``_marker`` (dlt's ``hard_delete`` hint): it names the raw table for the delete and is itself never
inserted. A load that read only part of a table's window (an incremental refresh of today) says so on its
marker: then only the rejects it holds again are replaced, and the day's earlier ones stay.

A payload holds what the raw tables' ALLOW list lets land (``record_payload``; docs/conventions.md, Secrets):
declared fields as served, other fields without their text. ``quarantine_id`` is a digest of table, rule,
column and payload, so a record rejected twice (a repeated page) is one row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import dlt
import pyarrow as pa

from ingestion.core.arrow_pages import RejectedRecord, allowed_payload, scrub
from ingestion.core.raw_table import TIMESTAMP, RawTable
from ingestion.core.setting_registry import value
from ingestion.core.windows import Window

QUARANTINE_TABLE = "quarantine"
# The quarantined share of a table's rows in a partition above which its raw_rules gate fails.

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("quarantine_id", pa.string(), nullable=False),
        pa.field("vendor", pa.string()),
        pa.field("raw_table", pa.string()),
        pa.field("_day", pa.date32(), nullable=False),
        pa.field("rule", pa.string()),
        pa.field("column_name", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("payload", pa.string()),
        pa.field("_window_start", TIMESTAMP),
        pa.field("_window_end", TIMESTAMP),
        pa.field("_marker", pa.bool_()),
    ]
)


def max_share() -> float:
    """``AIECON_QUARANTINE_MAX_SHARE`` (default 0.01 = 1%)."""
    return value("AIECON_QUARANTINE_MAX_SHARE")


def payload_json(record: Any) -> str:
    """The record as sorted JSON, without credential values or denied fields (docs/conventions.md, Secrets)."""
    return json.dumps(scrub(record), sort_keys=True, separators=(",", ":"), default=str)


def record_payload(table: RawTable, r: RejectedRecord) -> str:
    """The payload of a rejected record under the raw tables' ALLOW list: its declared fields as served,
    its other fields without text (``arrow_pages.allowed_payload``); a conflicting duplicate is already a
    row as it would have landed (declared columns and redacted ``_extra_fields``)."""
    if r.as_landed:
        return payload_json(r.record)
    return payload_json(allowed_payload(table, r.record))


def _row(vendor: str, table: RawTable, window: Window, r: RejectedRecord) -> dict[str, Any]:
    payload = record_payload(table, r)
    # Deterministic: the same record breaking the same rule is one row, however often a page repeats it.
    digest = hashlib.sha256(f"{table.name}\x1f{r.rule}\x1f{r.column}\x1f{payload}".encode()).hexdigest()
    return {
        "quarantine_id": f"{table.name}:{digest[:32]}",
        "vendor": vendor,
        "raw_table": table.name,
        "_day": r.day,
        "rule": r.rule,
        "column_name": r.column,
        "reason": r.reason,
        "payload": payload,
        "_window_start": window.start,
        "_window_end": window.end,
        "_marker": None,
    }


def quarantine_rows(
    vendor: str, table: RawTable, window: Window, rejected: Sequence[RejectedRecord]
) -> pa.Table:
    return pa.Table.from_pylist([_row(vendor, table, window, r) for r in rejected], schema=QUARANTINE_SCHEMA)


# What a marker row says (its ``reason``): the load read the raw table's whole window, or only part of it.
WHOLE_WINDOW, PART_OF_WINDOW = "marker: whole window read", "marker: part of the window read"


def marker_row(vendor: str, table: RawTable, window: Window, whole: bool = True) -> pa.Table:
    """The row that names ``table`` in a load (never inserted): with ``whole``, the load replaces the
    table's quarantine rows in the window; without, only those whose id it holds."""
    row = {
        "quarantine_id": f"{table.name}:marker",
        "vendor": vendor,
        "raw_table": table.name,
        "_day": window.start.date(),
        "_window_start": window.start,
        "_window_end": window.end,
        "reason": WHOLE_WINDOW if whole else PART_OF_WINDOW,
        "_marker": True,
    }
    return pa.Table.from_pylist([row], schema=QUARANTINE_SCHEMA)


def day_scope(window: Window) -> str:
    """SQL selecting the destination rows of the window's days (dlt's ``destination_scope``)."""
    first, end = window.day_span
    return f"_day >= '{first.isoformat()}' AND _day < '{end.isoformat()}'"


def as_quarantine_item(rows: pa.Table, window: Window) -> Any:
    """``rows`` routed to the quarantine table, with its own key and replacement scope: the window's rows of
    each raw table whose marker in the load says the window was read whole, and any row whose id the load
    holds (a raw table read in part — an incremental refresh — keeps its other rejects of the day)."""
    whole = f"SELECT raw_table FROM {{staging_table}} WHERE _marker AND reason = '{WHOLE_WINDOW}'"
    by_id = "SELECT quarantine_id FROM {staging_table}"
    scope = f"{day_scope(window)} AND (raw_table IN ({whole}) OR quarantine_id IN ({by_id}))"
    hints = dlt.mark.make_hints(
        table_name=QUARANTINE_TABLE,
        primary_key=["quarantine_id"],
        write_disposition={"disposition": "merge", "strategy": "delete-insert", "destination_scope": scope},
        columns=[{"name": "_marker", "data_type": "bool", "hard_delete": True}],
    )
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)
