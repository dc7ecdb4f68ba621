"""Vendor isolation in dbt: a partial run (var missing_source_systems) replaces the other source systems' rows
of its window and leaves the missing one's as they were; source_coverage_daily and source_reconciliation_daily
say which source system is missing; a normal run of the window then replaces everything.

The raw rows and their changes are test_cost_marts' (``_seed_raw``, ``_change_raw``): on D2 a Revenium call, a
Helicone request and orq's day are deleted at the source and a Helicone request h5 is added.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.vendors import VENDOR_NAMES, vendor_named

from .dbt_harness import create_raw_tables, query, run_dbt
from .test_cost_marts import D1, D2, D3, _change_raw, _seed_raw

pytestmark = pytest.mark.slow

MISSING = vendor_named("helicone").name
SELECT = ("--select", "+cost_by_dimension_daily", "+focus_ai_costs", "+source_coverage_daily")
WINDOW = {"min_date": D2, "max_date": D3, "source_systems": list(VENDOR_NAMES)}
PARTIAL = {
    **WINDOW,
    "missing_source_systems": [MISSING],
    "missing_reasons": {MISSING: "helicone_ingest: HTTP 503 it's down"},
    "failed_run_id": "run-1",
}


@pytest.fixture(scope="module")
def stages(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("dbt_vendor_isolation")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    _seed_raw(wh)
    snapshots: dict[str, Path] = {}

    def snapshot(name: str) -> None:
        snapshots[name] = work / f"{name}.duckdb"
        shutil.copy(wh, snapshots[name])

    run_dbt(wh, work, "run", *SELECT, vars={"source_systems": list(VENDOR_NAMES)})
    snapshot("initial")
    _change_raw(wh)
    run_dbt(wh, work, "run", *SELECT, vars=PARTIAL)
    snapshot("partial")
    run_dbt(wh, work, "run", *SELECT, vars=WINDOW)
    snapshot("recovered")
    return snapshots


def _rows(wh: Path, relation: str, where: str, params: list) -> list[tuple]:
    return sorted(query(wh, f"select * from {relation} where {where}", params), key=repr)


def _coverage(wh: Path, day: str) -> dict[str, tuple]:
    rows = query(
        wh,
        "select source_system, status, missing_reason, failed_run_id from marts.source_coverage_daily "
        "where day = ?",
        [day],
    )
    return {s: tuple(rest) for s, *rest in rows}


@pytest.mark.parametrize(
    ("relation", "column"),
    [
        ("marts.fct_ai_calls", "source_system"),
        ("marts.cost_by_dimension_daily", "source_system"),
        ("marts.focus_ai_costs", '"x_SourceSystem"'),
    ],
)
def test_a_partial_run_keeps_the_missing_source_systems_rows_and_replaces_the_others(
    stages, relation, column
):
    day = '"x_ChargeDay"' if "focus" in relation else "day"
    missing, others = f"{column} = ? and {day} = ?", f"{column} <> ? and {day} = ?"
    initial, partial = stages["initial"], stages["partial"]
    # the missing source system's D2 rows are the initial build's (h4 still there, h5 not yet)
    assert _rows(partial, relation, missing, [MISSING, D2]) == _rows(
        initial, relation, missing, [MISSING, D2]
    )
    assert _rows(partial, relation, missing, [MISSING, D2])
    # the others' D2 rows are replaced: Revenium and orq became empty on D2
    assert _rows(initial, relation, others, [MISSING, D2])
    assert _rows(partial, relation, others, [MISSING, D2]) == []
    # days outside the window are untouched
    for d in (D1, D3):
        assert _rows(partial, relation, f"{day} = ?", [d]) == _rows(initial, relation, f"{day} = ?", [d])


def test_coverage_names_the_missing_source_system_its_cause_and_run(stages):
    assert set(_coverage(stages["initial"], D2).values()) == {("complete", None, None)}
    coverage = _coverage(stages["partial"], D2)
    assert set(coverage) == set(VENDOR_NAMES)
    # the day had been built complete before: the missing source system's rows are that build's
    assert coverage[MISSING] == ("stale", "helicone_ingest: HTTP 503 it's down", "run-1")
    assert {s: c for s, c in coverage.items() if s != MISSING} == {
        s: ("complete", None, None) for s in VENDOR_NAMES if s != MISSING
    }
    # outside the window: untouched
    assert _coverage(stages["partial"], D1) == _coverage(stages["initial"], D1)


def test_a_normal_run_of_the_window_recovers_the_day(stages):
    recovered = stages["recovered"]
    assert set(_coverage(recovered, D2).values()) == {("complete", None, None)}
    ids = {r[0] for r in query(recovered, "select call_id from marts.fct_ai_calls where day = ?", [D2])}
    assert f"{MISSING}:h5" in ids and f"{MISSING}:h4" not in ids


def test_a_partial_run_of_a_day_never_built_marks_it_missing(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    _seed_raw(wh)
    run_dbt(wh, tmp_path, "run", "--select", "+source_coverage_daily", vars=PARTIAL)
    assert _coverage(wh, D2)[MISSING] == ("missing", "helicone_ingest: HTTP 503 it's down", "run-1")
    assert query(wh, "select count(*) from marts.source_coverage_daily where day <> ?", [D2]) == [(0,)]
