"""Free what a crashed Dagster run holds: its status stays STARTED and its ``duckdb_warehouse`` pool slot
stays claimed, so every later run waits for ever ("Step still blocked by limit for pool duckdb_warehouse").

A run is judged by its process: the host and pid the project records as run tags when it runs a job in its
own process (``run_process_tags``: ``aiecon demo``, tests), or the run worker's pid that Dagster records
itself ("Started process for run (pid: N)") for runs a daemon or the UI launched (the DefaultRunLauncher
starts run workers on the machine of the instance). A run in progress whose process is gone from this host
(or was replaced by a newer process under the same pid) is marked failed and its concurrency slots are
freed. A run whose process is alive, runs on another host or left no pid is left alone (``aiecon runs free
RUN_ID`` frees it by hand).

``sweep_dead_runs`` runs at the start of every project run path (``aiecon serve``, ``aiecon demo``,
``aiecon dev``, the in-process ``run_partition_range``) and every few minutes while ``aiecon serve`` runs;
Dagster's run monitoring (dagster.yaml) frees the slots of runs that ended and fails runs that never started,
but cannot see a dead worker of the DefaultRunLauncher.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import FINISHED_STATUSES

RUN_HOST_TAG = "aiecon/host"  # the host of the process that executes the run
RUN_PID_TAG = "aiecon/pid"  # its pid
IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
PROCESS_EVENT_PREFIX = "Started process for run (pid: "


def run_process_tags() -> dict[str, str]:
    """The tags naming this process as the one executing a run (add them to runs executed in-process)."""
    return {RUN_HOST_TAG: socket.gethostname(), RUN_PID_TAG: str(os.getpid())}


@dataclass(frozen=True)
class RunProcess:
    host: str
    pid: int
    recorded_at: float  # when the run recorded the process: it was started before then


@dataclass(frozen=True)
class Judged:
    run_id: str
    status: str
    verdict: str  # "dead" (freed), "alive", "unknown"
    why: str


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def _proc_stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after "pid (comm) ", or None without /proc (or when the process is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def process_started_at(pid: int) -> float | None:
    """When ``pid`` started (epoch seconds, to the clock tick), on Linux; None where that cannot be read."""
    fields, boot = _proc_stat(pid), _boot_time()
    if fields is None or boot is None:
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, started_before: float | None = None) -> bool:
    """Whether ``pid`` is a live process (a zombie is dead); with ``started_before``, on Linux, also that it
    started before then (a pid reused by a newer process is not the run's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, someone else's
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc: existence is all we know
    if fields[0] in ("Z", "X"):
        return False
    started = process_started_at(pid)
    # A pid reused by a newer process is not the run's (btime has one-second precision).
    return started_before is None or started is None or started <= started_before + 2


def run_process(instance: dg.DagsterInstance, record: dg.RunRecord) -> RunProcess | None:
    """The process executing the run: its tags, else the run worker Dagster recorded in an engine event."""
    tags = record.dagster_run.tags
    if RUN_PID_TAG in tags and tags[RUN_PID_TAG].isdigit():
        return RunProcess(
            tags.get(RUN_HOST_TAG, ""), int(tags[RUN_PID_TAG]), record.create_timestamp.timestamp()
        )
    events = instance.all_logs(record.dagster_run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
    for event in reversed(events):  # a resumed run has a newer worker
        message = event.message or ""
        if message.startswith(PROCESS_EVENT_PREFIX):
            pid = message[len(PROCESS_EVENT_PREFIX) :].split(")")[0]
            if pid.isdigit():
                return RunProcess(socket.gethostname(), int(pid), event.timestamp)
    return None


def _is_this_process(process: RunProcess) -> bool:
    """The run is this process's own: same pid, recorded after this process started (a restarted container
    re-uses pids: a predecessor that crashed under the same pid is not this process)."""
    if process.pid != os.getpid():
        return False
    started = process_started_at(os.getpid())
    return started is None or process.recorded_at >= started - 2


def judge(instance: dg.DagsterInstance, record: dg.RunRecord) -> Judged:
    run = record.dagster_run
    process = run_process(instance, record)
    if process is None:
        return Judged(run.run_id, run.status.value, "unknown", "no process recorded")
    where = f"pid {process.pid} on {process.host or '?'}"
    if process.host != socket.gethostname():
        return Judged(run.run_id, run.status.value, "unknown", f"{where}: another host")
    if _is_this_process(process) or process_alive(process.pid, process.recorded_at):
        return Judged(run.run_id, run.status.value, "alive", where)
    return Judged(run.run_id, run.status.value, "dead", f"{where} is gone")


def free_run(instance: dg.DagsterInstance, run_id: str, message: str) -> None:
    """Mark the run failed (if still in progress) and free its concurrency slots and pending steps."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise ValueError(f"no run {run_id} in {instance.root_directory}")
    if run.status in IN_PROGRESS:
        instance.report_run_failed(run, message)
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def sweep_dead_runs(instance: dg.DagsterInstance) -> list[Judged]:
    """Fail the in-progress runs whose process is dead and free their slots; also free slots still held by
    runs that already ended. Returns every in-progress run judged, with the verdict."""
    judged = [judge(instance, r) for r in instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS))]
    for run in judged:
        if run.verdict == "dead":
            free_run(instance, run.run_id, f"marked failed by aiecon: its process is gone ({run.why})")
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holders = storage.get_concurrency_run_ids()
        if holders:
            ended = instance.get_run_records(dg.RunsFilter(run_ids=list(holders), statuses=FINISHED_STATUSES))
            for record in ended:
                storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
    return judged


def report(judged: list[Judged]) -> list[str]:
    """One line per run judged, for the console."""
    verbs = {"dead": "failed and freed", "alive": "left running", "unknown": "left alone (free it by hand)"}
    return [f"run {j.run_id} ({j.status}): {verbs[j.verdict]}: {j.why}" for j in judged]


def sweep_and_print(instance: dg.DagsterInstance) -> None:
    """The startup sweep of a run path: one line per run it freed, silence otherwise."""
    for line in report([j for j in sweep_dead_runs(instance) if j.verdict == "dead"]):
        print(line, flush=True)


def sweep_current_instance() -> None:
    """The sweep of the instance ``DAGSTER_HOME`` names (``sweep_and_print``)."""
    with dg.DagsterInstance.get() as instance:
        sweep_and_print(instance)


def free_by_hand(instance: dg.DagsterInstance, run_ids: list[str], *, force: bool = False) -> int:
    """``aiecon runs free [RUN_ID ...]``: without ids, the sweep, with a line for every run in progress;
    with ids, those runs freed unless their process is known alive (``force`` frees them all the same)."""
    if not run_ids:
        lines = report(sweep_dead_runs(instance))
        print("\n".join(lines) if lines else "no run in progress: nothing to free")
        return 0
    code = 0
    for run_id in run_ids:
        record = next(iter(instance.get_run_records(dg.RunsFilter(run_ids=[run_id]))), None)
        if record is None:
            print(f"run {run_id}: no such run in {instance.root_directory}", file=sys.stderr)
            code = 1
            continue
        verdict = judge(instance, record)
        if verdict.verdict == "alive" and not force:
            print(
                f"run {run_id}: its process is alive ({verdict.why}); stop it, or pass --force",
                file=sys.stderr,
            )
            code = 1
            continue
        free_run(instance, run_id, f"marked failed by hand (aiecon runs free): {verdict.why}")
        print(f"run {run_id} ({verdict.status}): failed and freed")
    return code
