"""The warehouse writer lock: a second writer is refused at once, naming the holder; a killed holder frees it."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dagster_project.warehouse_lock import WarehouseBusy, lock_path, read_holder, warehouse_writer

# A second process that takes the lock as "holder-cmd --day 1", says so on stdout, then waits to be killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from dagster_project.warehouse_lock import warehouse_writer
    with warehouse_writer("holder-cmd --day 1"):
        print("held", flush=True)
        time.sleep(600)
    """
)


@pytest.fixture
def holder(warehouse: Path):
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    try:
        assert process.stdout.readline().strip() == "held", "the holder process did not take the lock"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


def test_a_second_writer_is_refused_at_once_naming_the_holder(warehouse: Path, holder) -> None:
    started = time.monotonic()
    with pytest.raises(WarehouseBusy) as refused, warehouse_writer("second"):
        pytest.fail("the second writer got the lock")
    waited = time.monotonic() - started
    message = str(refused.value)
    assert message.startswith(
        f"the warehouse {warehouse} is being written by another run "
        f"(pid {holder.pid} on host {socket.gethostname()}, `holder-cmd --day 1`, since "
    ), message
    assert message.endswith("): wait for it or stop it"), message
    assert "\n" not in message
    assert waited < 30, f"the refusal waited {waited:.0f}s: it must not block"  # a bound, not a timing target


def test_the_kernel_frees_the_lock_of_a_killed_holder(warehouse: Path, holder) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    with warehouse_writer("after the kill") as path:
        assert read_holder(path)["pid"] == os.getpid()
        assert read_holder(path)["command"] == "after the kill"


def test_the_lock_file_sits_beside_the_warehouse(warehouse: Path) -> None:
    assert lock_path() == warehouse.with_name("warehouse.duckdb.writer.lock")


def test_nested_holds_in_one_process_share_the_lock_and_release_it_once(warehouse: Path) -> None:
    with warehouse_writer("outer"), warehouse_writer("inner") as path:
        assert read_holder(path)["command"] == "outer"
    assert read_holder(lock_path()) == {}, "a released lock keeps no holder line"
    # Released for other processes too: a process takes it and exits 0.
    taker = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dagster_project.warehouse_lock import warehouse_writer\nwith warehouse_writer(): pass",
        ],
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert taker.returncode == 0, taker.stderr


def test_an_exception_inside_releases_the_lock(warehouse: Path) -> None:
    with pytest.raises(ValueError), warehouse_writer():
        raise ValueError("boom")
    with warehouse_writer():  # not refused: this process no longer holds a stale nested count
        pass


def test_a_dagster_step_retries_on_a_busy_warehouse_then_fails_with_the_busy_line(
    warehouse: Path, holder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    import dagster_project.warehouse_lock as lock
    from dagster_project.defs.isolation import step_failures_of

    monkeypatch.setattr(lock, "STEP_BUSY_RETRIES", 2)
    monkeypatch.setattr(lock, "STEP_BUSY_WAIT_S", 0)
    attempts = []

    @dg.asset
    def writes_the_warehouse() -> None:
        attempts.append(1)
        with lock.step_warehouse_writer("test step"):
            pytest.fail("the step got the lock another process holds")

    result = dg.materialize([writes_the_warehouse], raise_on_error=False)
    assert not result.success
    assert len(attempts) == 3, attempts  # the first try and two retries
    (message,) = step_failures_of(result.all_events).values()
    assert lock.is_busy_failure(message), message
    assert f"pid {holder.pid}" in message and "holder-cmd --day 1" in message, message
