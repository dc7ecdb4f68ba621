"""A run that fails is recorded where an operator looks, naming the step and the vendor's own words."""

import json

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME, record_run_failures
from tests.conftest import DAY_1


def test_a_failed_run_is_recorded_with_its_steps_and_cause(simulator, warehouse, monkeypatch):
    monkeypatch.setenv("REVENIUM_API_KEY", "a-key-revenium-does-not-know")
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

    lines = (warehouse.parent / "ops" / "run_failures.jsonl").read_text().splitlines()
    entry = json.loads(lines[-1])
    assert entry["run_id"] == result.run_id and entry["partition"] == DAY_1.isoformat()
    assert entry["failed_steps"] == ["revenium_ingest"]
    step_failure = next(e for e in result.all_events if e.is_step_failure).step_failure_data
    step_error = step_failure.error.to_string()
    assert "revenium: GET" in step_error and "HTTP 401" in step_error
    # The step's failure message is one line: the vendor client's own, not dlt's wrappers around it.
    message = step_failure.user_failure_data.description
    assert message.startswith("revenium ingest failed: revenium: GET") and "\n" not in message, message
    assert "HTTP 401" in message and "REVENIUM_API_KEY" in message, message
    assert "a-key-revenium-does-not-know" not in step_error + json.dumps(entry)
    # Only a vendor's ingest failed: the sensor asks for the partition again without that vendor.
    assert entry["partial_run_without"] == "revenium"
    assert isinstance(request, dg.RunRequest) and request.tags["aiecon/missing_vendors"] == "revenium"
    assert request.tags["aiecon/partial_of"] == result.run_id
    assert request.tags["dagster/partition"] == DAY_1.isoformat()
    assert not any(k.path[0] == "raw_revenium" for k in request.asset_selection)
    assert "HTTP 401" in request.tags["aiecon/missing_reasons"]
    assert "a-key-revenium-does-not-know" not in json.dumps(request.tags)
