"""Child step: one day of every vendor source (all resources) through dlt into a DuckDB warehouse.

This is the base day the history is made of (``bench/history.py``). Last stdout line: JSON summary.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")

import dlt  # noqa: E402

from bench.measure import emit  # noqa: E402
from ingestion.core.arrow_pages import utc_day_start  # noqa: E402
from ingestion.core.vendor import Vendor  # noqa: E402
from ingestion.vendors import VENDORS  # noqa: E402


def bench_pipeline(vendor: Vendor, prefix: str, pipelines_dir: str, warehouse: str) -> dlt.Pipeline:
    """A dlt pipeline of ``vendor`` into the DuckDB file ``warehouse`` (its raw dataset), state in ``pipelines_dir``."""
    return dlt.pipeline(
        pipeline_name=f"{prefix}_{vendor.name}",
        pipelines_dir=pipelines_dir,
        destination=dlt.destinations.duckdb(credentials=warehouse),
        dataset_name=vendor.dataset,
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--day", type=date.fromisoformat, required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--pipelines-dir", required=True)
    args = p.parse_args()
    start = utc_day_start(args.day)
    seconds = {}
    for vendor in VENDORS:
        t0 = time.perf_counter()
        pipeline = bench_pipeline(vendor, "bench_base", args.pipelines_dir, args.warehouse)
        pipeline.run(vendor.make_source(start, start + timedelta(days=1))).raise_on_failed_jobs()
        seconds[vendor.name] = time.perf_counter() - t0
    emit({"seconds_by_vendor": seconds})


if __name__ == "__main__":
    main()
