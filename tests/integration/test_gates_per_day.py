"""Every gate of the main job, run over a two-day range in one run (as a backfill runs), records one result
per day; a day with a planted bad row fails, the other day passes, and dbt downstream does not run.

On a copy of the two days the main job built (the ``two_days`` fixture): the gates only, plus the one dbt
model downstream of the planted table (it must never start), so no ingest and no dbt build is paid for.
"""

import json
import shutil

import dagster as dg
import duckdb
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME, record_run_failures
from tests.conftest import DAY_1, DAY_2
from tests.unit.dagster.test_gates_per_day import stored, ui_status

pytestmark = pytest.mark.slow

GATES = ("raw_rules", "volume", "reconciles_with_vendor", "all_vendors_present")
COMPLETIONS = dg.AssetKey(["raw_revenium", "completions"])
STAGING = dg.AssetKey(["staging", "stg_revenium__completions"])
# The planted row (a negative cost) breaks these two on DAY_2, and nothing else.
PLANTED = {
    dg.AssetCheckKey(COMPLETIONS, "raw_rules"),
    dg.AssetCheckKey(COMPLETIONS, "reconciles_with_vendor"),
}


def test_each_gate_records_each_day_and_a_bad_day_fails_alone(two_days, tmp_path, monkeypatch):
    shared, _ = two_days
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(shared, warehouse)  # the shared warehouse stays as the other tests expect it
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIECON_WAREHOUSE", str(warehouse))
    with duckdb.connect(str(warehouse)) as con:
        rows_per_day = dict(
            con.execute("select _day, count(*) from raw_revenium.completions group by 1").fetchall()
        )
        con.execute(
            "update raw_revenium.completions set total_cost = -1 "
            "where id = (select min(id) from raw_revenium.completions where _day = ?)",
            [DAY_2],
        )

    job = defs.resolve_job_def(MAIN_JOB_NAME)
    gates = {k for k in job.asset_layer.asset_graph.asset_check_keys if k.name in GATES}
    assert gates >= PLANTED and len(gates) > 30
    instance = dg.DagsterInstance.ephemeral()
    result = job.get_subset(asset_selection={STAGING}, asset_check_selection=gates).execute_in_process(
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": DAY_1.isoformat(),
            "dagster/asset_partition_range_end": DAY_2.isoformat(),
        },
        raise_on_error=False,
    )

    d1, d2 = DAY_1.isoformat(), DAY_2.isoformat()
    for key in sorted(gates, key=str):
        statuses = {partition: status for partition, (status, _) in stored(instance, key).items()}
        expected = {d1: "SUCCEEDED", d2: "FAILED" if key in PLANTED else "SUCCEEDED"}
        assert statuses == expected, key
        assert ui_status(instance, key) == expected, key

    # Each day's metadata is that day's: its own row count, and the planted row only on DAY_2.
    days = stored(instance, dg.AssetCheckKey(COMPLETIONS, "raw_rules"))
    assert days[d1][1]["rows"] == rows_per_day[DAY_1] and days[d2][1]["rows"] == rows_per_day[DAY_2]
    assert days[d1][1]["problems"] == "none"
    assert days[d2][1]["expect_column_values_to_be_between[total_cost]"] == "1 row(s) fail; e.g. -1.0"

    # Blocking: the failed day fails the gate's step; the dbt model downstream never starts.
    assert not result.success
    failed = {e.step_key for e in result.all_events if e.is_step_failure}
    assert failed == {
        "raw_revenium__completions_raw_rules",
        "raw_revenium__completions_reconciles_with_vendor",
    }
    assert not any("dbt" in (e.step_key or "") for e in result.all_events if e.is_step_start)

    # The run-failure sensor's record names each gate and the day it failed on, with the day's problems.
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    record_run_failures(
        dg.build_run_status_sensor_context(
            sensor_name=record_run_failures.name,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
        ).for_run_failure()
    )
    entry = json.loads((tmp_path / "ops" / "run_failures.jsonl").read_text().splitlines()[-1])
    assert entry["partition"] == f"{d1}..{d2}"
    failed_checks = {(c["check"], c["partition"]): c.get("problems") for c in entry["failed_checks"]}
    assert set(failed_checks) == {
        ("raw_revenium/completions:raw_rules", d2),
        ("raw_revenium/completions:reconciles_with_vendor", d2),
    }
    assert failed_checks[("raw_revenium/completions:raw_rules", d2)] == (
        "expect_column_values_to_be_between[total_cost]: 1 row(s)"
    )
