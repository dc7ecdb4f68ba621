"""Data tests of a partition run test the window (macros/test_partition_window.sql), and a call_id repeated
on another day is still caught by the one-day run (tests/generic/unique_across_history.sql).

Hand-made Revenium calls (call_id = 'revenium:team-1:<id>'): 'a' twice on D1 (a duplicate inside D1),
'b' once on D2, 'c' on D2 and again on D3 (a duplicate across days). fct_ai_calls is built whole with
``dbt run``, then its tests run with and without a window.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .dbt_harness import create_raw_tables, insert_rows, revenium_completion, run_dbt, utc

pytestmark = pytest.mark.slow

D1, D2, D3 = "2024-01-01", "2024-01-02", "2024-01-03"
UNIQUE = "unique_fct_ai_calls_call_id"
ACROSS = "unique_across_history_fct_ai_calls_call_id"


def _call(id_: str, at) -> dict[str, object]:
    return revenium_completion(id_, at, total_cost=0.5)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("partition_window_tests")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [
            _call("a", utc(D1, "09:00")),
            _call("a", utc(D1, "10:00")),
            _call("b", utc(D2, "09:00")),
            _call("c", utc(D2, "11:00")),
            _call("c", utc(D3, "11:00")),
        ],
    )
    run_dbt(wh, work, "run", "--select", "+fct_ai_calls")
    return wh, work


def _key_tests(wh: Path, work: Path, window: dict[str, str] | None) -> dict[str, tuple[str, int]]:
    """(status, failures) of fct_ai_calls' two call_id uniqueness tests, run with the given vars."""
    run_dbt(wh, work, "test", "--select", f"{UNIQUE} {ACROSS}", vars=window, check=False)
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].split(".")[2]: (r["status"], r["failures"])
        for r in results
        if r["unique_id"].startswith("test.")  # not the on-run-start hook (macros/lake_sources.sql)
    }


def test_without_window_both_tests_see_every_duplicate(built):
    # the whole history: 'a' (D1) and 'c' (D2, D3) each occur twice
    assert _key_tests(*built, None) == {UNIQUE: ("fail", 2), ACROSS: ("fail", 2)}


def test_window_test_ignores_other_days_but_a_key_repeated_on_another_day_fails(built):
    # window D2: 'b' and 'c' once each inside it, so unique passes ('a' on D1 is another run's day);
    # 'c' of D2 occurs again on D3: unique_across_history fails on that one key
    window = {"min_date": D2, "max_date": D3}
    assert _key_tests(*built, window) == {UNIQUE: ("pass", 0), ACROSS: ("fail", 1)}


def test_window_test_still_sees_a_duplicate_inside_the_window(built):
    # window D1: 'a' twice inside it; both tests fail on that one key
    window = {"min_date": D1, "max_date": D2}
    assert _key_tests(*built, window) == {UNIQUE: ("fail", 1), ACROSS: ("fail", 1)}
