"""A range run's gates record one result per day (defs/quality/per_day.py), the way the UI reads them.

Each test runs a two- or three-day range in one run, as a backfill does (``BackfillPolicy.single_run``), and
reads the results back from the instance: the evaluations stored per partition, and the per-partition
status the UI's Checks → Partitions view is built from (``event_log_storage.get_asset_check_state``).
"""

from datetime import date

import dagster as dg
import duckdb
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecord
from dagster_dlt import DagsterDltResource

from dagster_project.defs.dlt.assets import INGEST_ASSETS
from dagster_project.defs.quality.partition_checks import partition_checks
from dagster_project.defs.quality.per_day import evaluations, judged_days
from dagster_project.partitions import daily_partitions
from ingestion.core.windows import Window

D1, D2, D3 = "2026-03-03", "2026-03-04", "2026-03-05"
BAD_DAY_TAG = "test/bad_day"  # the day the toy gate fails, if any
RANGE_TAGS = {"dagster/asset_partition_range_start": D1, "dagster/asset_partition_range_end": D3}


@dg.asset(partitions_def=daily_partitions, backfill_policy=dg.BackfillPolicy.single_run())
def toy_raw() -> None:
    """Stands for a raw table: materialized for every day of the range in one step."""


@dg.asset_check(asset=toy_raw, name="toy_gate", blocking=True, partitions_def=daily_partitions)
def toy_gate(context: dg.AssetCheckExecutionContext):
    bad_day = context.run.tags.get(BAD_DAY_TAG)

    def judge_day(window: Window) -> tuple[list[str], dict]:
        day = window.start.date().isoformat()
        return (["planted problem"] if day == bad_day else []), {"day_seen": day}

    yield from evaluations(context, judged_days(context, "toy", judge_day))


@dg.asset(deps=[toy_raw], partitions_def=daily_partitions, backfill_policy=dg.BackfillPolicy.single_run())
def toy_mart() -> None:
    """Downstream of the gated asset: must not run when any day's gate failed."""


def run_range(*assets, tags=RANGE_TAGS, **kwargs) -> tuple[dg.ExecuteInProcessResult, dg.DagsterInstance]:
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(list(assets), instance=instance, tags=tags, raise_on_error=False, **kwargs)
    return result, instance


def ui_status(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> dict[str, str]:
    """partition -> the status the UI's per-partition view shows for ``key``."""
    (state,) = instance.event_log_storage.get_asset_check_state([(key, daily_partitions)]).values()
    return {
        partition: status.value
        for status, subset in state.subsets.items()
        for partition in subset.subset_value.get_partition_keys()
    }


def records(
    instance: dg.DagsterInstance, key: dg.AssetCheckKey
) -> dict[str | None, AssetCheckExecutionRecord]:
    """partition -> the stored execution record of ``key`` (one run per instance here)."""
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=100)
    return {record.partition: record for record in history}


def stored(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> dict[str | None, tuple]:
    """partition -> (status, metadata) of what is stored for ``key``: SUCCEEDED/FAILED with the evaluation's
    metadata, or PLANNED (never evaluated) with None."""
    return {
        partition: (
            record.status.value,
            {k: v.value for k, v in record.evaluation.metadata.items()}
            if record.status.value in ("SUCCEEDED", "FAILED")
            else None,
        )
        for partition, record in records(instance, key).items()
    }


def test_a_range_run_records_each_day_and_a_failed_day_blocks_downstream():
    result, instance = run_range(toy_raw, toy_gate, toy_mart, tags={**RANGE_TAGS, BAD_DAY_TAG: D2})
    key = toy_gate.check_key

    assert stored(instance, key) == {
        D1: ("SUCCEEDED", {"day_seen": D1, "problems": "none"}),
        D2: ("FAILED", {"day_seen": D2, "problems": "planted problem"}),
        D3: ("SUCCEEDED", {"day_seen": D3, "problems": "none"}),
    }
    assert ui_status(instance, key) == {D1: "SUCCEEDED", D2: "FAILED", D3: "SUCCEEDED"}
    # Blocking: the one failed day fails the gate's step, so the downstream asset never starts.
    assert not result.success
    assert [e.step_key for e in result.all_events if e.is_step_failure] == ["toy_raw_toy_gate"]
    assert "toy_mart" not in {e.step_key for e in result.all_events if e.is_step_start}


def test_each_days_result_targets_that_days_materialization():
    result, instance = run_range(toy_raw, toy_gate, toy_mart)
    assert result.success
    for day in (D1, D2, D3):
        (mat,) = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=toy_raw.key, asset_partitions=[day]), limit=10
        ).records
        target = records(instance, toy_gate.check_key)[day].evaluation.target_materialization_data
        assert target is not None and target.storage_id == mat.storage_id, day
    assert ui_status(instance, toy_gate.check_key) == {d: "SUCCEEDED" for d in (D1, D2, D3)}


def test_a_single_partition_run_records_that_day_as_before():
    result, instance = run_range(toy_raw, toy_gate, tags={}, partition_key=D1)
    assert result.success
    assert stored(instance, toy_gate.check_key) == {D1: ("SUCCEEDED", {"day_seen": D1, "problems": "none"})}
    assert ui_status(instance, toy_gate.check_key) == {D1: "SUCCEEDED"}


# ------------------------------------------------------------------ the volume gate over a range, by hand

VOLUME = next(
    c
    for c in partition_checks
    if dg.AssetCheckKey(dg.AssetKey(["raw_revenium", "completions"]), "volume") in c.check_keys
)


def test_the_volume_gate_judges_each_day_against_its_own_trailing_days(warehouse):
    # 3-7 March: 1000 rows a day; 8 March: 200; 9 March: 1000. Range 7..9 March in one run.
    counts = {date(2026, 3, d): 1000 for d in range(3, 8)} | {date(2026, 3, 8): 200, date(2026, 3, 9): 1000}
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_revenium")
        con.execute("create table raw_revenium.completions (_day date)")
        for day, n in counts.items():
            con.execute("insert into raw_revenium.completions select ? from range(?)", [day, n])
    result, instance = run_range(
        INGEST_ASSETS["revenium"],
        VOLUME,
        selection=dg.AssetSelection.checks(*VOLUME.check_keys),
        resources={"dlt": DagsterDltResource()},
        tags={
            "dagster/asset_partition_range_start": "2026-03-07",
            "dagster/asset_partition_range_end": "2026-03-09",
        },
    )
    (key,) = VOLUME.check_keys
    days = stored(instance, key)
    assert set(days) == {"2026-03-07", "2026-03-08", "2026-03-09"}
    # Each day's own count (not the range's total) against the median of the 14 days before it.
    assert days["2026-03-07"] == (
        "SUCCEEDED", {"rows": 1000, "trailing_median": 1000, "history_days": 4, "problems": "none"}
    )  # fmt: skip
    # 200 < 25% of 1000 (250)
    assert days["2026-03-08"][0] == "FAILED"
    assert days["2026-03-08"][1]["rows"] == 200
    assert days["2026-03-08"][1]["problems"] == "2026-03-08: 200 rows, below 25% of the trailing median 1000"
    # 9 March's history holds 3..8 March, the range's earlier days included: median of 1000 x5 and 200
    assert days["2026-03-09"] == (
        "SUCCEEDED", {"rows": 1000, "trailing_median": 1000, "history_days": 6, "problems": "none"}
    )  # fmt: skip
    assert ui_status(instance, key) == {
        "2026-03-07": "SUCCEEDED",
        "2026-03-08": "FAILED",
        "2026-03-09": "SUCCEEDED",
    }
    assert not result.success
