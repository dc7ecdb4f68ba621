"""Child step: one day as a user gets it, through the Dagster job ``ai_economics_daily``.

``python -m bench.partition_step --day D --data-dir X``: every enabled vendor's ingest, the gates, the dbt build
and the publish, in-process (steps one after another, as the warehouse pool runs its writers), against the
simulator the environment points at, into a new warehouse under ``X``. Each step's wall time comes from the
run's event log (its start and end events); its peak memory is the highest resident set of this process and its
children (dbt runs as one) sampled while the step ran. The last stdout line is a JSON summary.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

from bench.measure import emit  # noqa: E402

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


class TreeRss:
    """Samples the resident set of a process and all its descendants (a dbt child included) until stopped."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.pid, self.interval_s = pid, interval_s
        self.samples: list[tuple[float, int]] = []  # (epoch seconds, KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _tree_kb(self) -> int:
        children: dict[int, list[int]] = defaultdict(list)
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                # /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its ')'
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                statm = (entry / "statm").read_text().split()
            except OSError:  # the process ended between listing and reading
                continue
            pid = int(entry.name)
            children[int(fields[1])].append(pid)
            rss[pid] = int(statm[1]) * PAGE_KB
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, ()))
        return total

    def _poll(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.samples.append((time.time(), self._tree_kb()))

    def peak_mb(self, start: float, end: float) -> int:
        """The highest sample from one interval before ``start`` to one after ``end`` (a step shorter than the
        interval still gets the samples around it)."""
        inside = [kb for at, kb in self.samples if start - self.interval_s <= at <= end + self.interval_s]
        return round(max(inside, default=0) / 1024)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--day", type=date.fromisoformat, required=True)
    p.add_argument("--data-dir", type=Path, required=True)
    args = p.parse_args()
    for name in ("AIECON_WAREHOUSE", "AIECON_SERVING_WAREHOUSE", "AIECON_PARQUET_DIR"):
        os.environ.pop(name, None)  # every file under the data dir, as on a fresh install
    os.environ.update(AIECON_DESTINATION="duckdb", AIECON_DATA_DIR=str(args.data_dir))

    import dagster as dg

    # The code location is loaded before a run starts (a run worker imports it): untimed, as in production.
    from dagster_project.definitions import defs
    from dagster_project.defs.schedules import MAIN_JOB_NAME

    job = defs.resolve_job_def(MAIN_JOB_NAME)
    instance = dg.DagsterInstance.ephemeral()
    sampler = TreeRss(os.getpid())
    started = time.perf_counter()
    result = job.execute_in_process(
        partition_key=args.day.isoformat(), instance=instance, raise_on_error=False
    )
    seconds = time.perf_counter() - started
    sampler.stop()
    if not result.success:
        for event in result.all_events:
            if event.is_failure:
                print(event.message, getattr(event.event_specific_data, "error", ""), file=sys.stderr)
        sys.exit(1)
    emit({"seconds": seconds, "steps": step_figures(instance, result.run_id, sampler)})


def step_figures(instance, run_id: str, sampler: TreeRss) -> dict[str, dict]:
    """Each step's wall time, peak resident set, and what it did (materialized assets, evaluated checks)."""
    import dagster as dg

    steps: dict[str, dict] = defaultdict(lambda: {"materializations": 0, "check_evaluations": 0})
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        step = steps[event.step_key]
        if event.event_type == dg.DagsterEventType.STEP_START:
            step["start"] = entry.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            step["end"] = entry.timestamp
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            step["materializations"] += 1
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            step["check_evaluations"] += 1
    return {
        key: {
            "seconds": round(s["end"] - s["start"], 2),
            "peak_rss_mb": sampler.peak_mb(s["start"], s["end"]),
            "materializations": s["materializations"],
            "check_evaluations": s["check_evaluations"],
        }
        for key, s in sorted(steps.items(), key=lambda item: item[1].get("start", 0))
        if "start" in s and "end" in s
    }


if __name__ == "__main__":
    main()
