"""A partition whose quarantined share is over the threshold: its raw_rules gate fails and dbt does not run.

Through Dagster, on a fresh warehouse, with only what the gate needs: Revenium completions, its raw_rules
check, and the dbt models downstream of it (its staging view and the calls fact).
"""

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from dagster_project.defs.dbt.assets import warehouse_dbt_models
from dagster_project.defs.dbt.project import dbt_cli_resource
from dagster_project.defs.dlt.assets import INGEST_ASSETS
from dagster_project.defs.quality.raw_checks import raw_checks
from ingestion.revenium import COMPLETIONS_PATH
from simulator.faults import FaultRule
from tests.conftest import DAY_1

pytestmark = pytest.mark.slow

COMPLETIONS = dg.AssetKey(["raw_revenium", "completions"])
STAGING = dg.AssetKey(["staging", "stg_revenium__completions"])
FACT = dg.AssetKey(["marts", "fct_ai_calls"])


def test_a_quarantined_share_over_the_threshold_fails_the_gate_and_stops_downstream(
    simulator, world, warehouse
):
    gate = next(c for c in raw_checks if dg.AssetCheckKey(COMPLETIONS, "raw_rules") in c.check_keys)
    # Every record of the first page (100 of the day's calls) has a token count that is not a number.
    simulator.add_fault(
        FaultRule(
            "revenium",
            path_contains=COMPLETIONS_PATH,
            field="inputTokenCount",
            field_action="set",
            value="twelve",
        )
    )
    try:
        result = dg.materialize(
            [INGEST_ASSETS["revenium"], warehouse_dbt_models, gate],
            selection=[COMPLETIONS, STAGING, FACT],
            partition_key=DAY_1.isoformat(),
            resources={"dlt": DagsterDltResource(), "dbt": dbt_cli_resource()},
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    finally:
        simulator.clear_faults()
    served = len(world.calls(DAY_1))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        landed = con.execute("select count(*) from raw_revenium.completions").fetchone()[0]
        quarantined = con.execute("select count(*) from raw_revenium.quarantine").fetchone()[0]
    assert (landed, quarantined) == (served - 100, 100)

    (evaluation,) = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "raw_rules"]
    assert not evaluation.passed
    verdict = evaluation.metadata["quarantine_verdict"].value
    assert verdict.startswith(f"100 of {served} rows quarantined")
    assert verdict.endswith("type_change[input_token_count] 100")
    sample = evaluation.metadata["quarantine[type_change:input_token_count]"].value
    assert "cannot read 'twelve' as int64" in sample and '"inputTokenCount":"twelve"' in sample

    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert COMPLETIONS in materialized and not {STAGING, FACT} & materialized
    # dbt did not fail: it never started, because the gate upstream of it failed (the gate's own step fails).
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    assert len(failed) == 1 and failed[0].endswith("raw_rules")
    assert "warehouse_dbt_models" not in {e.step_key for e in result.all_events if e.is_step_start}
