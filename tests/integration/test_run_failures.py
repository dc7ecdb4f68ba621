"""A run that fails is recorded where an operator looks, naming the step, the vendor's own words and the
vendor call that failed (vendor, endpoint, status); runs launched from the asset graph (``__ASSET_JOB``,
what the UI's Materialize and backfills run) are seen by the sensor as the main job's are."""

import json

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME, record_run_failures
from tests.conftest import DAY_1

BAD_KEY = "a-key-revenium-does-not-know"


def last_record(warehouse) -> dict:
    return json.loads((warehouse.parent / "ops" / "run_failures.jsonl").read_text().splitlines()[-1])


def assert_revenium_401_cause(entry: dict, base_url: str) -> None:
    """The record names the vendor call that failed, as fields and in the client's own line."""
    (cause,) = entry["causes"]
    assert cause["step"] == "revenium_ingest" and cause["vendor"] == "revenium", cause
    assert cause["status"] == 401 and cause["outcome"] == "HTTP 401", cause
    assert cause["endpoint"].startswith(base_url) and "?" not in cause["endpoint"], cause
    assert f"GET {cause['endpoint']} failed" in cause["cause"] and "REVENIUM_API_KEY" in cause["cause"], cause
    assert BAD_KEY not in json.dumps(entry)


def test_a_failed_run_is_recorded_with_its_steps_and_cause(simulator, warehouse, monkeypatch):
    monkeypatch.setenv("REVENIUM_API_KEY", BAD_KEY)
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "1")
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
        partition_key=DAY_1.isoformat(), instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name=record_run_failures.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
    ).for_run_failure()
    request = record_run_failures(context)

    entry = last_record(warehouse)
    assert entry["run_id"] == result.run_id and entry["partition"] == DAY_1.isoformat()
    assert entry["failed_steps"] == ["revenium_ingest"]
    assert_revenium_401_cause(entry, simulator.base_url)
    assert entry["failed_checks"] == []  # no gate ran: they are downstream of the failed ingest
    step_failure = next(e for e in result.all_events if e.is_step_failure).step_failure_data
    step_error = step_failure.error.to_string()
    assert "revenium: GET" in step_error and "HTTP 401" in step_error
    # The step's failure message is one line: the vendor client's own, not dlt's wrappers around it.
    message = step_failure.user_failure_data.description
    assert message.startswith("revenium ingest failed: revenium: GET") and "\n" not in message, message
    assert "HTTP 401" in message and "REVENIUM_API_KEY" in message, message
    assert BAD_KEY not in step_error + json.dumps(entry)
    # Only a vendor's ingest failed: the sensor asks for the partition again without that vendor.
    assert entry["partial_run_without"] == "revenium"
    assert isinstance(request, dg.RunRequest) and request.tags["aiecon/missing_vendors"] == "revenium"
    assert request.tags["aiecon/partial_of"] == result.run_id
    assert request.tags["dagster/partition"] == DAY_1.isoformat()
    assert not any(k.path[0] == "raw_revenium" for k in request.asset_selection)
    assert "HTTP 401" in request.tags["aiecon/missing_reasons"]
    assert BAD_KEY not in json.dumps(request.tags)


def test_a_failed_asset_graph_run_is_seen_by_the_sensor_and_recorded(simulator, warehouse, monkeypatch):
    monkeypatch.setenv("REVENIUM_API_KEY", BAD_KEY)
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "1")
    instance = dg.DagsterInstance.ephemeral()
    repository = defs.get_repository_def()

    def tick(cursor: str | None):
        """One evaluation of the sensor as the daemon runs it: it fetches the run failures after its cursor
        and keeps those of jobs it monitors (no monitored_jobs: every job of its code location)."""
        context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repository)
        return record_run_failures.evaluate_tick(context)

    first = tick(None)  # the first tick only places the cursor after what happened before the sensor
    # What the UI's "Materialize" (and an asset backfill) launches: the implicit asset job, Revenium's raw tables.
    asset_job = defs.resolve_implicit_global_asset_job_def()
    raw_revenium = {k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "raw_revenium"}
    result = asset_job.execute_in_process(
        asset_selection=sorted(raw_revenium),  # recorded on the run, as a UI launch records it
        partition_key=DAY_1.isoformat(),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success and result.dagster_run.job_name == "__ASSET_JOB"

    second = tick(first.cursor)
    entry = last_record(warehouse)
    assert (entry["run_id"], entry["job"]) == (result.run_id, "__ASSET_JOB")
    assert entry["failed_steps"] == ["revenium_ingest"]
    assert_revenium_401_cause(entry, simulator.base_url)
    # The asset-graph run held only Revenium: its partial run would have nothing left to build.
    assert second.run_requests == [] and entry["partial_run_without"] is None
