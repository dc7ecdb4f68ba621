"""A replace_window mart's rows lie in day order in its table, however the raw rows were ordered
(macros/get_incremental_replace_window_sql.sql, Clustering): DuckDB skips row groups by their min/max, so a
partition run reads only its days of a table that a multi-day run built.

The raw Revenium calls are inserted newest first (D4 down to D1, and within a day latest first), the order a
plain projection would keep. "In day order" is read from DuckDB's rowid, the row's position in the table.
"""

from __future__ import annotations

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, revenium_completion, run_dbt, utc

pytestmark = pytest.mark.slow

DAYS = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
NEWEST_FIRST = [(day, f"{hour:02d}:00") for day in reversed(DAYS) for hour in (20, 12, 4)]


def _days_in_table_order(wh) -> list[str]:
    return [str(day) for (day,) in query(wh, "select day from marts.fct_ai_calls order by rowid")]


def test_a_multi_day_build_and_a_window_run_write_rows_in_day_order(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [revenium_completion(f"{d}-{t}", utc(d, t), total_cost=0.25) for d, t in NEWEST_FIRST],
    )

    run_dbt(wh, tmp_path, "run", "--select", "+fct_ai_calls")  # the first build: every day in one run
    assert _days_in_table_order(wh) == [d for d in DAYS for _ in range(3)]

    # a two-day window rebuilt (a one-run backfill): its rows go in after the kept days, in day order
    run_dbt(wh, tmp_path, "run", "--select", "+fct_ai_calls", vars={"min_date": DAYS[1], "max_date": DAYS[3]})
    assert _days_in_table_order(wh) == [DAYS[0]] * 3 + [DAYS[3]] * 3 + [DAYS[1]] * 3 + [DAYS[2]] * 3
