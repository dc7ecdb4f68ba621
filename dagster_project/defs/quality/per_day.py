"""One check evaluation per day of the step's partitions (docs/quality-gates.md, "One result per day").

A range run (a backfill, the daily look-back, the demo: ``BackfillPolicy.single_run``) executes each check
once for all its days. Dagster records an ``AssetCheckResult`` of such a step with no partition (it sets one
only when the step has a single partition key), so the partitions Dagster planned the check for stay
"planned" and the UI's Checks → Partitions shows every day of the range "Skipped". A gate here yields one
``AssetCheckEvaluation`` per day instead, carrying the day's partition, the day's metadata and the day's
materialization of the checked asset as its target: each fills the row Dagster planned for that day, so the
UI and ``instance.event_log_storage`` show each day passed or failed. Dagster's step fails when any yielded
evaluation of a blocking check failed, so one failed day still stops everything downstream in the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg

# Not exported by ``dagster``; it is the documented field type of AssetCheckEvaluation's target.
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from dagster_project.partitions import daily_partitions
from ingestion.core.windows import Window


@dataclass(frozen=True)
class DayVerdict:
    """A gate's judgement of one day (one partition)."""

    partition: str
    passed: bool
    metadata: Mapping[str, Any]


def step_days(context: dg.AssetCheckExecutionContext) -> list[tuple[str, Window]]:
    """(partition key, that day's window) of every partition the step runs for: one, or a range."""
    return [
        (key, Window(tw.start, tw.end))
        for key in context.partition_keys
        for tw in [daily_partitions.time_window_for_partition_key(key)]
    ]


def evaluations(
    context: dg.AssetCheckExecutionContext, verdicts: Iterable[DayVerdict]
) -> Iterator[dg.Output | dg.AssetCheckEvaluation]:
    """The check's output (which blocked steps downstream wait for) and one evaluation per day.

    ``verdicts`` may be lazy: each day's evaluation is recorded as soon as it is judged."""
    (spec,) = context.check_specs  # every gate here is its own ``@asset_check``: one spec
    output_name = context.op_execution_context.assets_def.get_output_name_for_asset_check_key(spec.key)
    yield dg.Output(None, output_name=output_name)
    for verdict in verdicts:
        yield dg.AssetCheckEvaluation(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=verdict.passed,
            metadata=verdict.metadata,
            target_materialization_data=_target(context.instance, spec.asset_key, verdict.partition),
            blocking=spec.blocking,
            partition=verdict.partition,
        )


def judged_days(
    context: dg.AssetCheckExecutionContext,
    what: str,
    judge_day: Callable[[Window], tuple[list[str], Mapping[str, Any]]],
) -> Iterator[DayVerdict]:
    """Each day's verdict from ``judge_day(the day's window) -> (problems, metadata)``: passed when there is
    no problem; every problem is named in the step's log and in the day's ``problems`` metadata."""
    for partition, window in step_days(context):
        problems, metadata = judge_day(window)
        if problems:  # each problem named with its day (the volume and reconciliation texts start with it)
            named = (p if p.startswith(partition) else f"{partition}: {p}" for p in problems)
            context.log.error(f"{what}: " + "; ".join(named))
        yield DayVerdict(partition, not problems, {**metadata, "problems": "; ".join(problems) or "none"})


def _target(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, partition: str
) -> AssetCheckEvaluationTargetMaterializationData | None:
    """The day's latest materialization of the checked asset (what Dagster sets for a one-partition step):
    without it the UI takes a day's result as stale once the asset has a materialization for that day."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition]), limit=1
    ).records
    if not records:
        return None
    latest = records[0]
    return AssetCheckEvaluationTargetMaterializationData(
        storage_id=latest.storage_id, run_id=latest.event_log_entry.run_id, timestamp=latest.timestamp
    )
