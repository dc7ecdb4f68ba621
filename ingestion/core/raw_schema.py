"""Raw tables created EMPTY from their declarations, for the vendors dlt has not loaded (yet).

dbt's staging models read every registered vendor's raw tables (``source()``), whichever vendors a
deployment enables (``AIECON_VENDORS``) and whether or not a vendor's first load ever succeeded. A raw table
is otherwise created by dlt on the vendor's first load, so a disabled vendor, or one whose very first load
failed (a partial run), would leave dbt reading a relation that does not exist. Before dbt runs, each missing
raw table is created here with the declared columns (``RawTable.columns``, bookkeeping included) and dlt's
load id, in the types and nullability dlt itself gives them (from the Arrow schema the sources hand dlt,
``arrow_pages.arrow_schema``: key columns and ``_day`` NOT NULL): staging then builds empty views and the marts simply hold no
rows of that vendor. A table that exists is never touched.

The types are the ones dlt creates for the Arrow types the declarations use, written so that DuckDB and
PostgreSQL both accept them (``double precision``, not DuckDB's ``double``); a later first load by dlt then
finds every column it would have created and only inserts rows (tests/integration/test_vendor_subset.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from dlt.pipeline.pipeline import Pipeline

from ingestion.core.arrow_pages import arrow_schema
from ingestion.core.raw_table import TIMESTAMP, RawTable

# Arrow type of a declared column -> the SQL type dlt gives it, valid on DuckDB and PostgreSQL alike.
SQL_TYPES: dict[pa.DataType, str] = {
    pa.string(): "varchar",
    pa.int64(): "bigint",
    pa.float64(): "double precision",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    TIMESTAMP: "timestamp with time zone",
}
# dlt adds it to every raw row (dagster_project/defs/dlt/pipelines.py), not null, as dlt declares it.
DLT_LOAD_ID = "_dlt_load_id"


def column_types(table: RawTable) -> list[tuple[str, str]]:
    """(column, SQL type) of the table as dlt lands it: the declared columns, then dlt's load id."""
    columns = []
    for field in arrow_schema(table):
        if field.type not in SQL_TYPES:
            raise ValueError(
                f"{table.vendor}.{table.name}.{field.name}: no SQL type for Arrow type {field.type}"
            )
        columns.append((field.name, SQL_TYPES[field.type] + ("" if field.nullable else " not null")))
    return [*columns, (DLT_LOAD_ID, "varchar not null")]


def create_table_sql(qualified_name: str, table: RawTable, quote=lambda name: f'"{name}"') -> str:
    columns = ",\n    ".join(f"{quote(name)} {sql_type}" for name, sql_type in column_types(table))
    return f"create table if not exists {qualified_name} (\n    {columns}\n)"


def create_missing_raw_tables(pipeline: Pipeline, tables: Sequence[RawTable]) -> list[str]:
    """Create, empty, every table of ``tables`` missing from the pipeline's dataset (and the dataset itself);
    return the names created. Call it with writers serialised (the warehouse pool), before dbt runs."""
    with pipeline.sql_client() as client:
        if not client.has_dataset():
            client.create_dataset()
        existing = {
            name
            for (name,) in client.execute_sql(
                "select table_name from information_schema.tables where table_schema = %s",
                client.dataset_name,
            )
        }
        created = []
        for table in tables:
            if table.name in existing:
                continue
            client.execute_sql(
                create_table_sql(
                    client.make_qualified_table_name(table.name), table, client.escape_column_name
                )
            )
            created.append(table.name)
    return created
