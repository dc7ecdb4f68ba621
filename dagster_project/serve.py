"""``aiecon serve``: the production run path. The Dagster webserver and daemon, as two child processes, on a
persistent instance under the data directory, against the vendors the settings configure.

* The instance is ``$DAGSTER_HOME`` (default ``$AIECON_DATA_DIR/dagster_home``) with the project's instance
  settings (``dagster_project/instance/dagster.yaml``: one run at a time, the ``duckdb_warehouse`` pool
  limited to one step), so run history, schedule state and the pool survive restarts.
* Vendors, keys and URLs come from the environment / dlt secrets only: no simulator is started and nothing is
  pointed anywhere. Settings are validated first (``aiecon check`` without its exit on a vendor's answer):
  a bad setting stops ``serve`` before anything starts; each enabled vendor is then asked once and its
  answer printed, but a vendor that is down does not keep the service from starting (its days fail
  and are re-pulled by the daily run's look-back).
* Runs left in progress by a crash are failed and their pool slots freed before the daemon starts
  (``run_recovery.py``, the startup sweep of every run path).
* Schedules run: ``AIECON_SCHEDULES`` is set on for the children unless the environment says otherwise
  (``defs/schedules.py``); the run-failure sensor runs in any case.
* SIGTERM or SIGINT stops both children (each gets SIGTERM, which Dagster treats as Ctrl-C) and ``serve``
  exits 0. When either child exits on its own, ``serve`` stops the other and exits 1, so a supervisor
  (systemd ``Restart=on-failure``, a container's restart policy) restarts the pair.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dagster_project.child_processes import die_with_parent
from dagster_project.settings import REPO_ROOT, venv_executable

STOP_TIMEOUT_S = 30.0  # each child's grace period after SIGTERM before it is killed
POLL_S = 0.5
SWEEP_EVERY_S = 300.0  # dead runs' slots freed within five minutes while serving


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="webserver address (0.0.0.0 in a container)")
    parser.add_argument("--port", type=int, default=3000, help="webserver port")
    parser.add_argument(
        "--no-probe", action="store_true", help="validate the settings only; do not ask each vendor once"
    )


@dataclass
class Child:
    name: str
    process: subprocess.Popen


def child_setup() -> Callable[[], None]:
    """The ``preexec_fn`` of each child: SIGINT's default handler back (a shell that backgrounds ``serve``
    makes it ignore SIGINT, and Dagster maps SIGTERM to SIGINT's handler, so the child would ignore both),
    and on Linux death with ``serve`` (the kernel sends SIGTERM when ``serve`` dies, even by SIGKILL)."""
    with_parent = die_with_parent()

    def setup() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if with_parent is not None:
            with_parent()

    return setup


def settings_problems(probe: bool) -> list[str]:
    """The lines that stop ``serve``: invalid settings (``aiecon check``'s validation) and schedule crons
    Dagster cannot use. Each enabled vendor's probe answer is printed, never returned."""
    from dagster_project.check import SettingsProblems, enabled_vendors, probe_line, require_valid_settings
    from ingestion.core.probe import PROBE_TIMEOUT_S
    from ingestion.core.setting_registry import SettingError

    try:
        require_valid_settings()
    except SettingsProblems as problems:
        return problems.lines
    from ingestion.vendors import declared_settings

    try:  # the module builds its schedules from the crons when it is imported
        from dagster_project.defs.schedules import schedule_cron
    except SettingError as error:
        return [str(error)]

    lines = []
    # Every schedule's cron (``*_CRON``): kind str to the registry, Dagster's cron syntax to the schedules.
    for name in [st.name for st in declared_settings() if st.name.endswith("_CRON")]:
        try:
            schedule_cron(name)
        except SettingError as error:
            lines.append(str(error))
    if probe and not lines:
        for vendor in enabled_vendors():
            ok, line = probe_line(vendor, PROBE_TIMEOUT_S)
            print(line if ok else f"{line} (serving anyway: its runs fail until it answers)", flush=True)
    return lines


def child_commands(host: str, port: int) -> dict[str, list[str]]:
    workspace = str(REPO_ROOT / "workspace.yaml")
    return {
        "webserver": [venv_executable("dagster-webserver"), "-w", workspace, "-h", host, "-p", str(port)],
        "daemon": [venv_executable("dagster-daemon"), "run", "-w", workspace],
    }


def child_environment() -> dict[str, str]:
    """serve's environment for its children: schedules on unless said otherwise, and every path setting made
    absolute (the children run in the repository, so a relative path would name another warehouse and
    another writer lock than this shell's ``aiecon build``)."""
    from ingestion.vendors import declared_settings

    env = os.environ.copy()
    env.setdefault("AIECON_SCHEDULES", "on")  # an operator's explicit off wins
    for setting in declared_settings():
        if setting.kind == "path" and env.get(setting.name, "").strip():
            env[setting.name] = os.path.abspath(env[setting.name].strip())
    return env


def supervise(children: Sequence[Child], stop: threading.Event, sweep_every_s: float = SWEEP_EVERY_S) -> int:
    """Wait until ``stop`` is set (0) or a child exits (1), sweeping dead runs every ``sweep_every_s``; then
    stop every child still running."""
    exited: Child | None = None
    next_sweep = time.monotonic() + sweep_every_s
    while exited is None and not stop.wait(POLL_S):
        exited = next((c for c in children if c.process.poll() is not None), None)
        if exited is None and time.monotonic() >= next_sweep:
            sweep_now()
            next_sweep = time.monotonic() + sweep_every_s
    if exited is not None:
        print(
            f"aiecon serve: the {exited.name} exited with code {exited.process.returncode}; stopping the rest",
            file=sys.stderr,
            flush=True,
        )
    terminate(children)
    return 0 if exited is None else 1


def terminate(children: Sequence[Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(
                f"aiecon serve: the {child.name} did not stop in {STOP_TIMEOUT_S:.0f} s: killed",
                file=sys.stderr,
            )
            child.process.kill()
            child.process.wait()


def free_dead_runs() -> None:
    """The sweep (``run_recovery.py``): before the daemon starts, then every ``SWEEP_EVERY_S``. A run whose
    worker died (with the machine, the previous ``serve``, or alone: OOM-killed while the daemon lives on)
    would otherwise keep the ``duckdb_warehouse`` slot, and every scheduled run would wait for ever; the
    DefaultRunLauncher does not watch its workers."""
    from dagster_project.run_recovery import sweep_current_instance

    sweep_current_instance()


def sweep_now() -> None:
    """``free_dead_runs`` while serving: a failed sweep is reported and retried at the next interval."""
    try:
        free_dead_runs()
    except Exception as error:  # the service outlives a failed sweep; the next one tries again
        print(f"aiecon serve: the dead-run sweep failed: {error}", file=sys.stderr, flush=True)


def serve(args: argparse.Namespace) -> int:
    from dagster_project.destination import destination_name
    from dagster_project.local_stack import ensure_data_dir, prepare_dagster_home
    from ingestion.core.setting_registry import core_setting

    problems = settings_problems(probe=not args.no_probe)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print(f"aiecon serve: {len(problems)} setting problem(s); nothing started", file=sys.stderr)
        return 1
    if destination_name() != "postgres":  # DuckDB, or Spark's landing file
        ensure_data_dir()
    home = prepare_dagster_home()
    free_dead_runs()

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    env = child_environment()
    children: list[Child] = []
    setup = child_setup()
    try:
        for name, command in child_commands(args.host, args.port).items():
            # Its own process group: a terminal's Ctrl-C reaches serve alone, which passes it on once.
            process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, preexec_fn=setup, process_group=0)
            children.append(Child(name, process))
        schedules = "on" if core_setting("AIECON_SCHEDULES").read(env) else "off"
        print(
            f"aiecon serve: Dagster UI at http://{args.host}:{args.port}, instance {home}, schedules {schedules}",
            flush=True,
        )
        return supervise(children, stop)
    finally:
        terminate(children)  # also when starting the second child failed
