"""Property-based tests of the Helicone source against responses generated from Helicone's OpenAPI document
(simulator/specs/helicone-openapi.json): requests (query-clickhouse), sessions and user metrics, and one
load of the whole source through dlt into DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion.helicone.raw_tables import (
    HELICONE_COST_TOTALS,
    HELICONE_REQUESTS,
    HELICONE_SESSIONS,
    HELICONE_USER_METRICS,
)
from ingestion.helicone.source import QUERY_PATH, SESSION_QUERY_PATH, TOTAL_COST_PATH, USER_METRICS_PATH
from ingestion.vendors import vendor_named
from tests.property.harness import load, read_tables, run_resource, settings_for
from tests.property.invariant import Served
from tests.property.profiles import load_examples
from tests.property.scenario import Fault, Log, checked, faults, judge, judge_error
from tests.property.schemas import (
    any_times,
    chunks,
    event_times,
    helicone_schema,
    record_strategy,
    strategy,
    with_duplicates,
)
from tests.property.stub import Reply, Request

pytestmark = pytest.mark.property

VENDOR = vendor_named("helicone")
START = datetime(2026, 3, 3, tzinfo=UTC)
END = START + timedelta(days=1)
PREFIX = "/helicone"

REQUEST = record_strategy(
    helicone_schema("HeliconeRequest"),
    {"request_created_at": event_times(START, END), "response_created_at": any_times()},
    HELICONE_REQUESTS,
)
SESSION = record_strategy(
    helicone_schema("SessionResult"),
    {
        "created_at": event_times(START, END),
        "latest_request_created_at": any_times(),
    },
    HELICONE_SESSIONS,
)
USER = record_strategy(
    helicone_schema("UserMetricsResult"),
    {"first_active": any_times(), "last_active": any_times()},
    HELICONE_USER_METRICS,
)
ERROR_ENVELOPE = strategy(helicone_schema("ResultError_string_"))


def envelope(draw: Any, records: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """Helicone's ``{data, error}``: the success branch, or (1 in 8, deviant) the error branch."""
    if draw(st.integers(0, 7)) == 7:
        return draw(ERROR_ENVELOPE), True
    return {"data": records, "error": None}, False


@st.composite
def paged_scenario(draw: Any, record: Any, key: str, path: str) -> dict[str, Any]:
    records = draw(with_duplicates(draw(st.lists(record, max_size=8)), (key,)))
    pages = draw(chunks(records))
    envelopes = [envelope(draw, page) for page in pages]
    return {
        "key": key,
        "pages": pages,
        "envelopes": envelopes,
        "fault": draw(faults((path,), pages=len(pages) + 1)),
        "ascii": draw(st.booleans()),
    }


def offset_responder(path: str, scenario: dict[str, Any], log: Log, empty: Any) -> Any:
    """Pages by ``offset``/``limit`` (requests and sessions): page ``offset // limit``, then ``empty``."""
    fault: Fault | None = scenario["fault"]

    def respond(request: Request) -> Reply:
        if request.path != PREFIX + path:
            return Reply(404, {"data": None, "error": f"no route {request.path}"})
        index = int(request.body["offset"]) // int(request.body["limit"])
        if fault is not None and fault.page == index:
            log.fault(path)
            return fault.reply()
        if index >= len(scenario["pages"]):
            return Reply(200, empty, ensure_ascii=scenario["ascii"])
        body, deviant = scenario["envelopes"][index]
        if deviant:
            log.deviate(path)
        else:
            log.serve(path, scenario["pages"][index], key=scenario["key"])
        return Reply(200, body, ensure_ascii=scenario["ascii"])

    return respond


@given(scenario=paged_scenario(REQUEST, "request_id", QUERY_PATH))
def test_requests_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(offset_responder(QUERY_PATH, scenario, log, {"data": [], "error": None}))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "requests")
    assert not stub.errors, stub.errors
    judge(outcome, log, HELICONE_REQUESTS, START, END)


@given(scenario=paged_scenario(SESSION, "session_id", SESSION_QUERY_PATH))
def test_sessions_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(offset_responder(SESSION_QUERY_PATH, scenario, log, {"data": [], "error": None}))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "sessions")
    assert not stub.errors, stub.errors
    judge(outcome, log, HELICONE_SESSIONS, START, END)


