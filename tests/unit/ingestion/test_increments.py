"""When a run is an incremental refresh, and where it starts (pure helpers, fixed times)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ingestion.core.increments import increment_scope, increment_start, is_open_day, open_day_increments
from ingestion.core.windows import Window
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from ingestion.vendors import VENDORS

DAY = Window.for_days(date(2026, 3, 3), date(2026, 3, 4))
AT_18 = datetime(2026, 3, 3, 18, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def test_only_a_whole_day_that_has_not_ended_is_open():
    assert is_open_day(DAY, AT_18)
    assert not is_open_day(DAY, datetime(2026, 3, 4, tzinfo=UTC))  # the day ended at midnight
    assert not is_open_day(Window.for_days(date(2026, 3, 2), date(2026, 3, 4)), AT_18)  # two days
    assert not is_open_day(Window(datetime(2026, 3, 3, 6, tzinfo=UTC), DAY.end), AT_18)  # part of a day


def test_an_increment_starts_the_overlap_before_the_newest_landed_event():
    mark = datetime(2026, 3, 3, 17, 4, tzinfo=UTC)
    assert increment_start(mark, DAY, AT_18, HALF_HOUR) == datetime(2026, 3, 3, 16, 34, tzinfo=UTC)
    # a vendor clock ahead of ours: from our now, not from its future
    future = datetime(2026, 3, 3, 19, tzinfo=UTC)
    assert increment_start(future, DAY, AT_18, HALF_HOUR) == datetime(2026, 3, 3, 17, 30, tzinfo=UTC)


def test_the_whole_day_is_pulled_when_nothing_landed_or_the_overlap_reaches_midnight():
    assert increment_start(None, DAY, AT_18, HALF_HOUR) is None
    early = datetime(2026, 3, 3, 0, 20, tzinfo=UTC)
    assert increment_start(early, DAY, AT_18, HALF_HOUR) is None


def test_closed_days_and_the_setting_off_make_no_increment(monkeypatch):
    tables = [t for v in VENDORS for t in v.raw_tables]
    # neither case looks at the warehouse (no pipeline given)
    assert open_day_increments(None, tables, DAY, now=datetime(2026, 3, 4, 2, 30, tzinfo=UTC)) == {}
    monkeypatch.setenv("AIECON_INCREMENTAL_REFRESH", "false")
    assert open_day_increments(None, tables, DAY, now=AT_18) == {}


def test_the_increment_replaces_the_days_rows_from_its_start():
    since = datetime(2026, 3, 3, 16, 34, tzinfo=UTC)
    assert increment_scope(REVENIUM_COMPLETIONS, DAY, since) == (
        "_day >= '2026-03-03' AND _day < '2026-03-04' AND request_time >= '2026-03-03T16:34:00+00:00'"
    )


def test_only_tables_with_an_event_time_can_refresh_incrementally():
    from ingestion.core.raw_table import table_factory
    from ingestion.core.row_rules import NO_RULES

    table = table_factory("v", {"t": NO_RULES})
    with pytest.raises(ValueError, match="needs an event_time_column"):
        table(
            name="t",
            primary_key=("id",),
            event_time_column=None,
            columns=(),
            description="",
            incremental_refresh=True,
        )


def test_a_table_of_parents_read_whole_replaces_the_rows_of_the_parents_in_the_load():
    from ingestion.revenium.raw_tables import REVENIUM_SQUAD_TIMELINE

    since = datetime(2026, 3, 3, 16, 34, tzinfo=UTC)
    assert increment_scope(REVENIUM_SQUAD_TIMELINE, DAY, since) == (
        "_day >= '2026-03-03' AND _day < '2026-03-04' AND squad_id IN (SELECT squad_id FROM {staging_table})"
    )


def test_a_malformed_overlap_fails_naming_the_setting(monkeypatch):
    from ingestion.core.increments import overlap
    from ingestion.core.setting_registry import SettingError

    monkeypatch.setenv("AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES", "half an hour")
    with pytest.raises(SettingError, match="AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES"):
        overlap()
    monkeypatch.setenv("AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES", "-5")
    with pytest.raises(SettingError, match="AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES"):
        overlap()
