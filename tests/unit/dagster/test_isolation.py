"""Vendor isolation's decision (``defs/isolation.py``): which failed runs warrant a partial run without the
failed vendors, what it selects, the tags it carries, and that it never asks for itself again."""

import json

import dagster as dg
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.dbt.assets import source_system_vars
from dagster_project.defs.isolation import (
    MISSING_REASONS_TAG,
    MISSING_VENDORS_TAG,
    PARTIAL_OF_TAG,
    VendorSteps,
    partial_run_request,
    vendor_steps,
)
from dagster_project.defs.schedules import MAIN_JOB_NAME
from ingestion.vendors import VENDOR_NAMES, VENDORS

# Two made-up vendors, each with two raw tables, a gate on one of them, and the rest of a job downstream.
ALPHA_RAW = {dg.AssetKey(["raw_alpha", "a1"]), dg.AssetKey(["raw_alpha", "a2"])}
BETA_RAW = {dg.AssetKey(["raw_beta", "b1"]), dg.AssetKey(["raw_beta", "b2"])}
MART = dg.AssetKey(["marts", "m"])
PUBLISHED = dg.AssetKey(["serving", "published_marts"])
ALPHA_GATE = dg.AssetCheckKey(dg.AssetKey(["raw_alpha", "a1"]), "raw_rules")
BETA_GATE = dg.AssetCheckKey(dg.AssetKey(["raw_beta", "b1"]), "volume")
MART_TEST = dg.AssetCheckKey(MART, "not_null_m_id")
PUBLISH_CHECK = dg.AssetCheckKey(PUBLISHED, "all_vendors_present")
STEPS = VendorSteps(
    steps={
        "alpha_ingest": "alpha",
        "raw_alpha__a1_raw_rules": "alpha",
        "beta_ingest": "beta",
        "raw_beta__b1_volume": "beta",
    },
    raw_assets={"alpha": frozenset(ALPHA_RAW), "beta": frozenset(BETA_RAW)},
)
ASSETS = {*ALPHA_RAW, *BETA_RAW, MART, PUBLISHED}
CHECKS = {ALPHA_GATE, BETA_GATE, MART_TEST, PUBLISH_CHECK}
DAY = {"dagster/partition": "2026-03-03"}


def request(step_failures, tags=DAY, assets=ASSETS, checks=CHECKS, landed=()):
    return partial_run_request(
        failed_run_id="run-1",
        run_tags=tags,
        step_failures=step_failures,
        selected_assets=assets,
        selected_checks=checks,
        vendor_steps=STEPS,
        landed_vendors=landed,
    )


def test_a_vendors_failed_ingest_asks_for_the_rest_of_the_run_without_that_vendor():
    req = request({"beta_ingest": "beta: GET /v1/x: HTTP 503 after 5 attempts\nmore"})
    assert req is not None
    assert set(req.asset_selection) == {*ALPHA_RAW, MART, PUBLISHED}
    assert set(req.asset_check_keys) == {ALPHA_GATE, MART_TEST, PUBLISH_CHECK}
    assert req.tags["dagster/partition"] == "2026-03-03"
    assert req.tags[MISSING_VENDORS_TAG] == "beta"
    assert req.tags[PARTIAL_OF_TAG] == "run-1"
    assert json.loads(req.tags[MISSING_REASONS_TAG]) == {
        "beta": "beta_ingest: beta: GET /v1/x: HTTP 503 after 5 attempts"
    }
    assert req.run_key == "partial-of-run-1"


def test_a_vendor_the_failed_run_landed_is_not_pulled_again():
    req = request({"beta_ingest": "HTTP 503"}, landed=["alpha"])
    assert req is not None and req.tags[MISSING_VENDORS_TAG] == "beta"
    assert set(req.asset_selection) == {MART, PUBLISHED}
    assert set(req.asset_check_keys) == {MART_TEST, PUBLISH_CHECK}


