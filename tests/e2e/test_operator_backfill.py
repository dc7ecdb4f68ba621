"""The operator's path: the Dagster webserver and daemon on a temporary instance, a backfill of a
partition range launched through the webserver's GraphQL API (what the UI's "Materialize → backfill"
sends), and the marts checked once it finishes."""

import os
import shutil
import socket
import subprocess
import time

import duckdb
import pytest

from dagster_project.definitions import defs
from dagster_project.local_stack import INSTANCE_TEMPLATE
from dagster_project.settings import REPO_ROOT, venv_executable
from tests.conftest import DAY_1, DAY_2
from tests.integration.vendor_figures import revenium_cost
from tests.processes import graphql, wait_until, webserver_up

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
STATUS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { status }
    ... on PythonError { message }
  }
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dagster_services(simulator, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "AIECON_DATA_DIR": str(tmp_path / "data")}
    env.pop("AIECON_WAREHOUSE", None)
    port = free_port()
    workspace = str(REPO_ROOT / "workspace.yaml")
    log = open(tmp_path / "services.log", "ab")  # noqa: SIM115  (closed in the finally below)
    processes = [
        subprocess.Popen(
            [venv_executable("dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
            env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [venv_executable("dagster-daemon"), "run", "-w", workspace],
            env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: webserver_up(url), 120, "the Dagster webserver to come up", every_s=1)
        yield url, tmp_path / "data" / "warehouse.duckdb", tmp_path / "services.log"
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def test_a_backfill_launched_through_the_webserver_builds_the_marts(dagster_services, simulator, sim_keys):
    url, warehouse, log = dagster_services
    graph = defs.resolve_asset_graph()
    keys = [{"path": list(k.path)} for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    launched = graphql(
        url, LAUNCH,
        {"params": {"assetSelection": keys, "partitionNames": [DAY_1.isoformat(), DAY_2.isoformat()],
                    "title": "test backfill"}},
    )["launchPartitionBackfill"]  # fmt: skip
    assert launched["__typename"] == "LaunchBackfillSuccess", launched

    deadline = time.monotonic() + 420
    status = None
    while time.monotonic() < deadline:
        status = graphql(url, STATUS, {"id": launched["backfillId"]})["partitionBackfillOrError"]["status"]
        if status in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"):
            break
        time.sleep(3)
    assert status in ("COMPLETED", "COMPLETED_SUCCESS"), f"{status}\n{log.read_text()[-4000:]}"

    with duckdb.connect(str(warehouse), read_only=True) as con:
        totals = dict(
            con.execute(
                "select day, sum(cost_usd) from marts.cost_by_dimension_daily "
                "where source_system = 'revenium' and dimension_name = 'provider' group by day"
            ).fetchall()
        )
    assert set(totals) == {DAY_1, DAY_2}
    for day, ours in totals.items():
        assert float(ours) == pytest.approx(revenium_cost(simulator, sim_keys, day), abs=0.005)
