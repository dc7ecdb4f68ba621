"""Spark local against DuckDB, the same partition: ``make bench-spark`` (runs in .venvs/spark).

One base day goes through the real sources into a DuckDB landing file (``bench.base_day_step``); its raw rows are
copied onto two days at each size (``bench/history.py``). For each size, both engines build the first day (the
tables are created) and then the second day alone, which is timed: the daily partition a schedule runs. On
Spark the second day's time includes writing its raw days to the lake (``dagster_project/spark_lake.py``).
Figures go to ``bench/results-spark.json`` and a table is printed; docs/scale-out.md and README's "Scale out"
quote them. Peak memory is not compared: Spark's is its JVM's heap (``AIECON_SPARK_DRIVER_MEMORY``), a child
of dbt the step's RSS does not include.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import history, report
from bench.dbt_steps import dbt_build
from bench.measure import REPO_ROOT, python_step
from dagster_project.local_stack import simulator

BASE_DAY = date(2026, 3, 2)  # a Monday
SEED = 42
BASE_CALLS = 10_000
SIZES = (10_000, 50_000)  # Revenium completions per day
QUICK_SIZES = (2_000,)
RESULTS = REPO_ROOT / "bench" / "results-spark.json"


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, default=REPO_ROOT / "data" / "bench-spark")
    p.add_argument("--quick", action="store_true", help="one small size (a smoke run)")
    return p.parse_args()


def _base_day(work: Path, calls: int) -> Path:
    base = work / "base.duckdb"
    base.unlink(missing_ok=True)
    with simulator(seed=SEED, calls_per_day=calls, extra_args=("--no-rate-limits",)):
        python_step(
            "bench.base_day_step",
            "--day",
            BASE_DAY.isoformat(),
            "--warehouse",
            str(base),
            "--pipelines-dir",
            str(work / "pipelines_base"),
            env={"REVENIUM_ANALYTICS_RPS": "0", "REVENIUM_PLATFORM_RPS": "0"},
        )
    return base


def _timed_build(landing: Path, work: Path, engine: str) -> dict[str, Any]:
    """Day 1 then day 2 of ``landing`` on ``engine``; day 2 timed (seconds, and dbt's own RSS on DuckDB)."""
    target = work / f"target_{engine}"
    env = {"AIECON_DESTINATION": engine, "AIECON_WAREHOUSE": str(landing)}
    if engine == "spark":
        env["AIECON_SPARK_DIR"] = str(work / "spark")
    days = [BASE_DAY + timedelta(days=1), BASE_DAY + timedelta(days=2)]
    seconds = []
    for timed, day in enumerate(days):
        t0 = time.perf_counter()
        if engine == "spark":
            _export(env, day)
        step = dbt_build(landing, day, 1, target, env=env, tests=bool(timed))  # the tables' creation untested
        seconds.append(time.perf_counter() - t0)
    return {
        "first_day_s": round(seconds[0], 1),
        "partition_s": round(seconds[1], 1),
        "dbt_rss_mb": round(step.peak_rss_mb),
    }


def _export(env: dict[str, str], day: date) -> None:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from dagster_project.spark_lake import export_raw_days

        export_raw_days(day, day + timedelta(days=1))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    args = _args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    sizes = QUICK_SIZES if args.quick else SIZES
    base_calls = min(BASE_CALLS, sizes[0])
    print(f"base day: {base_calls} calls through the real sources ...", flush=True)
    base = _base_day(work, base_calls)
    base_completions = report.count(base, "raw_revenium.completions")
    rows = []
    for size in sizes:
        copies = max(1, round(size / base_completions))
        landing = history.copy_warehouse(base, work / f"landing_{size}.duckdb")
        days = [BASE_DAY + timedelta(days=k) for k in (1, 2)]
        history.replicate(landing, BASE_DAY, days, copies)
        calls = report.count(landing, "raw_revenium.completions") - base_completions
        row: dict[str, Any] = {"revenium_completions_per_day": calls // 2}
        for engine in ("duckdb", "spark"):
            print(f"{calls // 2} calls/day on {engine} ...", flush=True)
            engine_work = work / f"{engine}_{size}"
            engine_work.mkdir(parents=True, exist_ok=True)
            row[engine] = _timed_build(landing, engine_work, engine)
        row["spark_over_duckdb"] = round(row["spark"]["partition_s"] / row["duckdb"]["partition_s"], 1)
        rows.append(row)
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "spark": {
            "master": os.environ.get("AIECON_SPARK_MASTER", "local[*]"),
            "driver_memory": os.environ.get("AIECON_SPARK_DRIVER_MEMORY", "4g"),
        },
        "note": (
            "One partition's dbt build with its tests (the second of two days; the first, without tests, "
            "created the tables) on the same raw rows, DuckDB and Spark local on this machine. Spark's time includes writing the day's raw rows to "
            "the lake. Raw rows: one base day through the real sources, copied (bench/history.py)."
        ),
        "sizes": rows,
    }
    out = RESULTS.with_name("results-spark-quick.json") if args.quick else RESULTS
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'calls/day':>10} {'DuckDB s':>9} {'Spark s':>8} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['revenium_completions_per_day']:>10} {row['duckdb']['partition_s']:>9} "
            f"{row['spark']['partition_s']:>8} {row['spark_over_duckdb']:>6}"
        )
    print(f"written: {out}")


if __name__ == "__main__":
    main()
