"""The main job, when it runs, and where its failures are recorded.

* hourly: today's partition (a partial day: the vendors keep metering);
* daily: yesterday and the ``AIECON_LATE_DATA_LOOKBACK_DAYS`` days before it (default 2) in one run, so
  records that reached a vendor late land in the days they belong to before yesterday is final;
* on failure: a line per failed run in ``$AIECON_DATA_DIR/ops/run_failures.jsonl`` and in the sensor's log;
  a run that failed only at vendors' ingest steps or gates also asks for a partial run of its partition(s)
  without those vendors (``defs/isolation.py``), so the other vendors' marts are built and published. The
  failed vendor's days are retried by the next full run: the daily run's look-back re-pulls them.
"""

import json
import os
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from dagster_project.defs.isolation import MISSING_VENDORS_TAG, partial_run_for_failure
from dagster_project.partitions import daily_partitions
from dagster_project.settings import data_dir

MAIN_JOB_NAME = "ai_economics_daily"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

ai_economics_daily = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Pull every vendor for the partition's window, gate raw data, build the dbt models, publish.",
)


def late_data_lookback_days() -> int:
    return int(os.environ.get("AIECON_LATE_DATA_LOOKBACK_DAYS", "2"))


def finalize_range(today: date, lookback_days: int) -> tuple[date, date]:
    """[first, last] partitions of the daily run: yesterday and the look-back days before it."""
    yesterday = today - timedelta(days=1)
    return yesterday - timedelta(days=lookback_days), yesterday


def _scheduled_time(context: dg.ScheduleEvaluationContext) -> datetime:
    return (context.scheduled_execution_time or datetime.now(UTC)).astimezone(UTC)


@dg.schedule(
    job=ai_economics_daily,
    cron_schedule="15 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Hourly refresh of today's partition.",
)
def hourly_today_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = _scheduled_time(context)
    return dg.RunRequest(
        run_key=f"hourly-{scheduled.isoformat()}", partition_key=scheduled.strftime("%Y-%m-%d")
    )


@dg.schedule(
    job=ai_economics_daily,
    cron_schedule="30 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily: re-pull the late-data look-back and finalise yesterday, in one run.",
)
def daily_finalize(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = _scheduled_time(context)
    first, last = finalize_range(scheduled.date(), late_data_lookback_days())
    return dg.RunRequest(
        run_key=f"daily-{scheduled.date().isoformat()}",
        tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
    )


ASSET_JOB_PREFIX = "__ASSET_JOB"  # runs launched from the asset graph (materialize in the UI)


@dg.run_failure_sensor(
    # No monitored_jobs: every job of this code location, i.e. the main job and the asset-graph runs.
    request_job=ai_economics_daily,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Records every failed run of the main job (and of asset-graph runs) where an operator looks: a JSONL "
        "file and this log. When only vendors' ingest steps or gates failed, requests a partial run of the "
        "same partition(s) without those vendors (tag aiecon/missing_vendors)."
    ),
)
def record_run_failures(context: dg.RunFailureSensorContext) -> dg.RunRequest | None:
    run = context.dagster_run
    if run.job_name != MAIN_JOB_NAME and not run.job_name.startswith(ASSET_JOB_PREFIX):
        return None
    failure_events = context.get_step_failure_events()
    try:
        events = [
            entry.dagster_event for entry in context.instance.all_logs(run.run_id) if entry.dagster_event
        ]
        request = partial_run_for_failure(_job_def(context, run.job_name), run, events)
    except Exception as error:  # noqa: BLE001 - the failure is recorded whatever the partial run's fate
        context.log.exception(f"no partial run for {run.run_id}: {error}")
        request = None
    entry = {
        "failed_at": datetime.now(UTC).isoformat(),
        "run_id": run.run_id,
        "job": run.job_name,
        "partition": run.tags.get("dagster/partition")
        or f"{run.tags.get(RANGE_START_TAG)}..{run.tags.get(RANGE_END_TAG)}",
        "failed_steps": sorted({e.step_key for e in failure_events if e.step_key}),
        "error": context.failure_event.message,
        "partial_run_without": request.tags[MISSING_VENDORS_TAG] if request else None,
    }
    path = data_dir() / "ops" / "run_failures.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as log:
        log.write(json.dumps(entry) + "\n")
    context.log.error(
        f"run {run.run_id} of {run.job_name} failed ({entry['partition']}): {entry['failed_steps']}"
        + (f"; requesting a partial run without {entry['partial_run_without']}" if request else "")
    )
    return request


def _job_def(context: dg.RunFailureSensorContext, job_name: str) -> dg.JobDefinition:
    repository = context.repository_def
    if repository is not None and repository.has_job(job_name):
        return repository.get_job(job_name)
    from dagster_project.definitions import defs  # the sensor is part of defs: imported when it runs

    return defs.resolve_job_def(MAIN_JOB_NAME)
