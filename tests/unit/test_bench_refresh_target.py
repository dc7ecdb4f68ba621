"""The benchmark's verdict on the hourly refresh: the ratio, and the two refreshes landing the same rows."""

from bench.report import _refresh_target


def refresh(inc_s: float, whole_s: float, same: bool) -> dict:
    side = {"seconds": inc_s, "rows_written": 10}
    return {
        "incremental": side,
        "whole": {**side, "seconds": whole_s, "rows_written": 100},
        "ratio": round(inc_s / whole_s, 3),
        "same_row_counts": same,
        "row_counts_differ": [] if same else ["raw_orq.spans"],
        "revenium_completions_so_far": 1000,
    }


def test_a_refresh_a_fifth_of_the_whole_days_passes_and_one_that_lands_other_rows_does_not():
    assert _refresh_target(refresh(2.0, 10.0, True))["pass"] is True
    failed = _refresh_target(refresh(2.0, 10.0, False))
    assert failed["pass"] is False and "raw_orq.spans" in failed["note"]
    assert _refresh_target(refresh(5.0, 10.0, True))["pass"] is False  # 0.5 > 0.25
    assert _refresh_target(None)["pass"] is None
