"""Build days of the warehouse as the Dagster assets do (dlt pipelines, then dbt), without Dagster.

``aiecon build`` uses it on whatever destination the environment configures (``AIECON_DESTINATION``): the way to
run PostgreSQL today, where the Dagster gates and the publish step still read DuckDB. The parity test runs
this same code once per destination, so the only difference between its two builds is configuration.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from dlt.pipeline.pipeline import Pipeline

from dagster_project.dbt_cli import run_dbt
from dagster_project.defs.dlt.pipelines import prepare_raw_for_dbt, vendor_pipeline
from dagster_project.errors import root_cause_line
from dagster_project.warehouse_lock import WarehouseBusy, warehouse_writer
from ingestion.core.dlt_resources import append_into_empty_windows, discard_pending_packages
from ingestion.pricing.overrides import dbt_vars as price_override_vars
from ingestion.vendors import VENDOR_NAMES, enabled_vendors

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
    """Every enabled vendor's dlt load of one UTC day (registry order, ``AIECON_VENDORS``), as the ingest assets
    run them. A vendor that fails does not stop the others: the failures come back as {vendor: cause}."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    failures: dict[str, str] = {}
    for vendor in enabled_vendors():
        try:
            source = vendor.make_source(start, start + timedelta(days=1))
            pipeline = vendor_pipeline(vendor.name)
            with warehouse_writer():  # re-entrant: `aiecon build` holds it for the whole build
                _discard_leftovers(pipeline, vendor.name)
                append_into_empty_windows(pipeline, source)
                pipeline.run(source).raise_on_failed_jobs()
        except WarehouseBusy:
            raise  # another run writes the warehouse: no vendor of this build can load
        except Exception as error:  # noqa: BLE001 - any failure of one vendor's load isolates that vendor
            cause = root_cause_line(error)
            log.error("%s: loading %s failed: %s", vendor.name, day, cause)
            failures[vendor.name] = cause
    return failures


def _discard_leftovers(pipeline: Pipeline, vendor: str) -> None:
    """Load packages a killed run left are discarded, never loaded in place of this run's day."""
    discarded = discard_pending_packages(pipeline)
    if discarded:
        log.warning(
            "%s: discarded %d load package(s) a killed run left (%s); the day that run was loading is "
            "complete again once it is re-run",
            vendor,
            len(discarded),
            ", ".join(discarded),
        )


@warehouse_writer()  # the whole build, dbt included: one writer of the warehouse at a time
def build_days(days: list[date], work_dir: Path, *, per_day: bool = True, dbt_tests: bool = True) -> None:
    """Load the days, then ``dbt build``: one per day (each day a partition: the replace_window path) or one
    over the whole range (a backfill). Both must give the same marts. ``dbt_tests=False`` skips the dbt tests
    (seeds, models and snapshots are still built).

    A vendor whose load fails for a day does not stop the others: dbt runs with it as a missing source system
    for that window (its rows stay as they were, ``source_coverage_daily`` says so), the other days go on, and
    the build then raises ``VendorLoadsFailed`` naming the vendor(s), the days and the cause.

    Only the enabled vendors (``AIECON_VENDORS``) are loaded and named to dbt (``source_systems``); the raw
    tables of the others, and of a vendor never loaded yet, are created empty first (staging reads them all)."""
    windows = (
        [(d, d + timedelta(days=1)) for d in days]
        if per_day
        else [(min(days), max(days) + timedelta(days=1))]
    )
    failed: dict[tuple[date, str], str] = {}
    enabled = [v.name for v in enabled_vendors()]
    for first, end in windows:
        window_failures: dict[str, str] = {}
        for offset in range((end - first).days):
            day = first + timedelta(days=offset)
            for vendor, cause in load_day(day).items():
                failed[(day, vendor)] = cause
                window_failures.setdefault(vendor, f"{day}: {cause}")
        if len(window_failures) == len(enabled):
            continue  # no vendor loaded: nothing to build
        # staging reads every registered vendor's raw tables: a disabled or never-loaded vendor's are empty
        if created := prepare_raw_for_dbt(first, end):
            log.info("raw tables created empty (no load yet): %s", created)
        skip_tests = (
            () if dbt_tests else ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
        )
        missing = [v for v in enabled if v in window_failures]
        run_dbt(
            work_dir,
            "build",
            *skip_tests,
            vars={
                "min_date": first.isoformat(),
                "max_date": end.isoformat(),
                "source_systems": enabled,
                "missing_source_systems": missing,
                "missing_reasons": {v: window_failures[v] for v in missing},
                **price_override_vars(),
            },
        )
    if failed:
        raise VendorLoadsFailed(failed)
