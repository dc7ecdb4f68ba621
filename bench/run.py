"""The benchmark: ``python -m bench.run`` (``make bench``), or ``--quick`` (``make bench-quick``).

Measures, in one run on this machine, with the sizes given by the arguments:

(a) ingest: a day of Revenium completions from the simulator through the project's ingest path into
    DuckDB, unthrottled and rate-limited (the vendor's 100 req/s bucket, 100-row pages), beside DuckDB's
    ``read_json`` over the same records (the ceiling) and the simulator's own page-serving rate;
(b) incremental cost: one partition's ``dbt build`` with a short and a long history;
(c) backfill: N days as one ``dbt build`` against N per-day builds;
(d) peak memory (RSS) of the ingest step and of the dbt build of the big day;
(e) BI latency of typical analyst queries on the long history;
(f) the partition as a user gets it: the Dagster job for one day of ``ingest_calls`` Revenium calls (every
    vendor's ingest, the gates, dbt, publish), each step timed with its peak memory; then, on the same
    day, each vendor's largest table ingested alone beside ``read_json`` over its rows (``vendor_tables``);
(g) the hourly refresh of an open day at 18:00: incremental against the day so far pulled whole.

Results go to a JSON file, with each target, the measured figure and pass/fail; a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import bi, history, report, serving, vendor_tables
from bench.dbt_steps import dbt_build
from bench.measure import REPO_ROOT, StepResult, python_step
from dagster_project.local_stack import simulator
from ingestion.revenium import VENDOR as REVENIUM
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from ingestion.vendors import VENDORS
from simulator.world import World

INGEST_DAY = date(2026, 3, 3)  # a Tuesday: a full weekday
HISTORY_START = date(2026, 1, 5)  # a Monday; the base day of the history
SEED = 42
UNTHROTTLED = {"REVENIUM_ANALYTICS_RPS": "0", "REVENIUM_PLATFORM_RPS": "0"}
BIG_DAY_DUCKDB_MEMORY_LIMIT = "1536MB"

FULL = {
    "ingest_calls": 1_000_000,
    "base_calls": 10_000,
    # a year of history, as the 365/7-day target asks, at 30k calls a day: its first build takes ~25 min here
    "history_calls": 30_000,
    "short_history": 7,
    "long_history": 365,
    "backfill_days": 30,
    "bi_repeats": 20,
    "ingest_repeats": 3,
    # the day whose 18:00 refresh is measured (calls over the whole day; 18:00 has seen about 3/4 of them)
    "refresh_calls": 200_000,
}
QUICK = {
    "ingest_calls": 20_000,
    "base_calls": 2_000,
    "history_calls": 4_000,
    "short_history": 2,
    "long_history": 6,
    "backfill_days": 2,
    "bi_repeats": 3,
    "ingest_repeats": 1,
    "refresh_calls": 4_000,
}


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (CI): about a minute")
    for name, default in FULL.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, help=f"default {default}")
    p.add_argument(
        "--ingest-results",
        type=Path,
        default=None,
        help="reuse the ingest section of an earlier run's (partial) results instead of measuring it again",
    )
    p.add_argument(
        "--warehouse-results",
        type=Path,
        default=None,
        help="reuse the dbt, backfill, memory and BI sections of an earlier run's results instead of "
        "measuring them again (measure the ingest section alone)",
    )
    p.add_argument("--out", type=Path, default=None, help="results file (default bench/results[-quick].json)")
    p.add_argument(
        "--work-dir", type=Path, default=None, help="scratch space (default $AIECON_DATA_DIR/bench)"
    )
    return p.parse_args()


def _sizes(args: argparse.Namespace) -> dict[str, int]:
    base = QUICK if args.quick else FULL
    return {k: getattr(args, k) if getattr(args, k) is not None else v for k, v in base.items()}


def _calls_per_day_for(target: int, day: date) -> int:
    """The world's ``calls_per_day`` whose expected count on ``day`` is ``target`` (weekday rhythm)."""
    probe = World(seed=SEED, calls_per_day=1_000_000)
    return round(target * 1_000_000 / probe.expected_calls(day))


