"""Vendor isolation: a vendor whose ingest fails for a partition does not hold back the other vendors.

Dagster never runs a step downstream of a failed one, so the run that met the vendor's failure fails, and
stays failed in the UI (its raw partition shows Failed). Its failure then asks for a *partial run* of the same
partition(s): every asset and check of the failed run except the failed vendors' raw tables and their gates
(and the raw tables of the vendors the failed run already landed and gated: they are current).
That run builds the other vendors' staging and marts and publishes them; dbt gets the missing vendors
(``missing_source_systems``) and leaves their rows of the window as they were (the ``replace_window``
strategy), ``source_coverage_daily`` marks them 'missing' for those days, and the publish check
``all_vendors_present`` fails naming them and the cause. A later full run of the days (the daily schedule's
look-back re-runs them) replaces everything and makes the days complete again.

* ``partial_run_request``: the decision, a pure function of the failed run's facts (unit-tested);
* ``partial_run_for_failure``: the same from a failed run and its step failures, for the run-failure sensor;
* ``run_partition_range``: the in-process path (demo, tests): run the job and, if asked, the partial run.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import dagster as dg

from dagster_project.errors import one_line
from dagster_project.warehouse_lock import is_busy_failure
from ingestion.vendors import VENDORS

MISSING_VENDORS_TAG = "aiecon/missing_vendors"  # comma list of the vendors a partial run leaves out
PARTIAL_OF_TAG = "aiecon/partial_of"  # the run id of the failed run a partial run stands in for
MISSING_REASONS_TAG = "aiecon/missing_reasons"  # JSON {vendor: the first line of its step's error}
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class VendorSteps:
    """What of a vendor a run can hold: the steps that belong to it (its ingest step and the gates on its raw
    tables), its raw asset keys and the check keys on them."""

    steps: Mapping[str, str]  # step key -> vendor
    raw_assets: Mapping[str, frozenset[dg.AssetKey]]  # vendor -> its raw asset keys

    def checks_of(
        self, vendors: Collection[str], checks: Iterable[dg.AssetCheckKey]
    ) -> set[dg.AssetCheckKey]:
        raw = set().union(*(self.raw_assets.get(v, frozenset()) for v in vendors))
        return {c for c in checks if c.asset_key in raw}


def partial_run_request(
    *,
    failed_run_id: str,
    run_tags: Mapping[str, str],
    step_failures: Mapping[str, str],
    selected_assets: Collection[dg.AssetKey],
    selected_checks: Collection[dg.AssetCheckKey],
    vendor_steps: VendorSteps,
    landed_vendors: Collection[str] = (),
) -> dg.RunRequest | None:
    """The partial run a failed run of the main job warrants, or None.

    Warranted when the run was not itself a partial run (never loop), it failed in steps (``step_failures``:
    step key -> error message), and every failed step is a vendor's (its ingest or a gate on its raw tables):
    dbt or publish failing is the whole partition's problem, and so is a step that found the warehouse held
    by another writer after its retries (``warehouse_lock.is_busy_failure``). The request: the failed run's assets and checks
    without the failed vendors' raw assets and their checks, the same partition or range, and tags naming the
    missing vendors, the cause, and the failed run. ``landed_vendors``: vendors whose every raw table the failed
    run landed with its gates passed; their raw is current, so the partial run does not pull them again (nor
    re-check them): it builds dbt and publishes on what they landed.
    """
    if PARTIAL_OF_TAG in run_tags or not step_failures:
        return None
    if any(is_busy_failure(message) for message in step_failures.values()):
        return None  # another writer held the warehouse: no vendor failed, the next run loads them all
    vendors_of_failures = {step: vendor_steps.steps.get(step) for step in step_failures}
    if None in vendors_of_failures.values():
        return None
    order = [v.name for v in VENDORS]  # registry order; a name outside the registry (unit tests) after it
    missing = sorted(
        {v for v in vendors_of_failures.values() if v},
        key=lambda v: (order.index(v) if v in order else len(order), v),
    )
    if set(vendor_steps.raw_assets) <= set(missing):
        return None  # every vendor failed: there is nothing to isolate
    left_out = [*missing, *(v for v in landed_vendors if v not in missing)]
    excluded_assets = set().union(*(vendor_steps.raw_assets.get(v, frozenset()) for v in left_out))
    assets = sorted(set(selected_assets) - excluded_assets, key=lambda k: k.to_user_string())
    if not assets:
        return None  # nothing but the vendors' raw tables was asked for
    checks = sorted(
        set(selected_checks) - vendor_steps.checks_of(left_out, selected_checks),
        key=lambda k: k.to_user_string(),
    )
    reasons = {}
    for step, message in sorted(step_failures.items()):
        vendor = vendors_of_failures[step]
        # tags and dbt vars carry one line; the failed run has the rest
        reasons.setdefault(vendor, one_line(f"{step}: {one_line(message)}"))
    partition_tags = {
        k: run_tags[k] for k in (PARTITION_TAG, RANGE_START_TAG, RANGE_END_TAG) if k in run_tags
    }
    return dg.RunRequest(
        run_key=f"partial-of-{failed_run_id}",
        asset_selection=assets,
        asset_check_keys=checks,
        tags={
            **partition_tags,
            MISSING_VENDORS_TAG: ",".join(missing),
            PARTIAL_OF_TAG: failed_run_id,
            MISSING_REASONS_TAG: json.dumps({v: reasons[v] for v in missing}),
        },
    )


def missing_vendors(tags: Mapping[str, str]) -> list[str]:
    """The vendors a run leaves out (tag ``aiecon/missing_vendors``), in tag order."""
    return [v for v in (tags.get(MISSING_VENDORS_TAG) or "").split(",") if v]


def missing_reasons(tags: Mapping[str, str]) -> dict[str, str]:
    try:
        reasons = json.loads(tags.get(MISSING_REASONS_TAG) or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {}


# ------------------------------------------------------------------------------ from Dagster's objects


def vendor_steps() -> VendorSteps:
    """Each registry vendor's steps (its ingest multi-asset, the gates on its raw tables) and raw assets."""
    from dagster_project.defs.dlt.assets import INGEST_ASSETS
    from dagster_project.defs.quality.partition_checks import partition_checks
    from dagster_project.defs.quality.raw_checks import raw_checks

    steps: dict[str, str] = {}
    raw_assets: dict[str, frozenset[dg.AssetKey]] = {}
    for name, ingest in INGEST_ASSETS.items():
        steps[ingest.node_def.name] = name
        raw_assets[name] = frozenset(ingest.keys)
    vendor_of_asset = {key: name for name, keys in raw_assets.items() for key in keys}
    for checks in [*raw_checks, *partition_checks]:
        owners = {vendor_of_asset.get(key.asset_key) for key in checks.check_keys}
        if len(owners) == 1 and None not in owners:
            steps[checks.node_def.name] = owners.pop()
    return VendorSteps(steps=steps, raw_assets=raw_assets)


