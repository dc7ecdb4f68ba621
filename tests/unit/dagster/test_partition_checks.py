"""Volume and reconciliation judgements on hand-made numbers."""

from datetime import date

from dagster_project.defs.quality.partition_checks import judge_reconciliation, judge_volume

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def test_a_day_far_below_the_trailing_median_fails():
    counts = {D3: 240}
    history = [1000, 1100, 900, 1050]  # median 1025; 25% of it is 256.25
    assert judge_volume(counts, history, [D3]) == [
        "2026-03-03: 240 rows, below 25% of the trailing median 1025"
    ]
    assert judge_volume({D3: 260}, history, [D3]) == []


def test_an_empty_day_fails_unless_empty_days_are_allowed(monkeypatch):
    assert judge_volume({}, [], [D1]) == [
        "2026-03-01: no rows (set AIECON_ALLOW_EMPTY_DAYS=true if empty days are expected)"
    ]
    monkeypatch.setenv("AIECON_ALLOW_EMPTY_DAYS", "true")
    assert judge_volume({}, [], [D1]) == []


def test_too_little_history_judges_only_emptiness():
    assert judge_volume({D3: 1}, [1000, 1000], [D3]) == []


def test_reconciliation_tolerance_is_a_cent_or_a_hundredth_of_a_percent():
    vendor = {D1: 100.0, D2: 1_000_000.0}
    assert judge_reconciliation({D1: 100.009, D2: 1_000_099.0}, vendor, [D1, D2]) == []
    assert judge_reconciliation({D1: 100.02, D2: 1_000_101.0}, vendor, [D1, D2]) == [
        "2026-03-01: ours 100.020000 vs vendor 100.000000 USD (+0.020000)",
        "2026-03-02: ours 1000101.000000 vs vendor 1000000.000000 USD (+101.000000)",
    ]


def test_a_missing_vendor_figure_fails():
    assert judge_reconciliation({D1: 5.0}, {}, [D1]) == ["2026-03-01: the vendor's figure is missing"]
