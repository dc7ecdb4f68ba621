"""The record-changing fault switches on vendor bodies, by hand-made pages."""

import json

import pytest

from simulator.faults import FaultRule


def hal(*ids: str) -> bytes:
    records = [{"id": i, "n": 1} for i in ids]
    return json.dumps(
        {"_embedded": {"items": records}, "page": {"totalElements": 9, "totalPages": 3}}
    ).encode()


def ids(body: bytes, key: str = "_embedded") -> list:
    payload = json.loads(body)
    return [r.get("id") for r in (payload["_embedded"]["items"] if key == "_embedded" else payload[key])]


def test_set_changes_the_first_rows_records_and_drop_removes_the_field():
    body = json.loads(
        FaultRule("revenium", field="n", field_action="set", value="x", rows=2).change_records(
            hal("a", "b", "c")
        )
    )
    assert [r["n"] for r in body["_embedded"]["items"]] == ["x", "x", 1]
    body = json.loads(
        FaultRule("helicone", field="n", field_action="drop").change_records(
            json.dumps({"data": [{"id": "a", "n": 1}], "error": None}).encode()
        )
    )
    assert body == {"data": [{"id": "a"}], "error": None}


def test_repeat_page_serves_the_first_matched_page_again_at_the_head_of_the_next():
    rule = FaultRule("revenium", repeat_page=True, times=2)
    assert ids(rule.change_records(hal("a", "b"))) == ["a", "b"]
    assert ids(rule.change_records(hal("c", "d"))) == ["a", "b", "c", "d"]


def test_empty_lists_nothing_and_zeroes_the_totals():
    body = json.loads(FaultRule("revenium", empty=True).change_records(hal("a")))
    assert body["_embedded"]["items"] == [] and body["page"] == {"totalElements": 0, "totalPages": 0}


def test_a_body_without_a_record_list_is_left_alone():
    assert FaultRule("orq", empty=True).change_records(b'{"data": 12.5}') == b'{"data": 12.5}'


@pytest.mark.parametrize(
    "bad",
    [
        {"vendor": "revenium", "field": "x"},
        {"vendor": "revenium", "field": "x", "field_action": "rename"},
        {"vendor": "revenium", "_held": []},
        {"vendor": "revenium"},
    ],
)
def test_malformed_rules_are_refused(bad):
    with pytest.raises(ValueError):
        FaultRule.from_dict(bad)


def test_rules_round_trip_through_json_without_their_state():
    rule = FaultRule("revenium", field="model", field_action="set", value=None, rows=3, times=2)
    assert FaultRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule
    assert "_held" not in rule.to_dict()
