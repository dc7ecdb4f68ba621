"""The raw-table declaration type: what a vendor package declares for each raw table it lands.

A raw table is a list of columns; each column names where its value sits in the vendor's JSON record
(a dotted path) and the Arrow type it is landed as. Sources project every page through these declarations
(see ``ingestion.core.arrow_pages``), so:

* the raw schema is stable and typed whatever the vendor sends (a missing field lands as NULL);
* what lands is an ALLOW list: the declared columns land as declared; fields we do not declare are kept, as
  JSON text, in ``_extra_fields`` only without free text (``redact``: numbers, booleans and NULLs as sent,
  every string at any depth replaced by ``{"string_length": N}``, fields on the deny list dropped), so
  schema drift stays visible (which fields, their shape and numbers) but prompt or response text under a
  name nobody listed (``prompt``, ``messages``, ``input``, ``output``...) never lands; quarantine payloads
  follow the same rule (``ingestion.core.arrow_pages.allowed_payload``);
* values must be in range for their column (``out_of_range``, else quarantined): integers within int64,
  floats finite, and money columns (``RawRules.money``: what dbt casts to DECIMAL(18,9)) below
  ``MONEY_LIMIT`` in absolute value;
* dbt staging reads these names; ``dbt_project/models/staging/<vendor>/_<vendor>__sources.yml`` is
  generated from the declarations (``python -m ingestion.dbt_sources``).

Every raw table also carries the bookkeeping columns of ``BOOKKEEPING_COLUMNS``: the UTC day the row belongs
to (the merge key that lets a partition run replace its days), the window that was requested, and dlt's
load id. A table carries its vendor's name (the quarantine rows say it) and its row rules, so nothing in
``ingestion.core`` ever looks a vendor up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ingestion.core.row_rules import NO_RULES, RawRules

TIMESTAMP = pa.timestamp("us", tz="UTC")
I64, F64, BOOL, STR, DATE = pa.int64(), pa.float64(), pa.bool_(), pa.string(), pa.date32()

# In range (else the record is quarantined under ``out_of_range``): an integer column holds int64; a float
# column a finite number (no NaN or infinity); a money column (``RawRules.money``, cast to DECIMAL(18,9) by
# dbt, which holds 9 integer digits) less than MONEY_LIMIT in absolute value, so that a cost the marts
# cannot represent never lands and fails dbt later.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MONEY_LIMIT = 1e9


@dataclass(frozen=True)
class Column:
    name: str
    # Dotted path into the record the source hands over: the vendor's own record, or for figures that
    # sit deeper in a response (a metric inside a list, a bucket's metric map) the flat record the source
    # builds from it. None = a constant the source supplies (e.g. the team id a page was asked for).
    path: str | None
    type: pa.DataType = pa.string()
    description: str = ""
    # The column's whole dbt description when it is not ``description`` plus where the value comes from
    # (``ingestion.dbt_sources``); None = that default.
    doc: str | None = None


@dataclass(frozen=True)
class RawTable:
    """One raw table: its dlt resource name, key, the record field that dates a row, and its columns."""

    name: str
    primary_key: tuple[str, ...]
    event_time_column: str | None
    columns: tuple[Column, ...]
    description: str
    vendor: str  # the vendor package that declares it (``raw_<vendor>.quarantine`` rows name it)
    rules: RawRules = NO_RULES
    # What the dbt description says after the key about how a row is dated; None = the default sentence
    # (``ingestion.dbt_sources``), "" = nothing.
    event_time_doc: str | None = None
    # Today's refresh may pull only what is newer than what landed (``ingestion.core.increments``): rows are
    # records the vendor does not change once written, dated by ``event_time_column``, and the vendor's list
    # is filtered by that same time. False = every run pulls the whole day.
    incremental_refresh: bool = False
    # An increment of a table whose rows belong to a parent re-read whole (a squad execution's timeline events)
    # replaces the rows whose ``increment_replaces_by`` column is in the load, not the rows dated from its start.
    increment_replaces_by: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def declared_paths(self) -> set[str]:
        """Top-level vendor fields covered by a declared column (not kept again in ``_extra_fields``)."""
        return {c.path.split(".")[0] for c in self.columns if c.path}


def column(
    name: str,
    path: str | None,
    type_: pa.DataType | None = None,
    description: str = "",
    doc: str | None = None,
) -> Column:
    return Column(name, path, type_ or pa.string(), description, doc)


# Columns every raw table ends with; filled by ingestion.core.arrow_pages, not by the vendor.
BOOKKEEPING_COLUMNS: tuple[Column, ...] = (
    column("_day", None, DATE, "UTC day of the row's event time; the partition the row belongs to"),
    column("_window_start", None, TIMESTAMP, "start of the window this load requested (inclusive, UTC)"),
    column("_window_end", None, TIMESTAMP, "end of the window this load requested (exclusive, UTC)"),
    column(
        "_extra_fields", None, STR, "JSON object of vendor fields this table does not declare (schema drift)"
    ),
)

# Fields never landed, at any depth: prompt/response text and credential values (docs/conventions.md, Secrets).
DENIED_FIELDS: frozenset[str] = frozenset(
    {
        "systemPrompt",
        "inputMessages",
        "outputResponse",
        "prompts",
        "promptData",
        "request_body",
        "response_body",
        "llmSchema",
        "signed_body_url",
        "asset_urls",
        "apiKey",
        "api_key",
        "credentialValue",
        "secret",
        "password",
        "token",
        "value",
    }
)


# Undeclared content is kept without its text: a string becomes this marker holding only its length.
STRING_MARKER = "string_length"


def redact(value: Any) -> Any:
    """``value`` as undeclared fields are kept (``_extra_fields``, quarantine payloads): objects and lists keep
    their shape and keys, numbers, booleans and NULLs their value, every string (at any depth) becomes
    ``{"string_length": N}``, and fields on the deny list are dropped. Free text a vendor sends under a name
    we do not declare — a prompt under ``prompt``, ``messages``, ``input`` or ``output`` — so never lands,
    while schema drift (a new field, its type, its numbers) stays visible."""
    if isinstance(value, str):
        return {STRING_MARKER: len(value)}
    if isinstance(value, Mapping):
        return {str(k): redact(v) for k, v in value.items() if k not in DENIED_FIELDS}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return {STRING_MARKER: len(str(value))}  # anything else a decoder may give is text to us


def table_factory(vendor: str, rules: Mapping[str, RawRules]) -> Callable[..., RawTable]:
    """How a vendor package declares its raw tables: ``RawTable``s of ``vendor``, each with the rules its name
    has in ``rules`` (the vendor's ``row_rules.RULES``; a table without an entry there is an error)."""

    def table(
        *,
        name: str,
        primary_key: tuple[str, ...],
        event_time_column: str | None,
        columns: tuple[Column, ...],
        description: str,
        event_time_doc: str | None = None,
        incremental_refresh: bool = False,
        increment_replaces_by: str | None = None,
    ) -> RawTable:
        if incremental_refresh and event_time_column is None:
            raise ValueError(f"{vendor}.{name}: an incremental refresh needs an event_time_column")
        return RawTable(
            name,
            primary_key,
            event_time_column,
            columns,
            description,
            vendor,
            rules[name],
            event_time_doc,
            incremental_refresh,
            increment_replaces_by,
        )

    return table
