"""A vendor subset (``AIECON_VENDORS``) and a vendor that has never loaded, against the simulator.

* The Dagster code location built with two vendors enabled has no asset, gate or check of the third, and its
  job is valid (a subprocess: the definitions are built at import).
* ``aiecon build`` (``direct_build.build_days``) with two vendors: the marts hold only their source systems,
  coverage lists only them as complete, reconciliation has no row of the third, and their figures equal the
  vendors' own (asked of the simulator over HTTP, as for a full build: tests/integration/vendor_figures.py).
* A vendor failing on its very first load: the Dagster partial run still builds and publishes the others
  (its raw tables are created empty before dbt; before, dbt failed at its staging views).
* Raw tables created empty and then loaded by dlt end up exactly as dlt creates them itself.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project import direct_build
from ingestion.core.raw_schema import create_missing_raw_tables
from ingestion.vendors import VENDOR_NAMES, vendor_named
from simulator.faults import FaultRule
from tests.conftest import DAY_1
from tests.integration import vendor_figures
from tests.integration.pipeline import raw_pipeline
from tests.integration.test_first_loads import load
from tests.integration.vendor_figures import day_window

REPO_ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = vendor_named("helicone")
ENABLED = [n for n in VENDOR_NAMES if n != LEFT_OUT.name]  # registry order


def query(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def daily_costs(path, day) -> dict[str, float]:
    rows = query(
        path,
        "select source_system, sum(cost_usd) from marts.cost_by_dimension_daily "
        "where day = ? and dimension_name = 'provider' group by 1",
        [day],
    )
    return {s: float(c) for s, c in rows}


def raw_row_counts(path, vendor) -> dict[str, int]:
    """Rows of each of the vendor's declared raw tables (a missing table raises)."""
    return {
        t.name: query(path, f"select count(*) from {vendor.dataset}.{t.name}")[0][0]
        for t in vendor.raw_tables
    }


def assert_costs_equal_the_vendors_own(path, simulator, sim_keys, vendors) -> None:
    costs = daily_costs(path, DAY_1)
    assert sorted(costs) == sorted(vendors), f"source systems in cost_by_dimension_daily: {sorted(costs)}"
    for name in vendors:
        figure = getattr(vendor_figures, f"{name}_cost")(simulator, sim_keys, DAY_1)
        assert costs[name] == pytest.approx(figure, abs=0.005), (
            f"{name}: ours {costs[name]}, vendor's {figure}"
        )


# A subprocess: Dagster's definitions are built when dagster_project.definitions is imported.
DEFINITIONS_PROBE = """
import json
from dagster_project.definitions import defs
from dagster_project.defs.dbt.assets import source_system_vars
from dagster_project.defs.isolation import vendor_steps
from dagster_project.defs.schedules import MAIN_JOB_NAME

job = defs.resolve_job_def(MAIN_JOB_NAME)
graph = job.asset_layer.asset_graph
print(json.dumps({
    "raw_assets": sorted(k.to_user_string() for k in graph.executable_asset_keys if k.path[0].startswith("raw_")),
    "checked_raw_assets": sorted({c.asset_key.to_user_string() for c in graph.asset_check_keys
                                  if c.asset_key.path[0].startswith("raw_")}),
    "checks": sorted(c.to_user_string() for c in graph.asset_check_keys),
    "source_systems": source_system_vars({})["source_systems"],
    "vendor_steps": sorted(set(vendor_steps().steps.values())),
}))
"""


def load_definitions(vendors_setting: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DEFINITIONS_PROBE],
        cwd=REPO_ROOT,
        env={**os.environ, "AIECON_VENDORS": vendors_setting},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.e2e
def test_definitions_built_with_two_vendors_hold_nothing_of_the_third():
    loaded = load_definitions(",".join(ENABLED))
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    found = json.loads(loaded.stdout.strip().splitlines()[-1])
    expected_raw = sorted(f"{v.dataset}/{t.name}" for v in map(vendor_named, ENABLED) for t in v.raw_tables)
    assert found["raw_assets"] == expected_raw
    assert found["checked_raw_assets"] == expected_raw  # every enabled raw table keeps its gates
    assert not [c for c in found["checks"] if c.startswith(f"{LEFT_OUT.dataset}/")]
    gates = sorted(c for c in found["checks"] if c.endswith((":volume", ":reconciles_with_vendor")))
    assert (
        gates
        == sorted(  # the partition gates each enabled vendor declares (ingestion/<vendor>/__init__.py)
            [f"{v.dataset}/{v.volume_table}:volume" for v in map(vendor_named, ENABLED)]
            + [
                f"{v.dataset}/{v.reconciliation.table}:reconciles_with_vendor"
                for v in map(vendor_named, ENABLED)
            ]
        )
    )
    assert found["source_systems"] == ENABLED
    assert found["vendor_steps"] == sorted(ENABLED)


