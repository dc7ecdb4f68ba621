"""Vendor isolation, end to end: one vendor answers 5xx for a whole day; the other vendors' marts for the day
are built and published all the same, the day says which vendor is missing and why, and a re-run of the day
once the vendor is back makes it complete (``dagster_project/defs/isolation.py``)."""

from datetime import UTC, datetime, time, timedelta

import dagster as dg
import duckdb
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.defs.isolation import (
    MISSING_VENDORS_TAG,
    PARTIAL_OF_TAG,
    failed_steps,
    run_partition_range,
)
from dagster_project.defs.schedules import MAIN_JOB_NAME
from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.vendors import VENDOR_NAMES, vendor_named
from simulator.faults import FaultRule
from tests.conftest import DAY_1, DAY_2
from tests.integration import vendor_figures

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DOWN = vendor_named("helicone")
OTHERS = sorted(set(VENDOR_NAMES) - {DOWN.name})


def load_vendor_day(vendor, day) -> None:
    """One vendor's product pipeline for one day, as its ingest asset runs it (the vendor's earlier days)."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    source, pipeline = vendor.make_source(start, start + timedelta(days=1)), vendor_pipeline(vendor.name)
    append_into_empty_windows(pipeline, source)
    pipeline.run(source).raise_on_failed_jobs()


def query(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def coverage(path, day) -> dict[str, tuple]:
    rows = query(
        path,
        "select source_system, status, missing_reason, failed_run_id from marts.source_coverage_daily "
        "where day = ?",
        [day],
    )
    return {source: tuple(rest) for source, *rest in rows}


def daily_costs(path, day) -> dict[str, float]:
    return dict(
        query(
            path,
            "select source_system, sum(cost_usd) from marts.cost_by_dimension_daily "
            "where day = ? and dimension_name = 'provider' group by 1",
            [day],
        )
    )


def publish_check(result: dg.ExecuteInProcessResult):
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "all_vendors_present"
    ]
    return evaluation


def test_a_vendor_down_for_a_day_holds_back_only_itself_and_a_rerun_recovers_the_day(
    simulator, sim_keys, world, warehouse, monkeypatch
):
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "1")
    serving = warehouse.parent / "serving.duckdb"
    load_vendor_day(DOWN, DAY_1)  # the vendor has loaded before: its raw tables exist
    job, instance = defs.resolve_job_def(MAIN_JOB_NAME), dg.DagsterInstance.ephemeral()

    # Every request to the vendor answers 503 for the whole run.
    simulator.add_fault(FaultRule(DOWN.name, status=503, times=1_000_000))
    try:
        results = run_partition_range(job, instance, DAY_2, DAY_2)
    finally:
        simulator.clear_faults()

    # The day's run fails, visibly, at the vendor's ingest step only; the partial run without it succeeds.
    assert len(results) == 2
    failed, partial = results
    assert not failed.success and failed_steps(results) == [f"{DOWN.name}_ingest"]
    assert partial.success, [e.message for e in partial.all_events if e.is_failure]
    assert partial.dagster_run.tags[MISSING_VENDORS_TAG] == DOWN.name
    assert partial.dagster_run.tags[PARTIAL_OF_TAG] == failed.run_id
    assert partial.dagster_run.tags["dagster/partition"] == DAY_2.isoformat()
    built = {e.asset_key for e in partial.get_asset_materialization_events()}
    assert {k.path[0] for k in built} >= {"staging", "marts", "serving"}
    assert not any(k.path[0].startswith("raw_") for k in built)  # the others landed in the failed run

    # The other vendors' marts for the day are built and published, to the vendors' own figures.
    published = daily_costs(serving, DAY_2)
    assert sorted(published) == OTHERS
    for source in OTHERS:
        figure = getattr(vendor_figures, f"{source}_cost")(simulator, sim_keys, DAY_2)
        assert float(published[source]) == pytest.approx(figure, abs=0.005), source
    others_before = {
        s: query(
            serving,
            "select * from marts.fct_ai_calls where day = ? and source_system = ? order by call_id",
            [DAY_2, s],
        )
        for s in OTHERS
    }

    # The day says which vendor is missing, and why: coverage, reconciliation, the publish check.
    day_coverage = coverage(serving, DAY_2)
    assert set(day_coverage) == set(VENDOR_NAMES)
    status, reason, run_id = day_coverage[DOWN.name]
    assert (status, run_id) == ("missing", failed.run_id)
    assert "503" in reason
    assert all(day_coverage[s] == ("complete", None, None) for s in OTHERS)
    reconciliation = dict(
        query(
            serving,
            "select source_system, list(distinct status) from marts.source_reconciliation_daily "
            "where day = ? group by 1",
            [DAY_2],
        )
    )
    assert reconciliation[DOWN.name] == ["vendor_missing"]
    assert all("vendor_missing" not in reconciliation[s] for s in OTHERS if s in reconciliation)
    check = publish_check(partial)
    assert not check.passed
    assert check.metadata["missing_vendors"].value == DOWN.name
    assert "503" in check.metadata[f"cause.{DOWN.name}"].value
    assert check.metadata["failed_run_id"].value == failed.run_id

    # The vendor is back: a normal run of the day makes it complete, as a clean build has it.
    (rerun,) = run_partition_range(job, instance, DAY_2, DAY_2)
    assert rerun.success
    assert publish_check(rerun).passed
    assert set(coverage(serving, DAY_2).values()) == {("complete", None, None)}
    recovered = daily_costs(serving, DAY_2)
    assert sorted(recovered) == sorted(VENDOR_NAMES)
    figure = getattr(vendor_figures, f"{DOWN.name}_cost")(simulator, sim_keys, DAY_2)
    assert float(recovered[DOWN.name]) == pytest.approx(figure, abs=0.005)
    calls = query(
        serving,
        "select count(*) from marts.fct_ai_calls where day = ? and source_system = ?",
        [DAY_2, DOWN.name],
    )
    assert calls[0][0] == int(world.calls(DAY_2).in_helicone.sum())
    for source in OTHERS:  # the partial run had built the others completely: the re-run changed nothing
        assert recovered[source] == published[source]
        rows = query(
            serving,
            "select * from marts.fct_ai_calls where day = ? and source_system = ? order by call_id",
            [DAY_2, source],
        )
        assert rows == others_before[source]
    assert set(
        s
        for (s,) in query(
            serving, "select distinct status from marts.source_reconciliation_daily where day = ?", [DAY_2]
        )
    ) <= {"agrees", "differs"}
