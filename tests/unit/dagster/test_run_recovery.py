"""Who a run's recorded process is (dagster_project/run_recovery.py), judged against this test's own process:
a pid counts as the run's only if that process started before the run recorded it, so a pid re-used by a
newer process (a restarted container numbers its processes alike) never keeps a dead run "alive"."""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest

from dagster_project.run_recovery import RunProcess, _is_this_process, process_alive, process_started_at

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process start times from /proc")
HOST = socket.gethostname()


@pytest.fixture
def started() -> float:
    at = process_started_at(os.getpid())
    assert at is not None and at <= time.time(), at
    return at


def test_a_run_recorded_by_this_process_is_its_own(started):
    assert _is_this_process(RunProcess(HOST, os.getpid(), recorded_at=time.time()))


def test_a_run_recorded_under_this_pid_an_hour_before_this_process_started_is_not(started):
    predecessor = RunProcess(HOST, os.getpid(), recorded_at=started - 3600)
    assert not _is_this_process(predecessor)
    assert not process_alive(predecessor.pid, predecessor.recorded_at), "a re-used pid kept a dead run alive"


def test_a_live_process_that_started_before_the_record_is_alive(started):
    assert process_alive(os.getpid(), started_before=time.time())
    assert process_alive(os.getpid())  # no time to compare: existence decides


def test_a_pid_nobody_holds_is_dead():
    with open("/proc/sys/kernel/pid_max") as f:
        unused = int(f.read()) + 1  # above the kernel's largest pid: no process can have it
    assert not process_alive(unused)
