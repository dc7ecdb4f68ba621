"""The main job and when it runs."""

from datetime import UTC, datetime

import dagster as dg

from dagster_project.partitions import daily_partitions

MAIN_JOB_NAME = "ai_economics_daily"

ai_economics_daily = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Pull every vendor for the partition's window, gate raw data, then build the dbt models.",
)


@dg.schedule(
    job=ai_economics_daily,
    cron_schedule="15 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Hourly refresh of today's partition (a partial day: the vendors keep metering).",
)
def hourly_today_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = context.scheduled_execution_time or datetime.now(UTC)
    partition_key = scheduled.astimezone(UTC).strftime("%Y-%m-%d")
    return dg.RunRequest(run_key=f"hourly-{scheduled.isoformat()}", partition_key=partition_key)
