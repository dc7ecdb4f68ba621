"""Crashes and concurrent runs (docs/operations.md): each crash of issue 21, then the run after it.

* ``aiecon build`` killed (-9) during a dlt load, then another day built: that day complete, the killed day not
  doubled once re-built (row counts of a clean warehouse loaded from the same simulator);
* an in-process Dagster run killed while it holds the ``duckdb_warehouse`` pool slot, then the next run:
  completes (within a bound, where it used to wait for ever);
* two writers: the second ``aiecon build`` is refused at once, naming the first;
* children die with their parent: the simulator, ``run_dbt``'s dbt and dagster-dbt's dbt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import DAY_1, DAY_2
from tests.processes import alive, children_of, wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG, /proc: Linux")

AIECON = [sys.executable, "-m", "dagster_project.cli"]


# ------------------------------------------------------------------------------------------ processes


def _kill_parent_then_expect_children_gone(parent: subprocess.Popen, children: list[int]) -> None:
    parent.kill()  # SIGKILL: the parent runs no cleanup at all
    parent.wait(timeout=30)
    wait_until(
        lambda: not any(alive(c) for c in children), 30, f"children {children} to die with their parent"
    )


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


# -------------------------------------------------------------------------- children die with parent


def test_the_simulator_dies_with_its_parent(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import time
        from dagster_project.local_stack import simulator
        with simulator(calls_per_day=50):
            print("up", flush=True)
            time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert parent.stdout.readline().strip() == "up", "the simulator did not start"
        children = children_of(parent.pid)
        assert children, "the simulator is not a child of the process that started it"
        _kill_parent_then_expect_children_gone(parent, children)
    finally:
        parent.kill()


def test_run_dbt_dies_with_its_parent(tmp_path: Path) -> None:
    # A stand-in dbt that runs until killed: run_dbt's own command line and subprocess call, minus dbt's startup.
    fake_dbt = tmp_path / "dbt"
    fake_dbt.write_text("#!/bin/sh\nexec sleep 600\n")
    fake_dbt.chmod(0o755)
    script = textwrap.dedent(
        f"""
        import pathlib
        import dagster_project.dbt_cli as dbt_cli
        dbt_cli.venv_executable = lambda name: {str(fake_dbt)!r}
        print("running", flush=True)
        dbt_cli.run_dbt(pathlib.Path({str(tmp_path)!r}), "build")
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert parent.stdout.readline().strip() == "running"
        wait_until(lambda: bool(children_of(parent.pid)), 60, "run_dbt to start dbt")
        _kill_parent_then_expect_children_gone(parent, children_of(parent.pid))
    finally:
        parent.kill()


