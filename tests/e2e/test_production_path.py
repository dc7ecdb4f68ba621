"""The production path, as an operator with their own accounts runs it: ``aiecon serve`` with two of the three
vendors enabled, pointed at a stub at non-default URLs (a path prefix no simulator default has, behind a
reverse proxy) with keys that look like real ones; the daemon's own schedule tick starts the daily run; the
run succeeds; the published marts hold exactly the two vendors' figures; every gate has one passed result
per day of the run; SIGTERM stops the service and both of its children.

Only settings reach ``serve``: it starts no simulator and points nothing anywhere itself.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
import requests

from dagster_project.settings import venv_executable
from ingestion.vendors import VENDOR_NAMES, vendor_named
from tests.conftest import SIM_SEED
from tests.integration import vendor_figures
from tests.processes import alive, children_of, graphql, wait_until, webserver_up

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DISABLED = vendor_named("helicone")
ENABLED = tuple(name for name in VENDOR_NAMES if name != DISABLED.name)  # AIECON_VENDORS=revenium,orq
PREFIX = "/acme-gateway/v7"  # the stub's URLs: no simulator default looks like this
GATES = ("raw_rules", "volume", "reconciles_with_vendor")
CALLS_PER_DAY = 300
UP_TIMEOUT_S = 240  # the webserver loads the definitions (dbt manifest included) on a busy machine
RUN_TIMEOUT_S = 900  # a bound, not a target: the first tick (<= 60 s) and a two-day run, on a busy machine
STOP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy(ThreadingHTTPServer):
    """Forwards ``PREFIX/<face>/...`` to the simulator's ``/<face>/...`` and counts requests per face;
    anything without the prefix is a 404, so a client that ignored its configured URL would fail."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = upstream
        self.asked: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{PREFIX}"


class ProxyHandler(BaseHTTPRequestHandler):
    server: Proxy
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        if not self.path.startswith(PREFIX + "/"):
            self._answer(404, {}, b'{"error": "not under the configured prefix"}')
            return
        path = self.path[len(PREFIX) :]
        with self.server.lock:
            self.server.asked[path.split("/")[1].split("?")[0]] += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(
            self.command,
            self.server.upstream + path,
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=120,
        )
        self._answer(answer.status_code, answer.headers, answer.content)

    def _answer(self, status: int, headers, body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args) -> None:  # quiet
        pass


@dataclass
class Service:
    process: subprocess.Popen
    url: str
    data_dir: Path
    log: Path

    def log_excerpt(self, chars: int = 6000) -> str:
        """The start of the service's log (settings, probes, definitions loading) and its end."""
        text = self.log.read_text(errors="replace")
        return text if len(text) <= 2 * chars else f"{text[:chars]}\n[...]\n{text[-chars:]}"


def real_looking_keys() -> dict[str, str]:
    """Keys shaped like vendors' live keys (not the simulator's ``sim-…``): the stub accepts whatever it is
    configured with, so the product must send exactly what the settings say."""
    return {name: f"{name[:3]}_live_{secrets.token_hex(20)}" for name in VENDOR_NAMES}


@pytest.fixture
def stub() -> Iterator[tuple]:
    """The simulator (accepting the real-looking keys) behind the prefixing proxy."""
    from simulator.server import SimKeys, SimulatorServer
    from simulator.world import World

    keys = real_looking_keys()
    world = World(seed=SIM_SEED, calls_per_day=CALLS_PER_DAY)
    with SimulatorServer(world, SimKeys(**keys)) as sim:
        proxy = Proxy(sim.base_url)
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        try:
            yield sim, SimKeys(**keys), keys, proxy
        finally:
            proxy.shutdown()
            proxy.server_close()


