"""Every vendor's largest table: our ingest of it beside DuckDB's ``read_json`` over the same rows.

The largest table of each vendor is found from the data (the most rows on the day in a warehouse that
holds every source's day). Its ingest is the project's path for that table alone (``bench.ingest_step``:
the vendor's source with only that resource, through the production pipeline, into a new warehouse). The
ceiling is ``read_json`` over the rows that ingest landed, written out as newline-delimited JSON: the same
records and fields (undeclared fields as the one ``_extra_fields`` text we keep), not the bytes the vendor
served, so that one method serves every vendor's API shape (Revenium's completions are also measured
against the served bytes, ``serving``).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from bench import serving
from bench.measure import python_step
from ingestion.vendors import VENDORS, raw_tables

DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")


def largest_tables(warehouse: Path) -> dict[str, str]:
    """Each vendor's raw table with the most rows in ``warehouse`` (vendor name -> table name)."""
    largest: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for vendor, table in raw_tables():
            (rows,) = con.execute(f"select count(*) from {vendor.dataset}.{table.name}").fetchone()
            if rows > largest.get(vendor.name, (-1, ""))[0]:
                largest[vendor.name] = (rows, table.name)
    return {name: table for name, (_, table) in largest.items()}


def measure(work: Path, day: date, tables: dict[str, str], env: dict[str, str]) -> dict[str, Any]:
    """For each vendor's table: the ingest (records/s, peak RSS), the read_json ceiling, and their ratio."""
    out: dict[str, Any] = {}
    for vendor in VENDORS:
        table = tables.get(vendor.name)
        if table is None:
            continue
        qualified = f"{vendor.dataset}.{table}"
        print(f"vendor tables: ingest of {qualified} ...", flush=True)
        warehouse = work / f"table_{vendor.name}.duckdb"
        pipelines = work / f"table_{vendor.name}_pipelines"
        warehouse.unlink(missing_ok=True)
        shutil.rmtree(pipelines, ignore_errors=True)
        step = python_step(
            "bench.ingest_step",
            "--day",
            day.isoformat(),
            "--warehouse",
            str(warehouse),
            "--pipelines-dir",
            str(pipelines),
            "--vendor",
            vendor.name,
            "--table",
            table,
            env=env,
        )
        ingest = step.output
        ndjson = work / f"table_{vendor.name}_ndjson"
        written = to_ndjson(warehouse, qualified, ndjson)
        ceiling = serving.read_json_ceiling(ndjson, work / "table_ceiling.duckdb")
        if ceiling["rows"] != written or written != ingest["rows"]:
            raise RuntimeError(
                f"{qualified}: {ingest['rows']} landed, {written} written, {ceiling['rows']} read"
            )
        rate = ingest["rows"] / ingest["seconds"]
        out[qualified] = {
            "rows": ingest["rows"],
            "seconds": round(ingest["seconds"], 2),
            "records_per_s": round(rate),
            "peak_rss_mb": round(step.peak_rss_mb),
            "read_json_seconds": round(ceiling["seconds"], 2),
            "read_json_records_per_s": round(ceiling["records_per_s"]),
            "ratio_to_ceiling": round(rate / ceiling["records_per_s"], 4),
        }
        for path in (warehouse, work / "table_ceiling.duckdb"):
            path.unlink(missing_ok=True)
        for directory in (pipelines, ndjson):
            shutil.rmtree(directory, ignore_errors=True)
    return out


def to_ndjson(warehouse: Path, qualified: str, out_dir: Path) -> int:
    """The table's rows (without dlt's own columns) as newline-delimited JSON files in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            name for (name,) in con.execute(f"select column_name from (describe {qualified})").fetchall()
        ]
        listed = ", ".join(f'"{c}"' for c in columns if c not in DLT_COLUMNS)
        con.execute(f"copy (select {listed} from {qualified}) to '{out_dir}/part.ndjson' (format json)")
        (rows,) = con.execute(f"select count(*) from {qualified}").fetchone()
    return int(rows)