def _job_selection(job: dg.JobDefinition, run: dg.DagsterRun) -> tuple[set, set]:
    """The assets and checks the run executed: its own selection, or (none recorded) the whole job's."""
    graph = job.asset_layer.asset_graph
    assets = set(run.asset_selection) if run.asset_selection else set(graph.executable_asset_keys)
    checks = (
        set(run.asset_check_selection)
        if run.asset_check_selection is not None
        else {c for c in graph.asset_check_keys if c.asset_key in assets}
    )
    return assets, checks


def step_failures_of(events: Iterable[dg.DagsterEvent]) -> dict[str, str]:
    """step key -> error text of the step failure events among ``events``."""
    failures: dict[str, str] = {}
    for event in events:
        if event.is_step_failure and event.step_key:
            error = event.step_failure_data.error
            failures.setdefault(event.step_key, _root_cause(error) if error else event.message or "")
    return failures


def _root_cause(error) -> str:
    """The innermost cause's message of a serialized error (Dagster wraps the vendor's own words in a
    "while executing op" error), with its class name."""
    while error.cause is not None:
        error = error.cause
    message = (error.message or "").strip()
    return message or error.cls_name or "failed"


def landed_vendors_of(
    events: Iterable[dg.DagsterEvent], steps: VendorSteps, selected_assets: Collection[dg.AssetKey]
) -> list[str]:
    """The vendors whose every selected raw table the run materialized, with no failed check on them."""
    events = list(events)
    materialized = {e.asset_key for e in events if e.is_step_materialization and e.asset_key}
    failed_checks = {
        e.event_specific_data.asset_key
        for e in events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION and not e.event_specific_data.passed
    }
    failed_steps = {e.step_key for e in events if e.is_step_failure}
    landed = []
    for vendor, raw in steps.raw_assets.items():
        wanted = raw & set(selected_assets)
        vendor_failed = any(steps.steps.get(step) == vendor for step in failed_steps)
        if wanted and wanted <= materialized and not wanted & failed_checks and not vendor_failed:
            landed.append(vendor)
    return landed


