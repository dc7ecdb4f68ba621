from datetime import UTC, date, datetime, timedelta

import pytest

from ingestion.core.windows import Window, iso_z


def test_days_cut_at_utc_midnight():
    window = Window(datetime(2026, 3, 1, 18, tzinfo=UTC), datetime(2026, 3, 3, 6, tzinfo=UTC))
    assert [(d.start.isoformat(), d.end.isoformat()) for d in window.days()] == [
        ("2026-03-01T18:00:00+00:00", "2026-03-02T00:00:00+00:00"),
        ("2026-03-02T00:00:00+00:00", "2026-03-03T00:00:00+00:00"),
        ("2026-03-03T00:00:00+00:00", "2026-03-03T06:00:00+00:00"),
    ]
    assert window.day_span == (date(2026, 3, 1), date(2026, 3, 4))


def test_halves_split_on_the_alignment_and_stop_at_one_unit():
    day = Window.for_days(date(2026, 3, 1), date(2026, 3, 2))
    first, second = day.halves(timedelta(hours=1))
    assert first.end == datetime(2026, 3, 1, 12, tzinfo=UTC) and second.start == first.end
    odd = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 3, tzinfo=UTC))
    assert odd.halves(timedelta(hours=1))[0].end == datetime(2026, 3, 1, 1, tzinfo=UTC)
    hour = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 1, tzinfo=UTC))
    assert hour.halves(timedelta(hours=1)) is None


def test_naive_datetimes_are_utc_and_empty_windows_are_refused():
    assert Window(datetime(2026, 3, 1), datetime(2026, 3, 2)).start.tzinfo is UTC
    with pytest.raises(ValueError):
        Window(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert iso_z(datetime(2026, 3, 1, 1, 2, 3, 456789, tzinfo=UTC)) == "2026-03-01T01:02:03.456Z"
