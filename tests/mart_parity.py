"""Reading every mart of a build as comparable rows, from DuckDB, PostgreSQL or Spark (the parity tests).

The marts are enumerated from the dbt manifest (every model under models/marts built in schema marts: the
building blocks under models/marts/<area>/building_blocks live in schema intermediate, not served), so a mart
added later is compared without touching the test. Values are normalised only where the two drivers differ in form, not in
meaning: timestamps with a zone become UTC, DECIMALs stay exact ``Decimal`` (money must agree to the last
digit), floats are compared to 1e-9 relative (an aggregate may add in a different order).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from dagster_project.destination import PostgresSettings
from dagster_project.local_postgres import connect

MartReader = Callable[[str, str], tuple[list[str], list[tuple]]]


def mart_relations(manifest: Path) -> dict[str, tuple[str, str]]:
    """{model name: (schema, table)} of every model under models/marts in schema marts (the served marts: not the
    building blocks, schema intermediate; ephemeral ones have no table)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        n["name"]: (n["schema"], n.get("alias") or n["name"])
        for n in nodes
        if n["resource_type"] == "model"
        and n["fqn"][1:2] == ["marts"]
        and n["schema"] == "marts"  # models/marts/<area>/building_blocks: schema intermediate, not a mart
        and n["config"].get("materialized") != "ephemeral"  # no relation to read
    }


def _normalise(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _sort_key(row: tuple) -> tuple:
    # None first; floats rounded only for ordering (equality is checked with a tolerance afterwards).
    return tuple((v is not None, _key_text(v)) for v in row)


def _key_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6e}"
    if isinstance(value, Decimal):
        return repr(value.normalize())  # 1.50 and 1.5 sort alike
    return repr(value)


def sorted_rows(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(_normalise(v) for v in row) for row in rows), key=_sort_key)


def duckdb_mart(path: Path, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(f'select * from "{schema}"."{table}"')
        columns = [d[0] for d in cursor.description]
        return columns, sorted_rows(cursor.fetchall())


def duckdb_reader(path: Path, value: Callable[[object], object] | None = None) -> MartReader:
    """The marts of a DuckDB file; ``value`` maps every value first (a form another engine cannot express)."""

    def read(schema: str, table: str) -> tuple[list[str], list[tuple]]:
        columns, rows = duckdb_mart(path, schema, table)
        return columns, rows if value is None else sorted_rows([tuple(map(value, row)) for row in rows])

    return read


def postgres_mart(settings: PostgresSettings, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    with connect(settings) as con, con.cursor() as cur:
        cur.execute(f'select * from "{schema}"."{table}"')
        columns = [d[0] for d in cur.description]
        return columns, sorted_rows(cur.fetchall())


def same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal) and a == b
    return a == b and type(a) is type(b)


def first_difference(left: list[tuple], right: list[tuple], columns: list[str]) -> str | None:
    """A readable description of the first row that differs, or None when the sorted rows agree."""
    if len(left) != len(right):
        return f"{len(left)} rows vs {len(right)} rows"
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        for column, x, y in zip(columns, a, b, strict=True):
            if not same_value(x, y):
                return f"row {i}, column {column}: {x!r} vs {y!r}"
    return None


def postgres_reader(settings: PostgresSettings) -> MartReader:
    return lambda schema, table: postgres_mart(settings, schema, table)


def compare_marts(
    duck: MartReader, other: MartReader, marts: dict[str, tuple[str, str]], engine: str = "PostgreSQL"
) -> tuple[dict[str, int], list[str]]:
    """Every mart of the DuckDB build against the same mart read by ``other`` (another engine's build): {mart:
    rows} and one line per mart that differs (columns, row count or the first differing value). Every mart is
    compared before returning, so one run names every difference."""
    counts, differences = {}, []
    for name, (schema, table) in sorted(marts.items()):
        duck_columns, duck_rows = duck(schema, table)
        other_columns, other_rows = other(schema, table)
        if other_columns != duck_columns:
            differences.append(f"{name}: columns {duck_columns} vs {other_columns}")
            continue
        difference = first_difference(duck_rows, other_rows, duck_columns)
        if difference is not None:
            differences.append(f"{name}: DuckDB vs {engine} differ at {difference}")
        counts[name] = len(duck_rows)
    return counts, differences