def test_a_failed_gate_counts_as_its_vendors_failure_and_two_vendors_can_be_missing():
    req = request(
        {"raw_alpha__a1_raw_rules": "quarantined share over the threshold", "beta_ingest": "HTTP 401"}
    )
    # Every vendor failed: nothing left to isolate.
    assert req is None
    req = request(
        {"raw_alpha__a1_raw_rules": "quarantined share over the threshold"},
        checks={ALPHA_GATE, BETA_GATE, MART_TEST},
    )
    assert req is not None and req.tags[MISSING_VENDORS_TAG] == "alpha"
    assert set(req.asset_selection) == {*BETA_RAW, MART, PUBLISHED}
    assert set(req.asset_check_keys) == {BETA_GATE, MART_TEST}


def test_a_range_keeps_its_range():
    tags = {
        "dagster/asset_partition_range_start": "2026-03-01",
        "dagster/asset_partition_range_end": "2026-03-03",
    }
    req = request({"alpha_ingest": "boom"}, tags=tags)
    assert req is not None
    assert {k: req.tags[k] for k in tags} == tags and "dagster/partition" not in req.tags


@pytest.mark.parametrize(
    "failures",
    [
        {"warehouse_dbt_models": "dbt failed"},  # dbt: the whole partition's problem
        {"alpha_ingest": "boom", "serving__published_marts": "disk full"},  # a vendor and publish
        {},  # the run failed outside any step
    ],
)
def test_no_partial_run_when_anything_but_a_vendor_failed(failures):
    assert request(failures) is None


def test_a_step_that_found_the_warehouse_busy_asks_for_no_partial_run():
    # the line warehouse_lock.busy_message writes; no vendor failed, so none may be reported missing
    busy = (
        "the warehouse /data/warehouse.duckdb is being written by another run (pid 7 on host h, "
        "`aiecon build --first 2026-03-03 --last 2026-03-03`, since 2026-03-04T02:30:00+00:00): wait for it"
    )
    assert request({"beta_ingest": busy}) is None
    assert request({"beta_ingest": busy, "alpha_ingest": "alpha: HTTP 503"}) is None


def test_a_partial_run_that_fails_never_asks_for_another():
    tags = {**DAY, PARTIAL_OF_TAG: "run-0", MISSING_VENDORS_TAG: "alpha"}
    assert request({"beta_ingest": "boom"}, tags=tags) is None


def test_an_asset_graph_run_keeps_its_own_selection():
    req = request({"alpha_ingest": "boom"}, assets={*ALPHA_RAW, MART}, checks={ALPHA_GATE, MART_TEST})
    assert req is not None
    assert set(req.asset_selection) == {MART} and set(req.asset_check_keys) == {MART_TEST}
    # Nothing but the failed vendor was asked for: no partial run.
    assert request({"alpha_ingest": "boom"}, assets=ALPHA_RAW, checks={ALPHA_GATE}) is None


def test_the_registry_vendors_steps_are_their_ingest_and_their_gates():
    steps = vendor_steps()
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    graph = job.asset_layer.asset_graph
    for vendor in VENDORS:
        assert steps.steps[f"{vendor.name}_ingest"] == vendor.name
        assert steps.raw_assets[vendor.name] == {
            k for k in graph.executable_asset_keys if k.path[0] == vendor.dataset
        }
        gates = [s for s, v in steps.steps.items() if v == vendor.name and s != f"{vendor.name}_ingest"]
        assert gates and all(s.startswith(vendor.dataset) for s in gates)
    assert "warehouse_dbt_models" not in steps.steps


def test_the_dbt_vars_name_the_registry_and_the_missing_vendor():
    vendor = VENDOR_NAMES[1]
    normal = source_system_vars({})
    assert normal["source_systems"] == list(VENDOR_NAMES) and normal["missing_source_systems"] == []
    tags = {
        MISSING_VENDORS_TAG: vendor,
        PARTIAL_OF_TAG: "run-1",
        MISSING_REASONS_TAG: json.dumps({vendor: "HTTP 503"}),
    }
    partial = source_system_vars(tags)
    assert partial["missing_source_systems"] == [vendor]
    assert partial["missing_reasons"] == {vendor: "HTTP 503"} and partial["failed_run_id"] == "run-1"


def test_the_publish_check_names_missing_vendors_without_blocking():
    graph = defs.resolve_asset_graph()
    spec = graph.get_check_spec(
        dg.AssetCheckKey(dg.AssetKey(["serving", "published_marts"]), "all_vendors_present")
    )
    assert not spec.blocking