def partial_run_for_failure(
    job: dg.JobDefinition, run: dg.DagsterRun, events: Iterable[dg.DagsterEvent]
) -> dg.RunRequest | None:
    """``partial_run_request`` for a failed run of ``job`` (or of an asset-graph job: its selection), from the
    run's events (its step failures, and what it landed)."""
    events = list(events)
    assets, checks = _job_selection(job, run)
    steps = vendor_steps()
    return partial_run_request(
        failed_run_id=run.run_id,
        run_tags=run.tags,
        step_failures=step_failures_of(events),
        selected_assets=assets,
        selected_checks=checks,
        vendor_steps=steps,
        landed_vendors=landed_vendors_of(events, steps, assets),
    )


# ------------------------------------------------------------------------------ in process (no daemon)


def partition_tags(first: date, last: date) -> dict[str, str]:
    """The run tags of partitions [first, last]: one partition, or a range (one run, BackfillPolicy)."""
    if first == last:
        return {PARTITION_TAG: first.isoformat()}
    return {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}


def run_partition_range(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    first: date,
    last: date,
    *,
    run_config: Mapping | None = None,
    tags: Mapping[str, str] | None = None,
) -> list[dg.ExecuteInProcessResult]:
    """Run ``job`` for the partitions [first, last] in this process; when the run fails only at vendors'
    ingest steps or gates, run the partial run it warrants too (what the run-failure sensor asks the daemon
    for). The results in order: the run, then the partial run if there was one. ``results[-1].success``
    says whether the other vendors' marts were built and published; ``results[0].success`` whether every
    vendor was."""
    from dagster_project.run_recovery import run_process_tags, sweep_and_print

    sweep_and_print(instance)  # a crashed earlier run must not hold the pool slot this run waits for
    tags = {**(tags or {}), **run_process_tags()}  # host and pid: how a later sweep judges this run
    result = _execute(job, instance, first, last, run_config, {**tags})
    results = [result]
    if result.success:
        return results
    request = partial_run_for_failure(job, result.dagster_run, result.all_events)
    if request is None:
        return results
    subset = job.get_subset(
        asset_selection=set(request.asset_selection or ()),
        asset_check_selection=set(request.asset_check_keys or ()),
    )
    results.append(_execute(subset, instance, first, last, run_config, {**(tags or {}), **request.tags}))
    return results


def _execute(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    first: date,
    last: date,
    run_config: Mapping | None,
    tags: dict[str, str],
) -> dg.ExecuteInProcessResult:
    window = partition_tags(first, last)
    for key in (PARTITION_TAG, RANGE_START_TAG, RANGE_END_TAG):
        tags.pop(key, None)
    if PARTITION_TAG in window:
        return job.execute_in_process(
            instance=instance,
            partition_key=window[PARTITION_TAG],
            tags=tags,
            run_config=run_config,
            raise_on_error=False,
        )
    return job.execute_in_process(
        instance=instance, tags={**tags, **window}, run_config=run_config, raise_on_error=False
    )


def failed_steps(results: Sequence[dg.ExecuteInProcessResult]) -> list[str]:
    """The steps that failed in the first run of ``run_partition_range``'s results."""
    return sorted(step_failures_of(results[0].all_events)) if results else []