@pytest.mark.e2e
def test_definitions_refuse_an_unknown_vendor_with_one_line_naming_the_setting():
    loaded = load_definitions(f"{ENABLED[0]},openai")
    assert loaded.returncode != 0
    last = loaded.stderr.strip().splitlines()[-1]
    assert "AIECON_VENDORS=" in last and "openai" in last, last
    assert all(name in last for name in VENDOR_NAMES), last


@pytest.mark.e2e
def test_a_build_with_two_vendors_has_marts_of_those_two_only(
    simulator, sim_keys, world, warehouse, tmp_path, monkeypatch
):
    monkeypatch.setenv("AIECON_VENDORS", ",".join(ENABLED))
    direct_build.build_days([DAY_1], tmp_path / "dbt")

    # The left-out vendor was never asked for anything; its raw tables exist, empty, for staging to read.
    assert set(raw_row_counts(warehouse, LEFT_OUT).values()) == {0}
    sources = {s for (s,) in query(warehouse, "select distinct source_system from marts.fct_ai_calls")}
    assert sources == set(ENABLED)
    coverage = query(
        warehouse, "select source_system, status from marts.source_coverage_daily where day = ?", [DAY_1]
    )
    assert sorted(coverage) == sorted((name, "complete") for name in ENABLED)
    reconciled = query(
        warehouse,
        "select source_system, status, count(*) from marts.source_reconciliation_daily where day = ? group by 1, 2",
        [DAY_1],
    )
    assert not [r for r in reconciled if r[0] not in ENABLED or r[1] == "vendor_missing"], reconciled
    assert {r[0] for r in reconciled} == set(ENABLED)  # each enabled vendor's own analytics were compared
    assert_costs_equal_the_vendors_own(warehouse, simulator, sim_keys, ENABLED)
    orq_calls = query(
        warehouse, "select count(*) from marts.fct_ai_calls where day = ? and source_system = 'orq'", [DAY_1]
    )
    assert orq_calls[0][0] == int(world.calls(DAY_1).in_orq.sum())


@pytest.mark.e2e
def test_a_vendor_failing_on_its_first_load_does_not_hold_back_the_others(
    simulator, sim_keys, warehouse, monkeypatch
):
    from dagster_project.definitions import defs
    from dagster_project.defs.isolation import MISSING_VENDORS_TAG, failed_steps, run_partition_range
    from dagster_project.defs.schedules import MAIN_JOB_NAME

    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "1")
    job, instance = defs.resolve_job_def(MAIN_JOB_NAME), dg.DagsterInstance.ephemeral()
    simulator.add_fault(FaultRule(LEFT_OUT.name, status=503, times=1_000_000))
    try:  # the warehouse is new: the vendor has never landed a row, nor a table
        results = run_partition_range(job, instance, DAY_1, DAY_1)
    finally:
        simulator.clear_faults()

    assert failed_steps(results) == [f"{LEFT_OUT.name}_ingest"]
    assert len(results) == 2, "no partial run was asked for"
    partial = results[1]
    assert partial.success, [e.message for e in partial.all_events if e.is_failure]
    assert partial.dagster_run.tags[MISSING_VENDORS_TAG] == LEFT_OUT.name
    assert set(raw_row_counts(warehouse, LEFT_OUT).values()) == {0}
    coverage = dict(
        query(
            warehouse, "select source_system, status from marts.source_coverage_daily where day = ?", [DAY_1]
        )
    )
    assert coverage == {**{n: "complete" for n in ENABLED}, LEFT_OUT.name: "missing"}
    assert_costs_equal_the_vendors_own(warehouse, simulator, sim_keys, ENABLED)


def columns(path, schema, table) -> list[tuple[str, str, str]]:
    return query(
        path,
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = ? and table_name = ? order by column_name",
        [schema, table],
    )


@pytest.mark.slow
def test_a_table_created_empty_is_then_loaded_by_dlt_as_if_dlt_had_created_it(
    simulator, sim_keys, world, tmp_path
):
    completions = vendor_named("revenium").table("completions")
    fresh, precreated = tmp_path / "fresh" / "raw.duckdb", tmp_path / "precreated" / "raw.duckdb"
    load(raw_pipeline("revenium", fresh), day_window(DAY_1))  # dlt creates the table itself

    pipeline = raw_pipeline("revenium", precreated)
    assert create_missing_raw_tables(pipeline, [completions]) == ["completions"]
    assert load(pipeline, day_window(DAY_1)) == ["completions"]  # empty: the first load appends

    assert columns(precreated, "raw_revenium", "completions") == columns(fresh, "raw_revenium", "completions")
    (rows,) = query(precreated, "select count(*) from raw_revenium.completions")[0]
    assert rows == len(world.calls(DAY_1))
