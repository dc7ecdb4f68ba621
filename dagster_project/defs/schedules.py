"""The main job, when it runs, and where its failures are recorded.

* hourly (``AIECON_HOURLY_REFRESH_CRON``): today's partition (a partial day: the vendors keep metering);
* daily (``AIECON_DAILY_FINALIZE_CRON``): yesterday and the ``AIECON_LATE_DATA_LOOKBACK_DAYS`` days before
  it (default 2) in one run, so records that reached a vendor late land in the days they belong to before
  yesterday is final;
* both start stopped unless ``AIECON_SCHEDULES`` is on, which ``aiecon serve`` sets;
* on failure: a line per failed run in ``$AIECON_DATA_DIR/ops/run_failures.jsonl`` and in the sensor's log;
  a run that failed only at vendors' ingest steps or gates also asks for a partial run of its partition(s)
  without those vendors (``defs/isolation.py``), so the other vendors' marts are built and published. The
  failed vendor's days are retried by the next full run: the daily run's look-back re-pulls them.
"""

import json
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from dagster_project.defs.failure_record import describe, failed_check_days, step_causes
from dagster_project.defs.isolation import MISSING_VENDORS_TAG, partial_run_for_failure
from dagster_project.partitions import daily_partitions
from dagster_project.settings import data_dir
from ingestion.core.setting_registry import SettingError, value

MAIN_JOB_NAME = "ai_economics_daily"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

ai_economics_daily = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Pull every enabled vendor for the partition's window, gate raw data, build the dbt models, publish.",
)


def late_data_lookback_days() -> int:
    return value("AIECON_LATE_DATA_LOOKBACK_DAYS")


def finalize_range(today: date, lookback_days: int) -> tuple[date, date]:
    """[first, last] partitions of the daily run: yesterday and the look-back days before it."""
    yesterday = today - timedelta(days=1)
    return yesterday - timedelta(days=lookback_days), yesterday


def _scheduled_time(context: dg.ScheduleEvaluationContext) -> datetime:
    return (context.scheduled_execution_time or datetime.now(UTC)).astimezone(UTC)


def schedule_status() -> dg.DefaultScheduleStatus:
    """RUNNING when ``AIECON_SCHEDULES`` is on (``aiecon serve`` turns it on: a service schedules from its
    first start); STOPPED elsewhere (``dagster dev``, the demo, tests). A status set in the UI overrides it."""
    on = value("AIECON_SCHEDULES")
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


def schedule_cron(name: str) -> str:
    """The cron expression in setting ``name``; one line naming the variable when Dagster cannot use it."""
    from dagster._utils.schedules import is_valid_cron_string

    cron = value(name).strip()
    if not is_valid_cron_string(cron):
        raise SettingError(
            name, f"{name}={cron!r}: expected a cron expression of 5 fields, e.g. '30 2 * * *'"
        )
    return cron


@dg.schedule(
    job=ai_economics_daily,
    cron_schedule=schedule_cron("AIECON_HOURLY_REFRESH_CRON"),
    execution_timezone="UTC",
    default_status=schedule_status(),
    description="Hourly refresh of today's partition.",
)
def hourly_today_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = _scheduled_time(context)
    return dg.RunRequest(
        run_key=f"hourly-{scheduled.isoformat()}", partition_key=scheduled.strftime("%Y-%m-%d")
    )


@dg.schedule(
    job=ai_economics_daily,
    cron_schedule=schedule_cron("AIECON_DAILY_FINALIZE_CRON"),
    execution_timezone="UTC",
    default_status=schedule_status(),
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


def materializes_the_assets(job_name: str) -> bool:
    """The main job, or a run launched from the asset graph (a UI backfill or materialization)."""
    return job_name == MAIN_JOB_NAME or job_name.startswith(ASSET_JOB_PREFIX)


@dg.run_failure_sensor(
    # No monitored_jobs: Dagster then matches every run of this code location (run_status_sensor_definition:
    # same location and repository), the asset-graph runs (__ASSET_JOB) and the retention job included.
    request_job=ai_economics_daily,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Records every failed run of this code location (the main job, asset-graph runs and backfills, the "
        "retention job) where an operator looks: a JSONL file and this log, with each failed step's root "
        "cause (a vendor's: vendor, endpoint, status) and each day a gate failed. When only vendors' ingest "
        "steps or gates failed, requests a partial run of the same partition(s) without those vendors (tag "
        "aiecon/missing_vendors)."
    ),
)
def record_run_failures(context: dg.RunFailureSensorContext) -> dg.RunRequest | None:
    run = context.dagster_run
    failure_events = context.get_step_failure_events()
    events = [entry.dagster_event for entry in context.instance.all_logs(run.run_id) if entry.dagster_event]
    request = None
    if materializes_the_assets(run.job_name):
        try:
            request = partial_run_for_failure(_job_def(context, run.job_name), run, events)
        except Exception as error:  # noqa: BLE001 - the failure is recorded whatever the partial run's fate
            context.log.exception(f"no partial run for {run.run_id}: {error}")
    entry = {
        "failed_at": datetime.now(UTC).isoformat(),
        "run_id": run.run_id,
        "job": run.job_name,
        "partition": run.tags.get("dagster/partition")
        or (
            f"{run.tags[RANGE_START_TAG]}..{run.tags.get(RANGE_END_TAG)}"
            if RANGE_START_TAG in run.tags
            else None
        ),
        "failed_steps": sorted({e.step_key for e in failure_events if e.step_key}),
        "error": context.failure_event.message,
        # why: each failed step's root cause (a vendor's: vendor, endpoint, status) and each failed gate day
        "causes": step_causes(failure_events),
        "failed_checks": failed_check_days(events),
        "partial_run_without": request.tags[MISSING_VENDORS_TAG] if request else None,
    }
    path = data_dir() / "ops" / "run_failures.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as log:
        log.write(json.dumps(entry) + "\n")
    context.log.error(
        f"run {run.run_id} of {run.job_name} failed ({entry['partition']}): "
        + describe(entry["causes"], entry["failed_checks"])
        + (f"; requesting a partial run without {entry['partial_run_without']}" if request else "")
    )
    return request


def _job_def(context: dg.RunFailureSensorContext, job_name: str) -> dg.JobDefinition:
    repository = context.repository_def
    if repository is not None and repository.has_job(job_name):
        return repository.get_job(job_name)
    from dagster_project.definitions import defs  # the sensor is part of defs: imported when it runs

    return defs.resolve_job_def(MAIN_JOB_NAME)
