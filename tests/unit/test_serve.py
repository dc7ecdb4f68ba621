"""`aiecon serve` as a supervisor (dagster_project/serve.py), with stand-in children in place of the Dagster
webserver and daemon: SIGTERM stops both and exits 0; a child that dies takes the other down and serve exits 1;
serve killed outright takes its children with it; a bad setting stops it before anything starts. The real
children are exercised by tests/e2e/test_production_path.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.settings import REPO_ROOT, venv_executable
from tests.processes import alive, children_of, wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, PR_SET_PDEATHSIG")

# serve with its settings check, startup sweep and children replaced; everything else as shipped.
STAND_IN = """
import argparse, sys
import dagster_project.serve as serve
serve.settings_problems = lambda probe: []
serve.free_dead_runs = lambda: None
sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
serve.child_commands = lambda host, port: {"webserver": [*sleeper, "webserver"], "daemon": [*sleeper, "daemon"]}
sys.exit(serve.serve(argparse.Namespace(host="127.0.0.1", port=3000, no_probe=True)))
"""


def role(pid: int) -> str:
    """The stand-in's last argument: webserver or daemon."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")[-1].decode()


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    own = ("AIECON_", "DAGSTER_HOME", "REVENIUM_", "HELICONE_", "ORQ_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return {**env, "AIECON_DATA_DIR": str(tmp_path / "data"), **extra}


@pytest.fixture
def stand_in(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-c", STAND_IN],
        cwd=REPO_ROOT,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: len(children_of(process.pid)) == 2, 60, "serve did not start its two children")
        yield process, children_of(process.pid)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_sigterm_stops_both_children_and_exits_0(stand_in, tmp_path):
    process, children = stand_in
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert not [pid for pid in children if alive(pid)]
    assert (tmp_path / "data" / "dagster_home" / "dagster.yaml").exists(), (
        "no persistent instance was prepared"
    )


def test_a_child_that_dies_stops_the_other_and_serve_exits_1(stand_in):
    process, children = stand_in
    (daemon,) = [pid for pid in children if role(pid) == "daemon"]
    (webserver,) = [pid for pid in children if role(pid) == "webserver"]
    os.kill(daemon, signal.SIGKILL)
    assert process.wait(timeout=60) == 1
    assert "the daemon exited with code -9" in process.stderr.read()
    wait_until(lambda: not alive(webserver), 10, "the webserver outlived serve")


def test_children_die_with_serve_killed_outright(stand_in):
    process, children = stand_in
    process.kill()  # SIGKILL: serve runs no handler at all
    process.wait()
    wait_until(lambda: not any(alive(pid) for pid in children), 10, "a child outlived serve's SIGKILL")


def test_a_bad_setting_stops_serve_before_anything_starts(tmp_path):
    ran = subprocess.run(
        [venv_executable("aiecon"), "serve", "--no-probe"],
        cwd=REPO_ROOT,
        env=environment(tmp_path, AIECON_HTTP_MAX_ATTEMPTS="-1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 1
    assert "AIECON_HTTP_MAX_ATTEMPTS='-1'" in ran.stderr, ran.stderr
    assert not (tmp_path / "data" / "dagster_home").exists(), "serve prepared an instance despite the problem"


def test_an_unusable_schedule_cron_stops_serve_naming_the_variable(tmp_path):
    keys = {"REVENIUM_API_KEY": "k", "REVENIUM_TEAM_IDS": "t", "HELICONE_API_KEY": "k", "ORQ_API_KEY": "k"}
    ran = subprocess.run(
        [venv_executable("aiecon"), "serve", "--no-probe"],
        cwd=REPO_ROOT,
        env={**environment(tmp_path, AIECON_DAILY_FINALIZE_CRON="99 * * * *"), **keys},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert ran.returncode == 1
    assert "AIECON_DAILY_FINALIZE_CRON='99 * * * *'" in ran.stderr, ran.stderr
    assert not (tmp_path / "data" / "dagster_home").exists()


def test_serve_turns_schedules_on_unless_the_environment_says_off(monkeypatch):
    from dagster_project.serve import child_environment

    monkeypatch.delenv("AIECON_SCHEDULES", raising=False)
    assert child_environment()["AIECON_SCHEDULES"] == "on"
    monkeypatch.setenv("AIECON_SCHEDULES", "off")
    assert child_environment()["AIECON_SCHEDULES"] == "off"


def test_relative_paths_reach_the_children_absolute(monkeypatch, tmp_path):
    from dagster_project.serve import child_environment

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIECON_DATA_DIR", "data")
    monkeypatch.setenv("AIECON_WAREHOUSE", "./wh/warehouse.duckdb")
    env = child_environment()
    assert env["AIECON_DATA_DIR"] == str(tmp_path / "data")
    assert env["AIECON_WAREHOUSE"] == str(tmp_path / "wh" / "warehouse.duckdb")


def test_the_schedules_default_status_follows_the_setting(monkeypatch):
    import dagster as dg

    from dagster_project.defs.schedules import schedule_status

    monkeypatch.delenv("AIECON_SCHEDULES", raising=False)
    assert schedule_status() == dg.DefaultScheduleStatus.STOPPED
    monkeypatch.setenv("AIECON_SCHEDULES", "on")
    assert schedule_status() == dg.DefaultScheduleStatus.RUNNING


def test_the_serve_loop_sweeps_dead_runs_every_interval_and_outlives_a_failed_sweep(monkeypatch, capsys):
    import threading

    import dagster_project.serve as serve

    sweeps = []

    def sweep() -> None:
        sweeps.append(time.monotonic())
        if len(sweeps) == 1:
            raise RuntimeError("instance storage locked")

    monkeypatch.setattr(serve, "free_dead_runs", sweep)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop = threading.Event()
    threading.Timer(3.0, stop.set).start()
    try:
        assert serve.supervise([serve.Child("daemon", sleeper)], stop, sweep_every_s=0.4) == 0
    finally:
        sleeper.kill()
        sleeper.wait()
    assert 3 <= len(sweeps) <= 7, sweeps  # at each 0.5 s poll for 3 s (about 5), the first one failing
    assert "the dead-run sweep failed: instance storage locked" in capsys.readouterr().err