def service_environment(data_dir: Path, proxy: Proxy, keys: dict[str, str]) -> dict[str, str]:
    """What an operator's .env holds: the enabled vendors' keys and URLs, nothing of the disabled one."""
    vendor_prefixes = tuple(f"{name.upper()}_" for name in VENDOR_NAMES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIECON_", "DAGSTER_", *vendor_prefixes))}
    env.update(
        {
            "AIECON_DATA_DIR": str(data_dir),
            "AIECON_VENDORS": ",".join(ENABLED),
            # The daily run every minute, so the daemon's next tick starts it; one look-back day, so the
            # run is a range of two days; the hourly refresh moved out of the way (it would queue first).
            "AIECON_DAILY_FINALIZE_CRON": "* * * * *",
            "AIECON_LATE_DATA_LOOKBACK_DAYS": "1",
            "AIECON_HOURLY_REFRESH_CRON": "0 0 1 1 *",
            "AIECON_HTTP_BACKOFF_BASE_S": "0.05",
            "AIECON_HTTP_BACKOFF_MAX_S": "2",
            "RUNTIME__DLTHUB_TELEMETRY": "false",
        }
    )
    for name in ENABLED:
        vendor = vendor_named(name)
        env[vendor.api_key_env] = keys[name]
        env.update({var: f"{proxy.base_url}{path}" for var, path in vendor.simulator_paths.items()})
        env.update(vendor.simulator_env)  # Revenium's team ids: the ones the stub serves
    return env


@pytest.fixture
def service(stub, tmp_path) -> Iterator[Service]:
    _, _, keys, proxy = stub
    port = free_port()
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [venv_executable("aiecon"), "serve", "--port", str(port)],
            env=service_environment(data_dir, proxy, keys),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    service = Service(process, f"http://127.0.0.1:{port}", data_dir, log)
    try:

        def up() -> bool:
            if process.poll() is not None:
                pytest.fail(f"aiecon serve exited with {process.returncode}:\n{service.log_excerpt()}")
            return webserver_up(service.url)

        wait_until(up, UP_TIMEOUT_S, "the webserver to answer", every_s=1, detail=service.log_excerpt)
        yield service
    finally:
        if process.poll() is None:
            process.kill()  # only when the test failed before stopping it; the children die with it
            process.wait()


RUNS = """
query($schedule: String!) {
  runsOrError(filter: {tags: [{key: "dagster/schedule_name", value: $schedule}]}) {
    __typename
    ... on Runs { results { runId status jobName tags { key value } } }
    ... on PythonError { message }
  }
}"""
SCHEDULE = """
query($selector: ScheduleSelector!) {
  scheduleOrError(scheduleSelector: $selector) { __typename ... on Schedule { id } ... on PythonError { message } }
}"""
STOP = """
mutation($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on PythonError { message }
  }
}"""


def scheduled_runs(url: str) -> list[dict]:
    """The daily schedule's runs, oldest first."""
    runs = graphql(url, RUNS, {"schedule": "daily_finalize"})["runsOrError"]
    assert runs["__typename"] == "Runs", runs
    return runs["results"][::-1]


def stop_daily_schedule(url: str) -> None:
    """What an operator does in the UI: the every-minute cron would launch a run per tick (Dagster dedupes a
    schedule's run keys within a tick only)."""
    selector = {"repositoryLocationName": "ai_economics", "repositoryName": "__repository__"}
    found = graphql(url, SCHEDULE, {"selector": {**selector, "scheduleName": "daily_finalize"}})
    schedule = found["scheduleOrError"]
    assert schedule["__typename"] == "Schedule", schedule
    stopped = graphql(url, STOP, {"id": schedule["id"]})["stopRunningSchedule"]
    assert stopped.get("scheduleState", {}).get("status") == "STOPPED", stopped


def wait_for_the_scheduled_run(service: Service) -> dict:
    """The first run the daily schedule's tick launched, once it has finished."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    first: dict | None = None
    while time.monotonic() < deadline:
        assert service.process.poll() is None, f"aiecon serve exited:\n{service.log_excerpt()}"
        runs = scheduled_runs(service.url)
        if runs and first is None:
            first = runs[0]
            stop_daily_schedule(service.url)
        if first is not None:
            first = next(r for r in runs if r["runId"] == first["runId"])
            if first["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                return first
        time.sleep(3)
    what = f"its run {first['runId']} is {first['status']}" if first else "no tick launched a run"
    events = run_events(service.data_dir / "dagster_home", first["runId"]) if first else ""
    pytest.fail(
        f"the daily schedule's run did not finish in {RUN_TIMEOUT_S} s: {what}\n{events}\n{service.log_excerpt()}"
    )


def read_instance(home: Path):
    """The persistent instance ``serve`` ran on, opened read-only in spirit (events are only read)."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def run_events(home: Path, run_id: str, last: int = 40) -> str:
    """The run's failures and its last events, to explain a failed or stuck run."""
    import dagster as dg

    failed = (dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE)
    with read_instance(home) as instance:
        entries = [e for e in instance.all_logs(run_id) if e.dagster_event]
    failures = [e.dagster_event.message or "" for e in entries if e.dagster_event.event_type in failed]
    recent = [
        f"{e.dagster_event.event_type_value} {e.step_key or ''}: {e.message}"[:300] for e in entries[-last:]
    ]
    return "failures:\n" + "\n".join(failures) + "\nlast events:\n" + "\n".join(recent)


def gate_results(home: Path, run_id: str) -> dict:
    """Check key -> the run's evaluations of it, for the quality gates."""
    import dagster as dg

    with read_instance(home) as instance:
        events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    results: dict = {}
    for entry in events:
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.asset_check_key.name in GATES:
            results.setdefault(evaluation.asset_check_key, []).append(evaluation)
    return results


def test_serve_runs_the_scheduled_days_for_two_vendors_at_configured_urls(stub, service):
    sim, sim_keys, _, proxy = stub
    home = service.data_dir / "dagster_home"
    today = datetime.now(UTC).date()

    # The daemon's tick launches the daily run; it succeeds.
    run = wait_for_the_scheduled_run(service)
    assert run["status"] == "SUCCESS", f"{run}\n{run_events(home, run['runId'])}\n{service.log_excerpt()}"
    assert run["jobName"] == "ai_economics_daily"
    tags = {t["key"]: t["value"] for t in run["tags"]}
    first = date.fromisoformat(tags["dagster/asset_partition_range_start"])
    last = date.fromisoformat(tags["dagster/asset_partition_range_end"])
    assert last in (today - timedelta(days=1), datetime.now(UTC).date() - timedelta(days=1))  # yesterday
    assert first == last - timedelta(days=1)  # AIECON_LATE_DATA_LOOKBACK_DAYS=1
    days = [first, last]

    # Only the enabled vendors were asked, each at its configured URL (the proxy 404s anything else).
    enabled_faces = {
        path.strip("/") for name in ENABLED for path in vendor_named(name).simulator_paths.values()
    }
    asked = dict(proxy.asked)
    assert set(asked) == enabled_faces, f"asked per face: {asked}"

    # The published marts: the two vendors' source systems; each day's cost equals the vendor's own figure.
    with duckdb.connect(str(service.data_dir / "serving.duckdb"), read_only=True) as con:
        sources = con.execute("select distinct source_system from marts.fct_ai_calls").fetchall()
        costs = con.execute(
            "select day, source_system, sum(cost_usd) from marts.cost_by_dimension_daily "
            "where dimension_name = 'provider' group by 1, 2"
        ).fetchall()
    assert {s for (s,) in sources} == set(ENABLED)
    by_day = {(day, source): float(cost) for day, source, cost in costs}
    assert set(by_day) == {(day, name) for day in days for name in ENABLED}
    for day in days:
        for name in ENABLED:
            figure = getattr(vendor_figures, f"{name}_cost")(sim, sim_keys, day)
            assert by_day[(day, name)] == pytest.approx(figure, abs=0.005), (day, name)

    # SIGTERM stops the service and both of its children, cleanly.
    children = children_of(service.process.pid)
    assert len(children) == 2, f"expected the webserver and the daemon, found pids {children}"
    service.process.send_signal(signal.SIGTERM)
    try:
        code = service.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"aiecon serve did not stop within {STOP_TIMEOUT_S} s of SIGTERM:\n{service.log_excerpt()}"
        )
    assert code == 0, service.log_excerpt()
    assert not [pid for pid in children if alive(pid)], "a child outlived aiecon serve"

    # On the persistent instance under the data directory: every gate of each enabled vendor has one
    # passed result per day of the run (and none of the disabled vendor exists).
    results = gate_results(home, run["runId"])
    assert {key.asset_key.path[0] for key in results} == {vendor_named(n).dataset for n in ENABLED}
    assert {key.name for key in results} == set(GATES)
    for key, evaluations in results.items():
        per_day = sorted((e.partition, e.passed) for e in evaluations)
        assert per_day == [(d.isoformat(), True) for d in days], (key.to_user_string(), per_day)