def test_dagster_dbts_dbt_dies_with_the_run_and_only_inside_the_guard() -> None:
    # dagster-dbt's module-level subprocess: inside the guard its Popen children die with the process; a child
    # started outside the guard (the control) survives the kill, which shows the check can fail.
    script = textwrap.dedent(
        """
        import time
        from dagster_dbt.core import dbt_cli_invocation
        from dagster_project.child_processes import dagster_dbt_children_die_with_parent
        control = dbt_cli_invocation.subprocess.Popen(["sleep", "600"])
        with dagster_dbt_children_die_with_parent():
            guarded = dbt_cli_invocation.subprocess.Popen(["sleep", "600"])
        print(guarded.pid, control.pid, flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    guarded, control = (int(p) for p in parent.stdout.readline().split())
    try:
        _kill_parent_then_expect_children_gone(parent, [guarded])
        assert alive(control), "the control child died too: the kill, not the guard, ended the children"
    finally:
        parent.kill()
        os.kill(control, signal.SIGKILL)


# ------------------------------------------------------------------------------------------ two writers


def test_a_second_aiecon_build_is_refused_at_once_naming_the_first(warehouse: Path) -> None:
    holder_script = textwrap.dedent(
        """
        import time
        from dagster_project.warehouse_lock import warehouse_writer
        with warehouse_writer("aiecon build --first 2026-03-03 --last 2026-03-03"):
            print("held", flush=True)
            time.sleep(600)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holder_script], stdout=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        second = subprocess.run(
            [*AIECON, "build", "--simulator", "--first", str(DAY_1), "--last", str(DAY_1)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=300,
        )
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert second.returncode == 1, second.stdout + second.stderr
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith(
        f"the warehouse {warehouse} is being written by another run (pid {holder.pid} on host "
    ), second.stderr
    assert "`aiecon build --first 2026-03-03 --last 2026-03-03`" in lines[-1]
    assert lines[-1].endswith("wait for it or stop it"), lines[-1]
    assert "Traceback" not in second.stderr
    assert not (warehouse.parent / "dlt_pipelines").exists(), "the refused build started loading"


# ---------------------------------------------------------------------------- killed in-process Dagster run

# A one-asset job on the project's daily partitions whose step takes the pool `duckdb_warehouse`, run the way
# `aiecon demo` runs the main job (run_partition_range, the instance of prepare_dagster_home).
POOL_JOB = """
import pathlib, sys, time
from datetime import date
import dagster as dg
from dagster_project.defs.isolation import run_partition_range
from dagster_project.local_stack import prepare_dagster_home
from dagster_project.partitions import daily_partitions

@dg.asset(pool="duckdb_warehouse", partitions_def=daily_partitions)
def pool_step() -> None:
    if sys.argv[1] == "hang":
        pathlib.Path(sys.argv[2]).write_text("claimed")
        time.sleep(600)

job = dg.Definitions(
    assets=[pool_step], jobs=[dg.define_asset_job("pool_job", partitions_def=daily_partitions)]
).resolve_job_def("pool_job")
prepare_dagster_home()
with dg.DagsterInstance.get() as instance:
    day = date.fromisoformat(sys.argv[3])
    results = run_partition_range(job, instance, day, day)
    print("success" if results[0].success else "failed", flush=True)
"""


@pytest.mark.e2e  # four project imports in subprocesses: about 40 s
def test_a_killed_in_process_run_frees_its_pool_slot_for_the_next_run(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    env = _env(AIECON_DATA_DIR=str(tmp_path), DAGSTER_HOME=str(home))
    claimed = tmp_path / "claimed"
    killed = subprocess.Popen([sys.executable, "-c", POOL_JOB, "hang", str(claimed), str(DAY_1)], env=env)
    try:
        wait_until(claimed.exists, 180, "the first run's step to hold the pool slot")
    finally:
        killed.kill()
        killed.wait(timeout=30)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (record,) = instance.get_run_records()
        crashed = record.dagster_run.run_id
        assert record.dagster_run.status == dg.DagsterRunStatus.STARTED
        slots = instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots
        assert [s.run_id for s in slots] == [crashed], "the killed run should still hold the slot (the crash)"

    try:
        after = subprocess.run(
            [sys.executable, "-c", POOL_JOB, "finish", "-", str(DAY_2)],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"the next run did not finish: it waits for the crashed run's pool slot\n{hung.stderr}")
    assert after.returncode == 0, after.stderr[-3000:]
    assert after.stdout.splitlines()[-1] == "success", after.stdout + after.stderr[-3000:]
    assert f"run {crashed} (STARTED): failed and freed: pid {killed.pid} on " in after.stdout, after.stdout

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(crashed).status == dg.DagsterRunStatus.FAILURE
        assert instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots == []


def test_aiecon_runs_free_frees_a_dead_runs_slot_and_leaves_a_live_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from dagster_project.cli import main
    from dagster_project.local_stack import prepare_dagster_home

    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    home = prepare_dagster_home()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)  # a process that has exited: what a killed run leaves in its tags
    host = socket.gethostname()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default("duckdb_warehouse")
        runs = {}
        for name, pid in (("dead", dead_pid), ("alive", os.getpid())):
            run = instance.add_run(
                dg.DagsterRun(
                    job_name="ai_economics_daily",
                    status=dg.DagsterRunStatus.STARTED,
                    tags={"aiecon/host": host, "aiecon/pid": str(pid)},
                )
            )
            runs[name] = run.run_id
        storage.claim_concurrency_slot("duckdb_warehouse", runs["dead"], "revenium_ingest")
        assert [s.run_id for s in storage.get_concurrency_info("duckdb_warehouse").claimed_slots] == [
            runs["dead"]
        ]

    assert main(["runs", "free"]) == 0
    out = capsys.readouterr().out
    assert f"run {runs['dead']} (STARTED): failed and freed: pid {dead_pid} on {host} is gone" in out, out
    assert f"run {runs['alive']} (STARTED): left running: pid {os.getpid()} on {host}" in out, out
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(runs["dead"]).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(runs["alive"]).status == dg.DagsterRunStatus.STARTED
        assert instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots == []

    # By name, a live run is refused unless forced.
    assert main(["runs", "free", runs["alive"]]) == 1
    assert "its process is alive" in capsys.readouterr().err


def test_a_pending_package_is_discarded_and_the_new_load_is_what_lands(tmp_path: Path) -> None:
    import dlt

    from ingestion.core.dlt_resources import discard_pending_packages

    def pipeline() -> dlt.Pipeline:  # a fresh object each time, as each run's process makes one
        return dlt.pipeline(
            pipeline_name="pending",
            pipelines_dir=str(tmp_path / "pipelines"),
            destination=dlt.destinations.duckdb(str(tmp_path / "w.duckdb")),
            dataset_name="raw_pending",
        )

    pipeline().run([{"day": "first day"}], table_name="rows").raise_on_failed_jobs()
    killed = pipeline()
    killed.extract([{"day": "killed day"}], table_name="rows")
    killed.normalize()  # a package ready to load: what a run killed before or during its load leaves
    (left,) = killed.list_normalized_load_packages()

    # Without the discard dlt's run() would load "killed day" and not extract "next day" at all.
    following = pipeline()
    assert discard_pending_packages(following) == [left]
    following.run([{"day": "next day"}], table_name="rows").raise_on_failed_jobs()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        days = sorted(d for (d,) in con.execute("select day from raw_pending.rows").fetchall())
    assert days == ["first day", "next day"]


# ------------------------------------------------------------------------ aiecon build killed during a load

# `aiecon build`, killed with SIGKILL by itself as soon as the first load job of its first vendor has been
# written to the warehouse: a real kill -9 in the middle of a dlt load, at a reproducible point.
KILLED_DURING_LOAD = """
import os, signal, sys
from dlt.load.load import Load

_run_job = Load.w_run_job

def w_run_job(self, *args, **kwargs):
    _run_job(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

Load.w_run_job = w_run_job
from dagster_project.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _raw_counts(path: Path, days: tuple[date, ...]) -> dict[tuple[str, str], int]:
    """(schema.table, day) -> rows, for every raw table with a ``_day`` column (quarantine included)."""
    counts: dict[tuple[str, str], int] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.columns where column_name = '_day' "
            "and table_schema like 'raw\\_%' escape '\\' and table_schema not like '%\\_staging' escape '\\'"
        ).fetchall()
        for schema, table in tables:
            for day, n in con.execute(
                f'select _day, count(*) from "{schema}"."{table}" where _day in ({", ".join("?" * len(days))}) '
                "group by _day",
                list(days),
            ).fetchall():
                counts[(f"{schema}.{table}", str(day))] = n
    return counts


def _of_day(counts: dict[tuple[str, str], int], day: date) -> dict[str, int]:
    return {table: n for (table, d), n in counts.items() if d == str(day)}


@pytest.mark.e2e
def test_aiecon_build_killed_during_a_load_then_the_next_days_are_complete(
    simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster_project.direct_build import load_day

    # The reference: both days loaded into a clean warehouse from the same simulator.
    clean = tmp_path / "clean" / "warehouse.duckdb"
    clean.parent.mkdir()
    with monkeypatch.context() as mp:
        mp.setenv("AIECON_DATA_DIR", str(clean.parent))
        mp.setenv("AIECON_WAREHOUSE", str(clean))
        assert load_day(DAY_1) == {} and load_day(DAY_2) == {}
    expected = _raw_counts(clean, (DAY_1, DAY_2))
    assert _of_day(expected, DAY_1)["raw_revenium.completions"] > 0, "the simulator served no Revenium calls"

    data = tmp_path / "crashed"
    warehouse = data / "warehouse.duckdb"
    env = _env(AIECON_DATA_DIR=str(data), AIECON_WAREHOUSE=str(warehouse))
    build = ["build", "--first", str(DAY_1), "--last", str(DAY_1)]
    crash = subprocess.run(
        [sys.executable, "-c", KILLED_DURING_LOAD, *build],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert crash.returncode == -signal.SIGKILL, (
        f"the build was not killed in its load:\n{crash.stderr[-3000:]}"
    )
    pending = list((data / "dlt_pipelines").glob("*/load/normalized/*"))
    assert pending, "the killed build left no pending load package: the crash did not happen mid-load"

    # The next build, of another day: exit 0 and that day complete.
    next_day = subprocess.run(
        [*AIECON, "build", "--first", str(DAY_2), "--last", str(DAY_2)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert next_day.returncode == 0, next_day.stderr[-3000:]
    assert "discarded 1 load package(s) a killed run left" in next_day.stderr, next_day.stderr[-3000:]
    after = _raw_counts(warehouse, (DAY_1, DAY_2))
    assert _of_day(after, DAY_2) == _of_day(expected, DAY_2), "the day built after the crash is not complete"
    for table, n in _of_day(after, DAY_1).items():
        assert n <= _of_day(expected, DAY_1)[table], f"{table}: the killed day was loaded again as later data"

    # The killed day re-built: exactly a clean load's rows, not doubled.
    with monkeypatch.context() as mp:
        mp.setenv("AIECON_DATA_DIR", str(data))
        mp.setenv("AIECON_WAREHOUSE", str(warehouse))
        assert load_day(DAY_1) == {}
    assert _raw_counts(warehouse, (DAY_1, DAY_2)) == expected
