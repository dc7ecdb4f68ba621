"""A day not loaded yet is appended; a day that holds rows is replaced (``append_into_empty_windows``).

Both must land the same rows; the append skips dlt's staging copy, which is what the staging dataset
shows: it holds the completions only once a load went through the delete-insert.
"""

from datetime import timedelta

import duckdb

from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.core.windows import Window
from ingestion.revenium import revenium_source
from tests.conftest import DAY_1, DAY_2
from tests.integration.pipeline import raw_pipeline
from tests.integration.vendor_figures import day_window


def completions_source(window: Window):
    return revenium_source(window.start, window.end).with_resources("completions")


def load(pipeline, window: Window) -> list[str]:
    source = completions_source(window)
    appended = append_into_empty_windows(pipeline, source)
    pipeline.run(source).raise_on_failed_jobs()
    return appended


def landed(path) -> tuple[int, set[str], bool]:
    """(rows, ids, whether the staging dataset holds a completions table)."""
    with duckdb.connect(str(path), read_only=True) as con:
        ids = [i for (i,) in con.execute("select id from raw_revenium.completions").fetchall()]
        (staged,) = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw_revenium_staging' and table_name = 'completions'"
        ).fetchone()
    return len(ids), set(ids), staged > 0


def test_the_first_load_of_a_day_appends_and_a_second_replaces_with_the_same_rows(
    simulator, sim_keys, world, tmp_path
):
    path = tmp_path / "raw.duckdb"
    pipeline = raw_pipeline("revenium", path)
    expected = len(world.calls(DAY_1))

    assert load(pipeline, day_window(DAY_1)) == ["completions"]
    rows, ids, staged = landed(path)
    assert (rows, len(ids), staged) == (expected, expected, False)

    assert load(pipeline, day_window(DAY_1)) == []  # the day holds rows now: replaced, not appended
    rows_again, ids_again, staged_again = landed(path)
    assert (rows_again, ids_again, staged_again) == (expected, ids, True)


def test_a_window_holding_one_loaded_day_is_replaced_whole(simulator, sim_keys, world, tmp_path):
    path = tmp_path / "raw.duckdb"
    pipeline = raw_pipeline("revenium", path)
    assert load(pipeline, day_window(DAY_1)) == ["completions"]

    both_days = Window.for_days(DAY_1, DAY_2 + timedelta(days=1))
    assert load(pipeline, both_days) == []  # DAY_1 holds rows: the two days go through the delete-insert
    rows, ids, _ = landed(path)
    expected = len(world.calls(DAY_1)) + len(world.calls(DAY_2))
    assert rows == len(ids) == expected  # DAY_1's rows replaced, not doubled
