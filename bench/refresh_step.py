"""Child step: a refresh of an open day by every vendor source, into an existing DuckDB warehouse.

``--mode whole`` pulls the day so far whole (what every hourly refresh did before increments);
``--mode incremental`` pulls each incremental table from its high-water mark (``ingestion.core.increments``,
as the ingest asset does, with ``--now`` as the moment of the run). Both replace what they pull, as the asset
does (a window holding no rows yet is appended). Last stdout line: JSON summary.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, datetime, timedelta

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")

from bench.base_day_step import bench_pipeline  # noqa: E402
from bench.measure import emit  # noqa: E402
from ingestion.core.arrow_pages import utc_day_start  # noqa: E402
from ingestion.core.dlt_resources import append_into_empty_windows  # noqa: E402
from ingestion.core.increments import open_day_increments  # noqa: E402
from ingestion.core.windows import Window  # noqa: E402
from ingestion.revenium import source as revenium_source  # noqa: E402
from ingestion.vendors import VENDORS  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--day", type=date.fromisoformat, required=True)
    p.add_argument("--now", type=datetime.fromisoformat, required=True)
    p.add_argument("--mode", choices=("whole", "incremental"), required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--pipelines-dir", required=True)
    args = p.parse_args()
    # the refresh replayed at --now: the squad listings count their period back from the vendor's clock, which
    # the simulator (--clock) sets to that moment
    revenium_source.clock = lambda: args.now
    start = utc_day_start(args.day)
    window = Window(start, start + timedelta(days=1))
    seconds, rows, increments = {}, {}, {}
    for vendor in VENDORS:
        t0 = time.perf_counter()
        pipeline = bench_pipeline(vendor, "bench_refresh", args.pipelines_dir, args.warehouse)
        since = {}
        if args.mode == "incremental":
            since = open_day_increments(pipeline, vendor.raw_tables, window, now=args.now)
        source = vendor.make_source(window.start, window.end, increments=since)
        append_into_empty_windows(pipeline, source)
        info = pipeline.run(source)
        info.raise_on_failed_jobs()
        seconds[vendor.name] = time.perf_counter() - t0
        # rows written by the refresh, by raw table (what it pulled and replaced)
        counts = pipeline.last_trace.last_normalize_info.row_counts
        rows[vendor.name] = {t.name: counts.get(t.name, 0) for t in vendor.raw_tables}
        increments[vendor.name] = {name: moment.isoformat() for name, moment in since.items()}
    emit({"seconds_by_vendor": seconds, "rows_written": rows, "increments": increments})


if __name__ == "__main__":
    main()
