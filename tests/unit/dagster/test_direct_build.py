"""``aiecon build`` without Dagster: a vendor whose load fails is left out of that window's dbt build (same
vars as a Dagster partial run), the others are built, and the build then fails naming the vendor."""

from datetime import date, timedelta

import pytest

from dagster_project import direct_build
from ingestion.vendors import VENDOR_NAMES

DAY = date(2026, 3, 3)


def test_a_failed_vendor_is_built_around_and_named(monkeypatch, tmp_path):
    down = VENDOR_NAMES[-1]
    loads, dbt_runs = [], []
    monkeypatch.setattr(
        direct_build, "load_day", lambda day: loads.append(day) or ({down: "HTTP 503"} if day == DAY else {})
    )
    monkeypatch.setattr(direct_build, "run_dbt", lambda work_dir, *args, vars: dbt_runs.append(vars))
    monkeypatch.setattr(direct_build, "prepare_raw_for_dbt", lambda first, end: {})
    with pytest.raises(direct_build.VendorLoadsFailed, match=f"built without {down}") as failed:
        direct_build.build_days([DAY, DAY + timedelta(days=1)], tmp_path)
    assert loads == [DAY, DAY + timedelta(days=1)]  # the next day was built all the same
    first, second = dbt_runs
    assert first["missing_source_systems"] == [down] and first["missing_reasons"] == {
        down: f"{DAY}: HTTP 503"
    }
    assert first["source_systems"] == list(VENDOR_NAMES)
    assert second["missing_source_systems"] == []
    assert failed.value.failures == {(DAY, down): "HTTP 503"}
    assert f"{DAY} {down}: HTTP 503" in str(failed.value)
