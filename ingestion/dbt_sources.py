"""The dbt sources YAML of each vendor, generated from its raw-table declarations.

``dbt_project/models/staging/<vendor>/_<vendor>__sources.yml`` describes the raw tables dbt reads; it is
written from ``ingestion.vendors`` so that it cannot drift from what the sources land:

    python -m ingestion.dbt_sources            # (re)write the files
    python -m ingestion.dbt_sources --check    # exit 1 when a committed file differs from its generated text

A table's description is its declaration's, then its key and how a row is dated; a column's is its
declaration's, then where the value comes from (a vendor field, or the source itself).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa

from ingestion.core.generated_files import write_or_check
from ingestion.core.raw_table import TIMESTAMP, Column, RawTable
from ingestion.core.vendor import Vendor
from ingestion.vendors import VENDORS

REPO_ROOT = Path(__file__).resolve().parent.parent
STAGING_DIR = REPO_ROOT / "dbt_project" / "models" / "staging"
# dlt adds it to every raw row (dagster_project/defs/dlt/pipelines.py); not a declared column.
DLT_LOAD_ID = ("_dlt_load_id", "dlt load id of the load that wrote the row", "varchar")
DATA_TYPES: dict[pa.DataType, str] = {
    pa.string(): "varchar",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    TIMESTAMP: "timestamp with time zone",
}


def sources_path(vendor: Vendor) -> Path:
    return STAGING_DIR / vendor.name / f"_{vendor.name}__sources.yml"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def table_description(table: RawTable) -> str:
    dated = table.event_time_doc
    if dated is None:
        dated = (
            f"Event time: {table.event_time_column}."
            if table.event_time_column
            else "No event time: _day is set by the source."
        )
    return " ".join(p for p in (table.description, f"Key: ({', '.join(table.primary_key)}).", dated) if p)


def column_description(column: Column) -> str:
    if column.doc is not None:
        return column.doc
    if column.name.startswith("_"):  # bookkeeping
        return column.description
    origin = (
        f"vendor field `{column.path}`"
        if column.path is not None
        else "set by the dlt source, not a vendor field"
    )
    return f"{column.description}; {origin}" if column.description else origin


def render(vendor: Vendor) -> str:
    lines = [
        f"# Raw {vendor.name} tables, generated from ingestion/{vendor.name}/raw_tables.py by",
        "# `python -m ingestion.dbt_sources`: edit the declarations, not this file.",
        "# Each table's meta.dagster.asset_key links the dbt source to the Dagster ingest asset [schema, table].",
        "version: 2",
        "",
        "sources:",
        f"  - name: {vendor.name}",
        f"    description: {_q(vendor.description)}",
        f"    schema: {vendor.dataset}",
        "    loader: dlt",
        "    tables:",
    ]
    for table in vendor.raw_tables:
        lines += [
            f"      - name: {table.name}",
            f"        description: {_q(table_description(table))}",
            "        config:",
            "          meta:",
            "            dagster:",
            f"              asset_key: [{_q(vendor.dataset)}, {_q(table.name)}]",
            "        columns:",
        ]
        columns = [(c.name, column_description(c), DATA_TYPES[c.type]) for c in table.columns]
        for name, description, data_type in [*columns, DLT_LOAD_ID]:
            lines += [
                f"          - name: {name}",
                f"            description: {_q(description)}",
                f"            data_type: {data_type}",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    files = {sources_path(v): render(v) for v in VENDORS}
    return write_or_check(__doc__.split("\n\n")[0], files, argv, root=REPO_ROOT)


if __name__ == "__main__":
    sys.exit(main())
