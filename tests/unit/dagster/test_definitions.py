"""Definitions load, and the pure helpers that pass the partition window on behave for a fixed window."""

from datetime import UTC, datetime

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.dbt.assets import dbt_vars_for_window
from dagster_project.defs.schedules import MAIN_JOB_NAME


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    assert job.partitions_def is not None


def test_every_raw_asset_has_a_blocking_check():
    graph = defs.resolve_asset_graph()
    raw_keys = {k for k in graph.get_all_asset_keys() if k.path[0].startswith("raw_")}
    assert {k.to_user_string() for k in raw_keys} == {
        "raw_revenium/completions",
        "raw_revenium/analytics_cost_by_provider",
        *(
            f"raw_revenium/{name}"
            for name in (
                "traces",
                "tool_events",
                "squad_executions",
                "squad_timeline_events",
                "squad_entities",
                "jobs",
                "job_roi",
                "job_transactions",
                "job_outcome_history",
                "job_types",
                "job_conversion_funnel",
                "ai_metrics",
                "audio_metrics",
                "image_metrics",
                "video_metrics",
                "analytics_aggregated",
                "analytics_timeseries",
                "analytics_trace_cost_distribution",
                "analytics_jobs_roi_summary",
            )
        ),  # fmt: skip
        "raw_helicone/requests",
        "raw_helicone/metrics_total_cost",
        "raw_helicone/sessions",
        "raw_helicone/user_metrics",
        "raw_orq/reporting_buckets",
        "raw_orq/reporting_cost_totals",
        "raw_orq/traces",
        "raw_orq/spans",
    }
    checks = {
        spec.asset_key: spec
        for spec in graph.asset_check_keys and [graph.get_check_spec(k) for k in graph.asset_check_keys]
    }
    for key in raw_keys:
        assert checks[key].blocking, key


def test_dbt_models_depend_on_the_raw_assets():
    graph = defs.resolve_asset_graph()
    fct = graph.get(dg.AssetKey(["marts", "fct_ai_calls"]))
    upstream = graph.get_ancestor_asset_keys(fct.key)
    assert dg.AssetKey(["raw_revenium", "completions"]) in upstream
    assert dg.AssetKey(["raw_helicone", "requests"]) in upstream


def test_dbt_vars_cover_the_window_days():
    one_day = dg.TimeWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
    assert dbt_vars_for_window(one_day) == {"min_date": "2026-03-01", "max_date": "2026-03-02"}
    week = dg.TimeWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC))
    assert dbt_vars_for_window(week) == {"min_date": "2026-03-01", "max_date": "2026-03-08"}


def test_hourly_schedule_refreshes_todays_partition():
    from dagster_project.defs.schedules import hourly_today_refresh

    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 3, 3, 10, 15, tzinfo=UTC))
    request = hourly_today_refresh(context)
    assert request.partition_key == "2026-03-03"


def test_daily_schedule_repulls_the_lookback_and_finalizes_yesterday(monkeypatch):
    from dagster_project.defs.schedules import daily_finalize

    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 3, 10, 2, 30, tzinfo=UTC))
    request = daily_finalize(context)
    assert request.tags["dagster/asset_partition_range_start"] == "2026-03-07"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-03-09"
    monkeypatch.setenv("AIECON_LATE_DATA_LOOKBACK_DAYS", "0")
    assert daily_finalize(context).tags["dagster/asset_partition_range_start"] == "2026-03-09"
