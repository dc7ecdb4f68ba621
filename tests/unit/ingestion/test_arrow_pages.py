import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from ingestion.core.arrow_pages import OutOfWindowError, RecordTypeError, records_to_table
from ingestion.core.windows import Window
from ingestion.helicone.raw_tables import HELICONE_REQUESTS
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS

WINDOW = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))


def completion(**overrides):
    record = {
        "id": "X5oon5",
        "model": "gpt-4o",
        "provider": "OPENAI",
        "inputTokenCount": 1000,
        "totalCost": 0.0125,
        "requestTime": "2026-03-01T10:15:00.250Z",
        "organization": {"id": "o1", "label": "acme-corp"},
    }
    record.update(overrides)
    return record


def test_projects_declared_fields_and_nested_objects():
    table = records_to_table(REVENIUM_COMPLETIONS, [completion()], WINDOW, {"team_id": "tm1"})
    row = table.to_pylist()[0]
    assert row["team_id"] == "tm1"
    assert row["input_token_count"] == 1000
    assert row["organization_label"] == "acme-corp"
    assert row["request_time"] == datetime(2026, 3, 1, 10, 15, 0, 250000, tzinfo=UTC)
    assert row["_day"] == date(2026, 3, 1)
    assert row["_window_start"] == WINDOW.start and row["_window_end"] == WINDOW.end
    # a field the vendor did not send lands as NULL, not as a default
    assert row["output_token_count"] is None
    assert table.schema.field("total_cost").type == pa.float64()


def test_undeclared_fields_are_kept_but_prompt_text_and_credentials_are_not():
    record = completion(
        newField={"a": 1},
        systemPrompt="You are a secret prompt",
        inputMessages='[{"role":"user"}]',
        outputResponse="the answer",
        subscriber={"id": "s1", "email": "a@b.c", "credential": {"name": "prod", "value": "sk-live-123"}},
    )
    row = records_to_table(REVENIUM_COMPLETIONS, [record], WINDOW, {"team_id": "tm1"}).to_pylist()[0]
    assert json.loads(row["_extra_fields"]) == {"newField": {"a": 1}}
    text = json.dumps(row, default=str)
    for secret in ("secret prompt", "the answer", "role", "sk-live-123"):
        assert secret not in text


def test_integral_values_of_another_json_type_are_read_losslessly():
    rows = [completion(id="a", inputTokenCount="12"), completion(id="b", inputTokenCount=13.0)]
    table = records_to_table(REVENIUM_COMPLETIONS, rows, WINDOW, {"team_id": "tm1"})
    assert table.column("input_token_count").to_pylist() == [12, 13]


def test_a_lossy_value_raises_naming_the_column():
    with pytest.raises(RecordTypeError, match="input_token_count"):
        records_to_table(REVENIUM_COMPLETIONS, [completion(inputTokenCount=12.5)], WINDOW, {"team_id": "t"})


def test_records_outside_the_window_are_refused():
    late = completion(requestTime="2026-03-02T00:00:00.000Z")  # the window's end is exclusive
    with pytest.raises(OutOfWindowError, match="2026-03-02"):
        records_to_table(REVENIUM_COMPLETIONS, [late], WINDOW, {"team_id": "t"})


def test_json_object_columns_are_stored_as_sorted_json_text():
    request = {
        "request_id": "r1",
        "request_created_at": "2026-03-01T23:59:59.999Z",
        "provider": "OPENAI",
        "properties": {"Product": "p", "Agent": "a"},
        "request_body": {"messages": ["hello"]},
    }
    row = records_to_table(HELICONE_REQUESTS, [request], WINDOW).to_pylist()[0]
    assert row["properties"] == '{"Agent":"a","Product":"p"}'
    assert row["_extra_fields"] is None  # request_body is denied, nothing else is undeclared


def test_a_record_without_its_key_is_refused():
    with pytest.raises(RecordTypeError, match="without id"):
        records_to_table(REVENIUM_COMPLETIONS, [completion(id=None)], WINDOW, {"team_id": "t"})


def test_project_splits_off_each_broken_rule_and_keeps_the_rest():
    from ingestion.core.arrow_pages import project

    records = [
        completion(id="ok"),
        completion(id="lossy", inputTokenCount=12.5),
        completion(id=None),
        completion(id="late", requestTime="2026-03-02T00:00:00.000Z"),
        completion(id="nomodel", model=None),
        completion(id="neg", totalCost=-0.5),
        completion(id="enum", stopReason="MAYBE"),
        completion(id="twice", inputTokenCount="x", stopReason="MAYBE"),  # the first rule in order wins
    ]
    projection = project(REVENIUM_COMPLETIONS, records, WINDOW, {"team_id": "t"})
    assert projection.table.column("id").to_pylist() == ["ok"]
    assert [(r.record["id"], r.rule, r.column) for r in projection.rejected] == [
        ("lossy", "type_change", "input_token_count"),
        (None, "missing_key", "id"),
        ("late", "outside_window", "request_time"),
        ("nomodel", "required_null", "model"),
        ("neg", "negative", "total_cost"),
        ("enum", "unknown_enum", "stop_reason"),
        ("twice", "type_change", "input_token_count"),
    ]
    # A record dated after the window is quarantined under the window's last day, which a re-run replaces.
    assert {r.day for r in projection.rejected} == {date(2026, 3, 1)}
    assert projection.rejected[2].reason == (
        "request_time 2026-03-02T00:00:00+00:00 is outside the window "
        "2026-03-01T00:00:00+00:00 .. 2026-03-02T00:00:00+00:00"
    )


def test_records_to_table_hands_rejects_to_the_active_sink():
    from ingestion.core.arrow_pages import QUARANTINE_SINK

    got = []
    token = QUARANTINE_SINK.set(lambda table, rejected: got.extend((table.name, r.rule) for r in rejected))
    try:
        table = records_to_table(
            REVENIUM_COMPLETIONS,
            [completion(id="a"), completion(id="b", totalCost=-1)],
            WINDOW,
            {"team_id": "t"},
        )
    finally:
        QUARANTINE_SINK.reset(token)
    assert table.column("id").to_pylist() == ["a"] and got == [("completions", "negative")]
