"""The quarantine-share verdict by hand-made counts, and dbt tests as (blocking) Dagster asset checks."""

import json

import pytest

from dagster_project.defs.dbt.project import dbt_project
from dagster_project.defs.quality.quarantine_gate import QuarantinedRule, judge_quarantine


def rule(count: int, name: str = "negative", column: str = "cost") -> QuarantinedRule:
    return QuarantinedRule(name, column, count, f"{column} = -1.0", '{"cost":-1.0,"id":"r1"}')


def test_a_share_at_the_threshold_passes_and_names_each_rule():
    passed, metadata = judge_quarantine(990, [rule(6), rule(4, "unknown_enum", "status")])
    assert passed  # 10 of 1000 = 1%, the default threshold, is not over it
    assert metadata["quarantined"] == 10 and metadata["quarantined_share"] == 0.01
    assert (
        metadata["quarantine[negative:cost]"] == '6 row(s); e.g. cost = -1.0; payload {"cost":-1.0,"id":"r1"}'
    )
    assert "quarantine_verdict" not in metadata


def test_a_share_over_the_threshold_fails_naming_rules_and_counts():
    passed, metadata = judge_quarantine(989, [rule(7), rule(4, "unknown_enum", "status")])
    assert not passed  # 11 of 1000
    assert metadata["quarantine_verdict"] == (
        "11 of 1000 rows quarantined (1.10% > 1.00%, AIECON_QUARANTINE_MAX_SHARE): "
        "negative[cost] 7, unknown_enum[status] 4"
    )


def test_the_threshold_is_configured_by_environment(monkeypatch):
    monkeypatch.setenv("AIECON_QUARANTINE_MAX_SHARE", "0.2")
    assert judge_quarantine(8, [rule(2)])[0]  # 20%
    assert not judge_quarantine(7, [rule(2)])[0]  # 22%
    monkeypatch.setenv("AIECON_QUARANTINE_MAX_SHARE", "0")
    assert judge_quarantine(5, [])[0] and not judge_quarantine(5, [rule(1)])[0]


def test_no_rows_at_all_is_not_a_quarantine_failure():
    assert judge_quarantine(0, []) == (
        True,
        {"quarantined": 0, "quarantined_share": 0.0, "quarantine_max_share": 0.01},
    )


@pytest.fixture(scope="module")
def manifest_tests() -> dict[str, dict]:
    manifest = json.loads(dbt_project().manifest_path.read_text())
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        # a generic test is attached to its model; a singular test reading several models names the one it
        # checks in meta.dagster.ref
        and (n.get("attached_node") or n["config"].get("meta", {}).get("dagster", {}).get("ref"))
    }


def test_every_dbt_test_is_an_asset_check_blocking_when_its_severity_is_error(manifest_tests):
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    raw_checks = {"raw_rules", "volume", "reconciles_with_vendor"}
    publish_checks = {"all_vendors_present"}  # defs/serving/assets.py: not a dbt test
    dbt_checks = {
        k.name: graph.get_check_spec(k)
        for k in graph.asset_check_keys
        if k.name not in raw_checks | publish_checks
    }
    assert set(dbt_checks) == set(manifest_tests) and len(dbt_checks) > 100
    for name, spec in dbt_checks.items():
        severity = manifest_tests[name]["config"]["severity"].lower()
        assert spec.blocking == (severity == "error"), name
    # e.g. the key of the calls fact: a check on that very mart
    assert dbt_checks["unique_fct_ai_calls_call_id"].asset_key.path == ["marts", "fct_ai_calls"]
    assert dbt_checks["assert_focus_ai_costs_equals_consolidated_spend"].asset_key.path == [
        "marts",
        "focus_ai_costs",
    ]
    assert dbt_checks["assert_focus_ai_costs_equals_consolidated_spend"].blocking
