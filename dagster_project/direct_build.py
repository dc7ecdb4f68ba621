"""Build days of the warehouse as the Dagster assets do (dlt pipelines, then dbt), without Dagster.

``aiecon build`` uses it on whatever destination the environment configures (``AIECON_DESTINATION``): the way to
run PostgreSQL today, where the Dagster gates and the publish step still read DuckDB. The parity test runs
this same code once per destination, so the only difference between its two builds is configuration.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from dagster_project.dbt_cli import run_dbt
from dagster_project.defs.dlt.pipelines import vendor_pipeline
from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.vendors import VENDORS


def load_day(day: date) -> None:
    """Every vendor's dlt load of one UTC day (registry order), as the ingest assets run them."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    for vendor in VENDORS:
        source, pipeline = vendor.make_source(start, start + timedelta(days=1)), vendor_pipeline(vendor.name)
        append_into_empty_windows(pipeline, source)
        pipeline.run(source).raise_on_failed_jobs()


def build_days(days: list[date], work_dir: Path, *, per_day: bool = True, dbt_tests: bool = True) -> None:
    """Load the days, then ``dbt build``: one per day (each day a partition: the replace_window path) or one
    over the whole range (a backfill). Both must give the same marts. ``dbt_tests=False`` skips the dbt tests
    (seeds, models and snapshots are still built)."""
    windows = (
        [(d, d + timedelta(days=1)) for d in days]
        if per_day
        else [(min(days), max(days) + timedelta(days=1))]
    )
    for first, end in windows:
        for offset in range((end - first).days):
            load_day(first + timedelta(days=offset))
        skip_tests = (
            () if dbt_tests else ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
        )
        run_dbt(
            work_dir, "build", *skip_tests, vars={"min_date": first.isoformat(), "max_date": end.isoformat()}
        )
