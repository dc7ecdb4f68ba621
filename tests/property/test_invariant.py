"""The checker itself: it must fail on a wrong value, a lost record, an invented row and a quarantine row
without its rule, or the property-based tests would pass vacuously."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from ingestion.core.raw_table import TIMESTAMP as TIMESTAMP_TYPE_FOR_TESTS
from ingestion.helicone.raw_tables import HELICONE_REQUESTS
from tests.property.invariant import Served, check, exact_instant, expect

pytestmark = pytest.mark.property

START = datetime(2026, 3, 3, tzinfo=UTC)
END = START + timedelta(days=1)
RECORD = {
    "request_id": "r1",
    "request_created_at": "2026-03-03T10:00:00.123456789+01:00",
    "provider": "OPENAI",
    "prompt_tokens": 12.0,
    "cost": 0.5,
    "properties": {"a": "b"},
    "cache_enabled": True,
}


def landed(**changes):
    row = {c.name: None for c in HELICONE_REQUESTS.columns}
    row.update(
        request_id="r1",
        request_created_at=datetime(2026, 3, 3, 9, 0, 0, 123456, tzinfo=UTC),
        provider="OPENAI",
        prompt_tokens=12,
        cost=0.5,
        properties='{"a":"b"}',
        cache_enabled=True,
        _day=date(2026, 3, 3),
        _window_start=START,
        _window_end=END,
    )
    row.update(changes)
    return row


def run(rows, quarantine=()):
    check(HELICONE_REQUESTS, [Served(dict(RECORD), "/x", {})], rows, list(quarantine), START, END)


def test_a_faithful_row_passes():
    run([landed()])


@pytest.mark.parametrize(
    "changes",
    [
        {"prompt_tokens": 13},
        {"cost": 0.25},
        {"properties": '{"a":"c"}'},
        {"cache_enabled": False},
        {"request_created_at": datetime(2026, 3, 3, 10, 0, 0, 123456, tzinfo=UTC)},  # the offset ignored
        {"provider": None},
    ],
)
def test_a_wrong_value_fails(changes):
    with pytest.raises(AssertionError, match="neither landed nor quarantined"):
        run([landed(**changes)])


def test_a_lost_record_and_an_invented_row_fail():
    with pytest.raises(AssertionError, match="neither landed nor quarantined"):
        run([])
    with pytest.raises(AssertionError, match="no served record explains"):
        run([landed(), landed(request_id="r2")])


def test_quarantine_must_hold_the_record_with_its_rule_and_column():
    row = {
        "raw_table": "requests",
        "vendor": "helicone",
        "rule": "negative",
        "column_name": "cost",
        "payload": json.dumps(RECORD),
    }
    run([], [row])
    with pytest.raises(AssertionError, match="without its rule and column"):
        run([], [{**row, "rule": None}])
    with pytest.raises(AssertionError, match="neither landed nor quarantined"):
        run([], [{**row, "payload": json.dumps({**RECORD, "cost": 1})}])


def test_timestamps_are_read_to_the_microsecond():
    assert exact_instant("2026-03-03 10:00:00Z")[0] == datetime(2026, 3, 3, 10, tzinfo=UTC)
    e = expect("2026-03-03T10:00:00.1234567Z", TIMESTAMP_TYPE_FOR_TESTS)
    assert e.accepts(datetime(2026, 3, 3, 10, 0, 0, 123456, tzinfo=UTC))  # truncated
    assert e.accepts(datetime(2026, 3, 3, 10, 0, 0, 123457, tzinfo=UTC))  # or rounded
    assert not e.accepts(datetime(2026, 3, 3, 10, 0, 0, 123458, tzinfo=UTC))
    assert not expect("yesterday", TIMESTAMP_TYPE_FOR_TESTS).accepts(None)
