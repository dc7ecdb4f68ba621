"""A page of a per-day list is cut from the days laid end to end, without listing the other rows."""

import numpy as np

from simulator.views import page_of_parts

MONDAY, TUESDAY = "monday", "tuesday"  # stand-ins for the days' tables: only their identity matters here
PARTS = [(MONDAY, np.array([10, 11, 12])), (TUESDAY, np.array([20, 21]))]


def test_oldest_first_pages_run_across_the_day_boundary():
    assert page_of_parts(PARTS, 0, 2, desc=False) == [(MONDAY, 10), (MONDAY, 11)]
    assert page_of_parts(PARTS, 2, 2, desc=False) == [(MONDAY, 12), (TUESDAY, 20)]
    assert page_of_parts(PARTS, 4, 2, desc=False) == [(TUESDAY, 21)]
    assert page_of_parts(PARTS, 6, 2, desc=False) == []


def test_newest_first_starts_with_the_last_day_reversed():
    assert page_of_parts(PARTS, 0, 3, desc=True) == [(TUESDAY, 21), (TUESDAY, 20), (MONDAY, 12)]
    assert page_of_parts(PARTS, 3, 3, desc=True) == [(MONDAY, 11), (MONDAY, 10)]


def test_an_empty_day_in_between_is_skipped():
    parts = [(MONDAY, np.array([10])), ("sunday", np.array([], dtype=int)), (TUESDAY, np.array([20]))]
    assert page_of_parts(parts, 1, 5, desc=False) == [(TUESDAY, 20)]
