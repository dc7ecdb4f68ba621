"""Build days of the warehouse as the Dagster assets do (dlt pipelines, then dbt), without Dagster.

``aiecon build`` uses it on whatever destination the environment configures (``AIECON_DESTINATION``): the way to
run PostgreSQL today, where the Dagster gates and the publish step still read DuckDB. The parity test runs
this same code once per destination, so the only difference between its two builds is configuration.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from dagster_project.dbt_cli import run_dbt
from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.errors import root_cause_line
from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.vendors import VENDOR_NAMES, VENDORS

log = logging.getLogger(__name__)


class VendorLoadsFailed(RuntimeError):
    """Some vendors could not be loaded for some days; the others were built (``failures``: (day, vendor) ->
    cause). ``aiecon build`` exits non-zero with this message."""

    def __init__(self, failures: dict[tuple[date, str], str]):
        self.failures = failures
        vendors = sorted({v for _, v in failures}, key=lambda v: (VENDOR_NAMES.index(v), v))
        lines = [f"  {day} {vendor}: {cause}" for (day, vendor), cause in sorted(failures.items())]
        super().__init__(
            f"built without {', '.join(vendors)} for the day(s) below (their rows stay as they were; "
            "source_coverage_daily marks them missing); re-run the days once the vendor is back:\n"
            + "\n".join(lines)
        )


def load_day(day: date) -> dict[str, str]:
    """Every vendor's dlt load of one UTC day (registry order), as the ingest assets run them. A vendor that
    fails does not stop the others: the failures come back as {vendor: cause}."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    failures: dict[str, str] = {}
    for vendor in VENDORS:
        try:
            source = vendor.make_source(start, start + timedelta(days=1))
            pipeline = vendor_pipeline(vendor.name)
            append_into_empty_windows(pipeline, source)
            pipeline.run(source).raise_on_failed_jobs()
        except Exception as error:  # noqa: BLE001 - any failure of one vendor's load isolates that vendor
            cause = root_cause_line(error)
            log.error("%s: loading %s failed: %s", vendor.name, day, cause)
            failures[vendor.name] = cause
    return failures


def build_days(days: list[date], work_dir: Path, *, per_day: bool = True, dbt_tests: bool = True) -> None:
    """Load the days, then ``dbt build``: one per day (each day a partition: the replace_window path) or one
    over the whole range (a backfill). Both must give the same marts. ``dbt_tests=False`` skips the dbt tests
    (seeds, models and snapshots are still built).

    A vendor whose load fails for a day does not stop the others: dbt runs with it as a missing source system
    for that window (its rows stay as they were, ``source_coverage_daily`` says so), the other days go on, and
    the build then raises ``VendorLoadsFailed`` naming the vendor(s), the days and the cause."""
    windows = (
        [(d, d + timedelta(days=1)) for d in days]
        if per_day
        else [(min(days), max(days) + timedelta(days=1))]
    )
    failed: dict[tuple[date, str], str] = {}
    for first, end in windows:
        window_failures: dict[str, str] = {}
        for offset in range((end - first).days):
            day = first + timedelta(days=offset)
            for vendor, cause in load_day(day).items():
                failed[(day, vendor)] = cause
                window_failures.setdefault(vendor, f"{day}: {cause}")
        if len(window_failures) == len(VENDORS):
            continue  # no vendor loaded: nothing to build
        skip_tests = (
            () if dbt_tests else ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
        )
        missing = [v for v in VENDOR_NAMES if v in window_failures]
        run_dbt(
            work_dir,
            "build",
            *skip_tests,
            vars={
                "min_date": first.isoformat(),
                "max_date": end.isoformat(),
                "source_systems": list(VENDOR_NAMES),
                "missing_source_systems": missing,
                "missing_reasons": {v: window_failures[v] for v in missing},
            },
        )
    if failed:
        raise VendorLoadsFailed(failed)