@st.composite
def user_scenario(draw: Any) -> dict[str, Any]:
    users = draw(with_duplicates(draw(st.lists(USER, max_size=6)), ("user_id",)))
    return {
        "users": users,
        "fault": draw(faults((USER_METRICS_PATH,), pages=1)),
        "ascii": draw(st.booleans()),
    }


def user_responder(scenario: dict[str, Any], log: Log) -> Any:
    def respond(request: Request) -> Reply:
        if request.path != PREFIX + USER_METRICS_PATH:
            return Reply(404, {"data": None, "error": f"no route {request.path}"})
        fault = scenario["fault"]
        if fault is not None:
            log.fault(USER_METRICS_PATH)
            return fault.reply()
        offset, limit = int(request.body["offset"]), int(request.body["limit"])
        users = scenario["users"][offset : offset + limit]
        log.serve(USER_METRICS_PATH, users)
        data = {"users": users, "count": len(scenario["users"]), "hasUsers": bool(scenario["users"])}
        return Reply(200, {"data": data, "error": None}, ensure_ascii=scenario["ascii"])

    return respond


@given(scenario=user_scenario())
def test_user_metrics_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(user_responder(scenario, log))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "user_metrics")
    assert not stub.errors, stub.errors
    judge(outcome, log, HELICONE_USER_METRICS, START, END)


# -- the whole source through dlt into DuckDB ----------------------------------------------------------------
@st.composite
def whole_scenario(draw: Any) -> dict[str, Any]:
    requests = draw(with_duplicates(draw(st.lists(REQUEST, max_size=6)), ("request_id",)))
    sessions = draw(with_duplicates(draw(st.lists(SESSION, max_size=4)), ("session_id",)))
    users = draw(st.lists(USER, max_size=3))
    total = draw(
        st.one_of(st.floats(min_value=0, allow_nan=False, allow_infinity=False), st.integers(0, 10**6))
    )
    return {"requests": requests, "sessions": sessions, "users": users, "total": total}


@settings(max_examples=load_examples())
@given(scenario=whole_scenario())
def test_whole_source_loads_into_duckdb(stub, scenario, tmp_path_factory):
    log = Log()
    pages = {QUERY_PATH: scenario["requests"], SESSION_QUERY_PATH: scenario["sessions"]}

    def respond(request: Request) -> Reply:
        path = request.path.removeprefix(PREFIX)
        if path in pages:
            rows = pages[path] if int(request.body["offset"]) == 0 else []
            log.serve(path, rows)
            return Reply(200, {"data": rows, "error": None})
        if path == USER_METRICS_PATH:
            users = scenario["users"] if int(request.body["offset"]) == 0 else []
            log.serve(path, users)
            data = {"users": users, "count": len(scenario["users"]), "hasUsers": bool(users)}
            return Reply(200, {"data": data, "error": None})
        if path == TOTAL_COST_PATH:
            return Reply(200, {"data": scenario["total"], "error": None})
        return Reply(404, {"data": None, "error": f"no route {request.path}"})

    stub.reset(respond)
    path = tmp_path_factory.mktemp("helicone") / "raw.duckdb"
    try:
        load(VENDOR, settings_for(VENDOR, stub.base_url), START, END, path)
    except Exception as exc:
        judge_error(exc, log, "helicone load")
        return
    assert not stub.errors, stub.errors
    tables = read_tables(path, VENDOR.dataset, [t.name for t in VENDOR.raw_tables] + ["quarantine"])
    for table, endpoint in (
        (HELICONE_REQUESTS, QUERY_PATH),
        (HELICONE_SESSIONS, SESSION_QUERY_PATH),
        (HELICONE_USER_METRICS, USER_METRICS_PATH),
    ):
        served = [s for s in log.served if s.endpoint == endpoint]
        checked(table, served, tables[table.name], tables["quarantine"], START, END)
    total = [Served({"cost_usd": float(scenario["total"])}, TOTAL_COST_PATH, {})]
    checked(HELICONE_COST_TOTALS, total, tables["metrics_total_cost"], tables["quarantine"], START, END)
