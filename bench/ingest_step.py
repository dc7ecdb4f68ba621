"""Child step: one day of one vendor's raw table through the project's own ingest path into DuckDB.

``python -m bench.ingest_step --day D --warehouse W --pipelines-dir P --vendor V --table T``. The simulator's address and key
come from the environment (as in production). The dlt pipeline runs its three phases one by one so the
parent can see where the time goes; the last stdout line is a JSON summary.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import duckdb  # noqa: E402

from bench.measure import emit  # noqa: E402
from dagster_project.defs.dlt.pipelines import vendor_pipeline  # noqa: E402
from ingestion.core.dlt_resources import append_into_empty_windows  # noqa: E402
from ingestion.vendors import VENDORS  # noqa: E402


def _peak_mb() -> int:
    """This process's peak RSS so far (MiB): read after each phase, it says which phase set the peak."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--day", type=date.fromisoformat, required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--pipelines-dir", required=True)
    p.add_argument("--vendor", required=True)
    p.add_argument("--table", required=True, help="the raw table (its dlt resource's name)")
    args = p.parse_args()
    vendor = next(v for v in VENDORS if v.name == args.vendor)
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    start = datetime(args.day.year, args.day.month, args.day.day, tzinfo=UTC)
    source = vendor.make_source(start, start + timedelta(days=1)).with_resources(args.table)
    # The production pipeline (destination settings included), pointed at this run's files.
    os.environ["AIECON_WAREHOUSE"] = args.warehouse
    os.environ["AIECON_DATA_DIR"] = args.pipelines_dir
    pipeline = vendor_pipeline(vendor.name)
    # The ingest runs in a Dagster run worker, which has loaded the code location (and with it pandas,
    # dlt's destination modules, ...) before the asset starts: so does this step, untimed. Without it,
    # first-use imports inside the run (pyarrow imports pandas on its first list conversion) cost about
    # 2 s of the timed window.
    import dagster_project.definitions  # noqa: F401

    phases: dict[str, object] = {}
    t0 = time.perf_counter()
    # As the ingest asset does: a day not loaded yet is appended, a loaded one replaced (timed: it is a
    # query on the warehouse).
    phases["appended"] = args.table in append_into_empty_windows(pipeline, source)
    pipeline.extract(source)
    phases["extract_s"] = time.perf_counter() - t0
    phases["peak_rss_mb_after_extract"] = _peak_mb()
    t1 = time.perf_counter()
    pipeline.normalize()
    phases["normalize_s"] = time.perf_counter() - t1
    phases["peak_rss_mb_after_normalize"] = _peak_mb()
    t2 = time.perf_counter()
    pipeline.load().raise_on_failed_jobs()
    phases["load_s"] = time.perf_counter() - t2
    total = time.perf_counter() - t0
    with duckdb.connect(args.warehouse, read_only=True) as con:
        (rows,) = con.execute(f"select count(*) from {vendor.dataset}.{args.table}").fetchone()
    emit({"rows": rows, "seconds": total, **phases})


if __name__ == "__main__":
    main()
