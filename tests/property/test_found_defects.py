"""The smallest payloads of the defects the property-based tests found, as fixed examples.

Each runs the real source against the stub once and judges it exactly as the property-based test of its
endpoint does (``scenario.judge``). All were fixed when they were found (a record rejected on the last
batch of pages was lost; integers beyond 64 bits were read as floats; Helicone error envelopes and orq
responses without ``data`` did not name the endpoint; a Helicone error envelope with an empty error text
ended the requests walk silently); these keep them fixed.
"""

from __future__ import annotations

import pytest

from ingestion.helicone.raw_tables import HELICONE_REQUESTS, HELICONE_SESSIONS
from ingestion.helicone.source import QUERY_PATH, SESSION_QUERY_PATH
from ingestion.orq.raw_tables import ORQ_REPORTING_BUCKETS, ORQ_SPANS, ORQ_TRACES
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from tests.property import test_helicone, test_orq, test_revenium
from tests.property.harness import run_resource, settings_for
from tests.property.scenario import Log, judge

pytestmark = pytest.mark.property
EMPTY = {"data": [], "error": None}  # Helicone's page past the last


def _error_page(error: str) -> dict:
    """One page that is Helicone's error envelope (its schema's ``ResultError``)."""
    envelope = ({"data": None, "error": error}, True)
    return {"key": "x", "pages": [[]], "envelopes": [envelope], "fault": None, "ascii": True}


def test_helicone_error_envelope_names_the_endpoint(stub):
    log = Log()
    stub.reset(test_helicone.offset_responder(QUERY_PATH, _error_page("invalid limit"), log, EMPTY))
    v = test_helicone.VENDOR
    outcome = run_resource(
        v, settings_for(v, stub.base_url), test_helicone.START, test_helicone.END, "requests"
    )
    judge(outcome, log, HELICONE_REQUESTS, test_helicone.START, test_helicone.END)


def test_helicone_request_error_envelope_with_empty_text_is_not_an_empty_page(stub):
    """Found by the long profile: ``{"data": null, "error": ""}`` on the first page read as the empty page
    that ends the walk, so the load stopped there, silently, and the next page's records were never read."""
    record = {"request_id": "r1", "request_created_at": "2026-03-03T01:00:00Z"}
    scenario = {**_error_page(""), "pages": [[], [record]]}
    scenario["envelopes"] = [*scenario["envelopes"], ({"data": [record], "error": None}, False)]
    log = Log()
    stub.reset(test_helicone.offset_responder(QUERY_PATH, scenario, log, EMPTY))
    v = test_helicone.VENDOR
    outcome = run_resource(
        v, settings_for(v, stub.base_url), test_helicone.START, test_helicone.END, "requests"
    )
    assert outcome.error is not None and "empty error text" in str(outcome.error)
    judge(outcome, log, HELICONE_REQUESTS, test_helicone.START, test_helicone.END)


def test_helicone_session_error_envelope_names_the_endpoint(stub):
    log = Log()
    stub.reset(test_helicone.offset_responder(SESSION_QUERY_PATH, _error_page(""), log, EMPTY))
    v = test_helicone.VENDOR
    outcome = run_resource(
        v, settings_for(v, stub.base_url), test_helicone.START, test_helicone.END, "sessions"
    )
    judge(outcome, log, HELICONE_SESSIONS, test_helicone.START, test_helicone.END)


_TRACE = {"trace_id": "a" * 32, "started_at": "2026-03-03T01:00:00Z", "status": "ok"}
_NO_DATA_SEARCH = {
    "pages": [[]],
    "search": [({"object": "list", "has_more": False}, True)],
    "spans": {},
    "fault": None,
    "ascii": True,
}
_NO_DATA_SPANS = {
    "pages": [[_TRACE]],
    "search": [({"object": "list", "data": [_TRACE], "has_more": False}, False)],
    "spans": {_TRACE["trace_id"]: ([], ({"object": "list", "has_more": False}, True))},
    "fault": None,
    "ascii": True,
}
_NO_DATA_REPORT = {
    "reports": {"genai.cost": ([], ({"object": "report", "has_more": False}, True))},
    "fault": None,
    "ascii": True,
}


def test_orq_search_without_data_names_the_endpoint(stub):
    log = Log()
    stub.reset(test_orq.trace_responder(_NO_DATA_SEARCH, log))
    v = test_orq.VENDOR
    outcome = run_resource(v, settings_for(v, stub.base_url), test_orq.START, test_orq.END, "traces")
    judge(outcome, log, ORQ_TRACES, test_orq.START, test_orq.END)


def test_orq_spans_without_data_names_the_endpoint(stub):
    log = Log()
    stub.reset(test_orq.trace_responder(_NO_DATA_SPANS, log))
    v = test_orq.VENDOR
    outcome = run_resource(v, settings_for(v, stub.base_url), test_orq.START, test_orq.END, "spans")
    judge(outcome, log, ORQ_SPANS, test_orq.START, test_orq.END, served=test_orq.dated_spans(log))


def test_orq_report_without_data_names_the_endpoint(stub):
    log = Log()
    stub.reset(test_orq.report_responder(_NO_DATA_REPORT, log))
    v = test_orq.VENDOR
    outcome = run_resource(
        v, settings_for(v, stub.base_url), test_orq.START, test_orq.END, "reporting_buckets"
    )
    judge(outcome, log, ORQ_REPORTING_BUCKETS, test_orq.START, test_orq.END)


def test_revenium_reject_on_the_last_fast_path_batch_is_quarantined(stub):
    log = Log()
    stub.reset(test_revenium.list_responder([test_revenium.LAST_BATCH_REJECTED], log))
    v, start, end = test_revenium.VENDOR, test_revenium.START, test_revenium.END
    outcome = run_resource(
        v, settings_for(v, stub.base_url, (test_revenium.TEAM,)), start, end, "completions"
    )
    judge(outcome, log, REVENIUM_COMPLETIONS, start, end)


def test_an_integer_beyond_64_bits_is_kept_as_sent(stub):
    trace = {**_TRACE, "n": 18446744073709551617}  # an undeclared field: kept in _extra_fields
    scenario = {
        "pages": [[trace]],
        "search": [({"object": "list", "data": [trace], "has_more": False}, False)],
        "spans": {},
        "fault": None,
        "ascii": True,
    }
    log = Log()
    stub.reset(test_orq.trace_responder(scenario, log))
    v = test_orq.VENDOR
    outcome = run_resource(v, settings_for(v, stub.base_url), test_orq.START, test_orq.END, "traces")
    judge(outcome, log, ORQ_TRACES, test_orq.START, test_orq.END)
