"""The request bodies our Helicone and orq sources send are valid against the vendors' own specs."""

from datetime import UTC, datetime

import pytest

from ingestion.core.windows import Window
from ingestion.helicone.source import iter_request_pages, iter_session_pages, iter_user_metric_pages
from ingestion.orq.source import iter_trace_pages, trace_spans
from tests.unit.simulator.conftest import spec_validator

WINDOW = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))


class Recorder:
    """A stand-in VendorClient: records each call and answers with an empty page."""

    def __init__(self, answer):
        self.calls = []
        self.answer = answer

    def post(self, path, body):
        self.calls.append((path, body))
        return self.answer

    def get(self, path, params=None):
        self.calls.append((path, params))
        return self.answer


@pytest.mark.parametrize(
    ("pages", "answer", "spec", "schema"),
    [
        (iter_request_pages, {"data": [], "error": None}, "helicone-openapi.json", "RequestQueryParams"),
        (iter_session_pages, {"data": [], "error": None}, "helicone-openapi.json", "SessionQueryParams"),
        (
            iter_user_metric_pages,
            {"data": {"users": [], "count": 0, "hasUsers": False}, "error": None},
            "helicone-openapi.json",
            "UserMetricsQueryParams",
        ),
        (
            iter_trace_pages,
            {"object": "list", "data": [], "has_more": False},
            "orq-openapi.json",
            "SearchTracesRequest",
        ),
    ],
)
def test_bodies_follow_the_spec(pages, answer, spec, schema):
    client = Recorder(answer)
    assert list(pages(client, WINDOW)) == []
    ((_, body),) = client.calls
    spec_validator(spec, schema).validate(body)


def test_helicone_time_filters_are_in_the_documented_units():
    sessions, users = (
        Recorder({"data": [], "error": None}),
        Recorder({"data": {"users": [], "count": 0}, "error": None}),
    )
    list(iter_session_pages(sessions, WINDOW))
    list(iter_user_metric_pages(users, WINDOW))
    # 2026-03-03T00:00Z = 1772496000 s
    assert sessions.calls[0][1]["timeFilter"] == {
        "startTimeUnixMs": 1772496000000,
        "endTimeUnixMs": 1772582400000,
    }
    assert users.calls[0][1]["timeFilter"] == {
        "startTimeUnixSeconds": 1772496000,
        "endTimeUnixSeconds": 1772582400,
    }


def test_orq_spans_request():
    client = Recorder({"object": "list", "data": [{"span_id": "a"}], "has_more": False})
    assert trace_spans(client, "t1") == [{"span_id": "a"}]
    assert client.calls == [("/v3/traces/t1/spans", {"limit": 1000})]