def _warm(base_url: str) -> None:
    """Ask for one record, so that the day is generated before anything is timed."""
    import requests

    from ingestion.revenium.source import COMPLETIONS_PATH

    start = datetime(INGEST_DAY.year, INGEST_DAY.month, INGEST_DAY.day, tzinfo=UTC)
    params = {
        "teamId": os.environ["REVENIUM_TEAM_IDS"],
        "startDate": start.isoformat().replace("+00:00", "Z"),
        "endDate": (start + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
        "size": 1,
    }
    headers = {"x-api-key": os.environ["REVENIUM_API_KEY"]}
    requests.get(base_url + "/revenium" + COMPLETIONS_PATH, params=params, headers=headers, timeout=300)


def _ingest(work: Path, env: dict[str, str], name: str, fresh: bool = True) -> dict[str, Any]:
    """One ingest of the day through the project's path; into a new warehouse unless ``fresh`` is False
    (then the day, loaded before, is replaced)."""
    warehouse = work / f"ingest_{name}.duckdb"
    if fresh:
        warehouse.unlink(missing_ok=True)
        shutil.rmtree(work / f"pipelines_{name}", ignore_errors=True)
    step = python_step(
        "bench.ingest_step",
        "--day",
        INGEST_DAY.isoformat(),
        "--warehouse",
        str(warehouse),
        "--pipelines-dir",
        str(work / f"pipelines_{name}"),
        "--vendor",
        REVENIUM.name,
        "--table",
        REVENIUM_COMPLETIONS.name,
        env=env,
    )
    out = step.output
    return {
        "rows": out["rows"],
        "seconds": round(out["seconds"], 2),
        "records_per_s": round(out["rows"] / out["seconds"]),
        "load": "append (the day was not loaded yet)"
        if out["appended"]
        else "delete-insert (replaces the day)",
        "phases_s": {k: round(out[k], 2) for k in ("extract_s", "normalize_s", "load_s")},
        "peak_rss_mb": round(step.peak_rss_mb),
        "peak_rss_mb_after_extract": out["peak_rss_mb_after_extract"],
        "peak_rss_mb_after_normalize": out["peak_rss_mb_after_normalize"],
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time, with every run's rate beside it (the figures of a 2-core machine vary by
    about 10% run to run)."""
    median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {**median, "of_runs": len(runs), "runs_records_per_s": [r["records_per_s"] for r in runs]}


def measure_ingest(work: Path, sizes: dict[str, int]) -> dict[str, Any]:
    cpd = _calls_per_day_for(sizes["ingest_calls"], INGEST_DAY)
    result: dict[str, Any] = {"day": INGEST_DAY.isoformat(), "world_calls_per_day": cpd}
    repeats = sizes["ingest_repeats"]
    with simulator(seed=SEED, calls_per_day=cpd, extra_args=("--no-rate-limits",)) as url:
        _warm(url)
        print("ingest: simulator page serving (first read renders the records) ...", flush=True)
        result["simulator_first_read"] = serving.serve_pages(INGEST_DAY, work / "pages.jsonl")
        print("ingest: simulator page serving (records rendered) ...", flush=True)
        result["simulator_serving"] = serving.serve_pages(INGEST_DAY, work / "pages.jsonl")
        print(f"ingest: unthrottled, {repeats} first load(s) of the day ...", flush=True)
        result["unthrottled"] = _median_run(
            [_ingest(work, UNTHROTTLED, "unthrottled") for _ in range(repeats)]
        )
        print("ingest: unthrottled, the day loaded again (replaced) ...", flush=True)
        result["unthrottled_reload"] = _ingest(work, UNTHROTTLED, "unthrottled", fresh=False)
    print("ingest: client-side costs without HTTP ...", flush=True)
    result["client_costs"] = serving.client_costs(work / "pages.jsonl")
    print(f"ingest: read_json ceiling, {repeats} run(s) ...", flush=True)
    n = serving.pages_to_ndjson(work / "pages.jsonl", work / "ndjson")
    ceilings = [serving.read_json_ceiling(work / "ndjson", work / "ceiling.duckdb") for _ in range(repeats)]
    if any(c["rows"] != n for c in ceilings):
        raise RuntimeError(f"read_json read {[c['rows'] for c in ceilings]} records of {n}")
    ceiling = sorted(ceilings, key=lambda c: c["seconds"])[len(ceilings) // 2]
    result["read_json_ceiling"] = {
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in ceiling.items()},
        "of_runs": len(ceilings),
        "runs_records_per_s": [round(c["records_per_s"]) for c in ceilings],
    }
    (work / "pages.jsonl").unlink()
    shutil.rmtree(work / "ndjson")
    with simulator(seed=SEED, calls_per_day=cpd) as url:
        _warm(url)
        print("ingest: rate-limited (faithful) ...", flush=True)
        result["rate_limited"] = _ingest(work, {}, "rate_limited")
    for name in ("unthrottled", "unthrottled_reload", "rate_limited"):
        result[name]["ratio_to_ceiling"] = round(result[name]["records_per_s"] / ceiling["records_per_s"], 4)
    return result


def measure_partition(work: Path, sizes: dict[str, int]) -> dict[str, Any]:
    """(f): the job ``ai_economics_daily`` for yesterday (UTC) into a new warehouse, simulator rate limits off.

    Yesterday, as the daily schedule runs it: what a source asks depends on how far back the day is (squads
    take only a period reaching back from now, so an older day costs the vendor a longer listing). The
    simulator is warmed by one untimed pass of every source over the day first, so that the job is timed
    against a vendor whose servers have the day ready, as the ingest figures are."""
    day = datetime.now(UTC).date() - timedelta(days=1)
    cpd = _calls_per_day_for(sizes["ingest_calls"], day)
    with simulator(seed=SEED, calls_per_day=cpd, extra_args=("--no-rate-limits",)):
        print(f"partition: warming the simulator for {day} (every source once, untimed) ...", flush=True)
        python_step(
            "bench.base_day_step",
            "--day",
            day.isoformat(),
            "--warehouse",
            str(work / "partition_warm.duckdb"),
            "--pipelines-dir",
            str(work / "partition_warm_pipelines"),
            env=UNTHROTTLED,
        )
        largest = vendor_tables.largest_tables(work / "partition_warm.duckdb")
        (work / "partition_warm.duckdb").unlink()
        shutil.rmtree(work / "partition_warm_pipelines")
        print(f"partition: the Dagster job for {day} ...", flush=True)
        step = python_step(
            "bench.partition_step",
            "--day",
            day.isoformat(),
            "--data-dir",
            str(work / "partition"),
            # DuckDB capped as for the big day's dbt build (its default, 80% of RAM, took 6.4 GB in dbt here)
            env={**UNTHROTTLED, "AIECON_DUCKDB_MEMORY_LIMIT": BIG_DAY_DUCKDB_MEMORY_LIMIT},
        )
        largest_measured = vendor_tables.measure(work, day, largest, UNTHROTTLED)
    steps = step.output["steps"]
    # a gate step evaluates checks and materializes nothing (the blocking checks run as their own steps)
    gates = [s for s in steps.values() if s["check_evaluations"] and not s["materializations"]]
    gates_s = sum(s["seconds"] for s in gates)
    warehouse = work / "partition" / "warehouse.duckdb"
    result = {
        "day": day.isoformat(),
        "world_calls_per_day": cpd,
        "revenium_completions": report.count(warehouse, "raw_revenium.completions"),
        "fct_ai_calls_rows": report.count(warehouse, "marts.fct_ai_calls"),
        "job_s": round(step.output["seconds"], 1),
        "gates_s": round(gates_s, 1),
        "gate_steps": len(gates),
        "gates_share": round(gates_s / step.output["seconds"], 3),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in steps.values()),
        "steps": steps,
        # each vendor's largest table of the same day alone, against read_json (``bench.vendor_tables``)
        "largest_tables": largest_measured,
    }
    shutil.rmtree(work / "partition", ignore_errors=True)
    return result


REFRESH_HOUR, PREVIOUS_REFRESH_HOUR = 18, 17  # the hourly refresh measured (UTC), and the one before it


def _refresh(work: Path, name: str, mode: str, now: datetime, warehouse: Path) -> StepResult:
    return python_step(
        "bench.refresh_step",
        "--day",
        INGEST_DAY.isoformat(),
        "--now",
        now.isoformat(),
        "--mode",
        mode,
        "--warehouse",
        str(warehouse),
        "--pipelines-dir",
        str(work / f"refresh_pipelines_{name}"),
        env=UNTHROTTLED,
    )


def measure_refresh(work: Path, sizes: dict[str, int]) -> dict[str, Any]:
    """The hourly refresh of an open day at 18:00, the previous one at 17:00: every vendor's sources pull
    incrementally (``ingestion.core.increments``) against the same refresh pulling the day so far whole,
    each into a copy of the warehouse as the 17:00 refresh left it. The simulator serves the day as of the
    refresh's time (``--clock``); a whole refresh at 18:00 runs once untimed first, so that both timed runs
    find the vendor's day rendered."""
    cpd = _calls_per_day_for(sizes["refresh_calls"], INGEST_DAY)
    at, previous = (
        datetime(INGEST_DAY.year, INGEST_DAY.month, INGEST_DAY.day, hour, tzinfo=UTC)
        for hour in (REFRESH_HOUR, PREVIOUS_REFRESH_HOUR)
    )
    base = work / "refresh_base.duckdb"
    base.unlink(missing_ok=True)
    print(f"refresh: the day as of {previous:%H:%M} (untimed) ...", flush=True)
    with simulator(
        seed=SEED, calls_per_day=cpd, extra_args=("--no-rate-limits", "--clock", previous.isoformat())
    ):
        _refresh(work, "base", "whole", previous, base)
    copies = {
        name: history.copy_warehouse(base, work / f"refresh_{name}.duckdb")
        for name in ("warm", "whole", "inc")
    }
    with simulator(seed=SEED, calls_per_day=cpd, extra_args=("--no-rate-limits", "--clock", at.isoformat())):
        print(f"refresh: at {at:%H:%M}, warming (untimed), whole, incremental ...", flush=True)
        _refresh(work, "warm", "whole", at, copies["warm"])
        whole = _refresh(work, "whole", "whole", at, copies["whole"])
        incremental = _refresh(work, "inc", "incremental", at, copies["inc"])
    tables = [f"{v.dataset}.{t.name}" for v in VENDORS for t in v.raw_tables]
    same = {t: report.count(copies["whole"], t) == report.count(copies["inc"], t) for t in tables}

    def summary(step: StepResult) -> dict[str, Any]:
        out = step.output
        return {
            "seconds": round(sum(out["seconds_by_vendor"].values()), 2),
            "seconds_by_vendor": {k: round(v, 2) for k, v in out["seconds_by_vendor"].items()},
            "rows_written": sum(n for by_table in out["rows_written"].values() for n in by_table.values()),
            "rows_written_by_table": out["rows_written"],
            "peak_rss_mb": round(step.peak_rss_mb),
        }

    result = {
        "day": INGEST_DAY.isoformat(),
        "world_calls_per_day": cpd,
        "refresh_at": at.isoformat(),
        "previous_refresh_at": previous.isoformat(),
        "revenium_completions_so_far": report.count(copies["whole"], "raw_revenium.completions"),
        "whole": summary(whole),
        "incremental": {**summary(incremental), "increments": incremental.output["increments"]},
        "same_row_counts": all(same.values()),
        "row_counts_differ": sorted(t for t, ok in same.items() if not ok),
    }
    result["ratio"] = round(result["incremental"]["seconds"] / result["whole"]["seconds"], 3)
    for path in (base, *copies.values()):
        path.unlink()
    return result


def _node_seconds(target: Path) -> dict[str, float]:
    """Each dbt node's execution time in the last build (dbt's run_results.json), by node name."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["execution_time"] for r in results}


def _node_growth(short: dict[str, float], long: dict[str, float], top: int = 12) -> list[dict[str, Any]]:
    """The ``top`` nodes whose time grew most from the short history's partition build to the long one's."""
    rows = [
        {"node": node, "short_s": round(short.get(node, 0.0), 2), "long_s": round(seconds, 2)}
        for node, seconds in long.items()
    ]
    rows.sort(key=lambda r: r["long_s"] - r["short_s"], reverse=True)
    return rows[:top]


def _build_history(work: Path, base: Path, name: str, days: int, copies: int) -> Path:
    """A copy of the base warehouse with raw rows for ``days`` days from HISTORY_START, ``copies`` copies
    of the base day's events on each."""
    path = history.copy_warehouse(base, work / f"{name}.duckdb")
    history.replicate(path, HISTORY_START, [HISTORY_START + timedelta(days=k) for k in range(days)], copies)
    return path


def measure_warehouse(work: Path, sizes: dict[str, int], partial: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}

    def keep() -> None:
        saved = json.loads(partial.read_text())
        partial.write_text(json.dumps({**saved, **result}, indent=2) + "\n")

    target = work / "dbt_target"
    base = work / "base.duckdb"
    base.unlink(missing_ok=True)
    cpd = _calls_per_day_for(sizes["base_calls"], HISTORY_START)
    print("history: base day through the real sources ...", flush=True)
    with simulator(seed=SEED, calls_per_day=cpd, extra_args=("--no-rate-limits",)):
        step = python_step(
            "bench.base_day_step",
            "--day",
            HISTORY_START.isoformat(),
            "--warehouse",
            str(base),
            "--pipelines-dir",
            str(work / "pipelines_base"),
            env=UNTHROTTLED,
        )
    result["base_day"] = {
        "day": HISTORY_START.isoformat(),
        "revenium_completions": report.count(base, "raw_revenium.completions"),
        "seconds_by_vendor": {k: round(v, 2) for k, v in step.output["seconds_by_vendor"].items()},
    }

    copies = max(1, round(sizes["history_calls"] / max(result["base_day"]["revenium_completions"], 1)))
    result["base_day"]["copies_per_history_day"] = copies

    # (b) incremental cost: marts of N days built, then the next partition alone.
    incremental: dict[str, Any] = {}
    node_seconds: dict[str, dict[str, float]] = {}
    for label, days in (("short", sizes["short_history"]), ("long", sizes["long_history"])):
        print(f"history: {days} days ...", flush=True)
        t0 = time.perf_counter()
        path = _build_history(work, base, f"history_{label}", days + 1, copies)
        replicate_s = time.perf_counter() - t0
        initial = dbt_build(path, HISTORY_START, days, target)
        partition = dbt_build(path, HISTORY_START + timedelta(days=days), 1, target)
        nodes_s = _node_seconds(target)
        incremental[label] = {
            "history_days": days,
            "replicate_s": round(replicate_s, 1),
            "initial_build_s": round(initial.seconds, 1),
            "partition_build_s": round(partition.seconds, 2),
            "partition_peak_rss_mb": round(partition.peak_rss_mb),
            "partition_nodes_s": round(sum(nodes_s.values()), 2),
            "fct_ai_calls_rows": report.count(path, "marts.fct_ai_calls"),
        }
        node_seconds[label] = nodes_s
        if label == "long":
            print("bi: queries ...", flush=True)
            result["bi"] = bi.measure(
                path, HISTORY_START + timedelta(days=days), sizes["bi_repeats"], report.BI_P95_TARGET_MS
            )
            result["bi_warehouse"] = {
                "days": days + 1,
                "fct_ai_calls_rows": incremental[label]["fct_ai_calls_rows"],
            }
        path.unlink()
        result["incremental"] = incremental
        if len(node_seconds) == 2:
            # where the long history's extra time goes: the nodes that grew most
            result["incremental"]["node_growth_s"] = _node_growth(node_seconds["short"], node_seconds["long"])
        keep()

    # (c) backfill: N days as one dbt run against N per-day runs, on two copies of the same raw data.
    n = sizes["backfill_days"]
    print(f"backfill: {n} days, one run and per day ...", flush=True)
    one = _build_history(work, base, "backfill_one", n, copies)
    per_day = history.copy_warehouse(one, work / "backfill_per_day.duckdb")
    one_run = dbt_build(one, HISTORY_START, n, target)
    t0 = time.perf_counter()
    for k in range(n):
        dbt_build(per_day, HISTORY_START + timedelta(days=k), 1, target)
    per_day_s = time.perf_counter() - t0
    same = report.count(one, "marts.fct_ai_calls") == report.count(per_day, "marts.fct_ai_calls")
    result["backfill"] = {
        "days": n,
        "one_run_s": round(one_run.seconds, 1),
        "per_day_runs_s": round(per_day_s, 1),
        "speedup": round(per_day_s / one_run.seconds, 2),
        "same_fct_ai_calls_rows": same,
    }
    one.unlink()
    per_day.unlink()
    keep()

    # (d) dbt on the big day: the base day copied until it holds about ingest_calls Revenium calls.
    big_copies = max(1, round(sizes["ingest_calls"] / max(result["base_day"]["revenium_completions"], 1)))
    print(f"memory: dbt on a day of {big_copies} x the base day ...", flush=True)
    big = history.copy_warehouse(base, work / "big_day.duckdb")
    history.replicate(big, HISTORY_START, [HISTORY_START], copies_per_day=big_copies)
    # DuckDB capped for the 2 GB memory target (dbt's default is DuckDB's own 80% of RAM); at 1GB
    # focus_ai_costs runs out of memory on this day
    build = dbt_build(big, HISTORY_START, 1, target, memory_limit=BIG_DAY_DUCKDB_MEMORY_LIMIT)
    result["big_day_dbt"] = {
        "copies_of_base_day": big_copies,
        "revenium_completions": report.count(big, "raw_revenium.completions"),
        "fct_ai_calls_rows": report.count(big, "marts.fct_ai_calls"),
        "seconds": round(build.seconds, 1),
        "peak_rss_mb": round(build.peak_rss_mb),
        "duckdb_memory_limit": BIG_DAY_DUCKDB_MEMORY_LIMIT,
    }
    big.unlink()
    return result


def main() -> None:
    args = _args()
    sizes = _sizes(args)
    out = args.out or REPO_ROOT / "bench" / ("results-quick.json" if args.quick else "results.json")
    data_dir = Path(os.environ.get("AIECON_DATA_DIR", REPO_ROOT / "data"))
    work = (args.work_dir or data_dir / ("bench-quick" if args.quick else "bench")).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    if args.ingest_results:  # figures of an earlier run's ingest section (see --ingest-results)
        measured: dict[str, Any] = {"ingest": json.loads(args.ingest_results.read_text())["ingest"]}
    else:
        measured = {"ingest": measure_ingest(work, sizes)}
    # Keep what is measured so far: a later failure must not lose a 20-minute run's figures.
    out.with_suffix(".partial.json").write_text(json.dumps(measured, indent=2) + "\n")
    measured["partition"] = measure_partition(work, sizes)
    out.with_suffix(".partial.json").write_text(json.dumps(measured, indent=2) + "\n")
    measured["refresh"] = measure_refresh(work, sizes)
    out.with_suffix(".partial.json").write_text(json.dumps(measured, indent=2) + "\n")
    warehouse_from = "this run"
    if args.warehouse_results:  # figures of an earlier run's warehouse sections (see --warehouse-results)
        earlier = json.loads(args.warehouse_results.read_text())
        measured.update({k: v for k, v in earlier["measured"].items() if k != "ingest"})
        warehouse_from = f"the run at {earlier['run']['at']} ({args.warehouse_results})"
    else:
        measured.update(measure_warehouse(work, sizes, out.with_suffix(".partial.json")))
    results = {
        "run": {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "sizes": sizes,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "system": platform.platform(),
            },
            "wall_s": round(time.perf_counter() - started, 1),
            "history_note": history.NOTE,
            "ingest_section_from": str(args.ingest_results) if args.ingest_results else "this run",
            "warehouse_sections_from": warehouse_from,
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "measured": measured,
        "targets": report.targets(measured),
    }
    out.write_text(json.dumps(results, indent=2) + "\n")
    out.with_suffix(".partial.json").unlink(missing_ok=True)
    print(report.table(results))
    print(f"\nwritten: {out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
