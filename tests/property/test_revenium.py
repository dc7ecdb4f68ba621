"""Property-based tests of the Revenium source against responses generated from Revenium's schemas
(simulator/specs/revenium-schemas.json, extended by the read-side fields of docs/vendor-apis/revenium.md
§2.2-§2.3; see tests/property/schemas.py): completions (HAL pages, the Arrow fast path from page 1 on), tool
events, traces and jobs, and one load of the whole source through dlt into DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingestion.revenium.agentic import JOBS_PATH, TOOL_EVENTS_PATH, TRACES_PATH
from ingestion.revenium.raw_tables import (
    REVENIUM_COMPLETIONS,
    REVENIUM_JOB_FUNNEL,
    REVENIUM_JOBS,
    REVENIUM_TOOL_EVENTS,
    REVENIUM_TRACES,
)
from ingestion.revenium.source import COMPLETIONS_PATH
from ingestion.vendors import vendor_named
from tests.property.harness import load, read_tables, run_resource, settings_for
from tests.property.invariant import Served
from tests.property.profiles import load_examples
from tests.property.scenario import Fault, Log, checked, faults, judge, judge_error
from tests.property.schemas import (
    any_times,
    chunks,
    event_times,
    record_strategy,
    revenium_completion_schema,
    revenium_def,
    revenium_tool_event_schema,
    revenium_trace_schema,
    strategy,
    with_duplicates,
)
from tests.property.stub import Reply, Request

pytestmark = pytest.mark.property

VENDOR = vendor_named("revenium")
START = datetime(2026, 3, 3, tzinfo=UTC)
END = START + timedelta(days=1)
PREFIX = "/revenium"
TEAM = "tmProp01"
CONSTANTS = {"team_id": TEAM}

COMPLETION = record_strategy(
    revenium_completion_schema(),
    {
        "requestTime": event_times(START, END),
        "responseTime": any_times(),
        "completionStartTime": any_times(),
    },
    REVENIUM_COMPLETIONS,
)
TOOL_EVENT = record_strategy(
    revenium_tool_event_schema(), {"timestamp": event_times(START, END)}, REVENIUM_TOOL_EVENTS
)
# The source keeps the traces whose startTime is in the day it asked for (and drops the others: a server
# that ignores the dates is still read right), so they are drawn inside the window.
TRACE = record_strategy(
    revenium_trace_schema(),
    {"startTime": event_times(START, END, outside=False), "endTime": any_times()},
    REVENIUM_TRACES,
)
JOB = record_strategy(
    revenium_def("JobResource"),
    {"created": event_times(START, END), "updated": any_times(), "outcomeReportedAt": any_times()},
    REVENIUM_JOBS,
)
FUNNEL = strategy(revenium_def("ConversionFunnelResource"))

# Spring HAL list keys: the known ones (docs §1.1), else what Spring would name them.
LIST_KEYS = {
    COMPLETIONS_PATH: "aICompletionMetricResourceList",
    TOOL_EVENTS_PATH: "toolEventResourceList",
    TRACES_PATH: "aITraceResourceList",
    JOBS_PATH: "jobResourceList",
}


@st.composite
def list_scenario(draw: Any, record: Any, key: str, path: str, max_size: int = 8) -> dict[str, Any]:
    records = draw(with_duplicates(draw(st.lists(record, max_size=max_size)), (key,)))
    # The envelopes Revenium lists come in (docs §1.1): HAL pages mostly; a bare array or Spring's
    # {content, page} now and then (one page: without paging metadata a short page ends the walk).
    shape = draw(st.sampled_from(("hal", "hal", "hal", "hal", "hal", "array", "content")))
    pages = draw(chunks(records, max_chunks=4)) if shape == "hal" else [records]
    return {
        "path": path,
        "key": key,
        "shape": shape,
        "pages": pages,
        "fault": draw(faults((path,), pages=len(pages) + 1)),
        "ascii": draw(st.booleans()),
    }


def list_body(scenario: dict[str, Any], page: int) -> Any:
    pages = scenario["pages"]
    records = pages[page] if page < len(pages) else []
    info = {"size": 100, "totalElements": sum(map(len, pages)), "totalPages": len(pages), "number": page}
    if scenario["shape"] == "array":
        return records
    if scenario["shape"] == "content":
        return {"content": records, "page": info}
    if not records:
        return {"page": info}  # Spring leaves _embedded out of an empty page
    return {"_embedded": {LIST_KEYS[scenario["path"]]: records}, "page": info}


def list_responder(scenarios: list[dict[str, Any]], log: Log, fallback: Any = None) -> Any:
    by_path = {PREFIX + s["path"]: s for s in scenarios}

    def respond(request: Request) -> Reply:
        scenario = by_path.get(request.path)
        if scenario is None:
            if fallback is not None:
                return fallback(request)
            return Reply(404, {"error": "Not Found", "path": request.path})
        path = scenario["path"]
        if request.query.get("teamId") != TEAM:
            return Reply(400, {"error": f"teamId {request.query.get('teamId')!r}"})
        page = int(request.query.get("page", 0))
        fault: Fault | None = scenario["fault"]
        if fault is not None and fault.page == page:
            log.fault(path)
            return fault.reply()
        if page < len(scenario["pages"]):
            log.serve(path, scenario["pages"][page], CONSTANTS, key=scenario["key"])
        return Reply(200, list_body(scenario, page), ensure_ascii=scenario["ascii"])

    return respond


def run_list(stub, scenario: dict[str, Any], resource: str, table) -> None:
    log = Log()
    stub.reset(list_responder([scenario], log))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url, (TEAM,)), START, END, resource)
    assert not stub.errors, stub.errors
    judge(outcome, log, table, START, END)


def _hal(path: str, key: str, pages: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"path": path, "key": key, "shape": "hal", "pages": pages, "fault": None, "ascii": True}


_OK = {
    "id": "c1",
    "provider": "OPENAI",
    "model": "gpt",
    "totalCost": 1.5,
    "requestTime": "2026-03-03T01:00:00Z",
}
_TOOL = {
    "id": "t1",
    "toolId": "search",
    "durationMs": 5,
    "success": True,
    "timestamp": "2026-03-03T01:00:00Z",
}


LAST_BATCH_REJECTED = _hal(
    COMPLETIONS_PATH, "id", [[_OK], [{**_OK, "id": "c2", "requestTime": "2026-03-05T01:00:00Z"}]]
)


# Found by this suite: a record rejected on the last batch of pages read by the Arrow fast path (pages 1..)
# vanished when that batch landed no row (its quarantine rows were never handed to dlt).
@given(scenario=list_scenario(COMPLETION, "id", COMPLETIONS_PATH))
def test_completions_land_or_quarantine(stub, scenario):
    run_list(stub, scenario, "completions", REVENIUM_COMPLETIONS)


# A conflicting duplicate across pages: the first version lands, the second must be quarantined.
@example(scenario=_hal(TOOL_EVENTS_PATH, "id", [[_TOOL], [{**_TOOL, "toolId": "fetch"}]]))
@given(scenario=list_scenario(TOOL_EVENT, "id", TOOL_EVENTS_PATH))
def test_tool_events_land_or_quarantine(stub, scenario):
    run_list(stub, scenario, "tool_events", REVENIUM_TOOL_EVENTS)


@given(scenario=list_scenario(TRACE, "traceId", TRACES_PATH))
def test_traces_land_or_quarantine(stub, scenario):
    run_list(stub, scenario, "traces", REVENIUM_TRACES)


@given(scenario=list_scenario(JOB, "agenticJobId", JOBS_PATH, max_size=5))
def test_jobs_land_or_quarantine(stub, scenario):
    run_list(stub, scenario, "jobs", REVENIUM_JOBS)


# -- the whole source through dlt into DuckDB ----------------------------------------------------------------
@st.composite
def whole_scenario(draw: Any) -> dict[str, Any]:
    out = {
        "completions": draw(list_scenario(COMPLETION, "id", COMPLETIONS_PATH, max_size=6)),
        "tool_events": draw(list_scenario(TOOL_EVENT, "id", TOOL_EVENTS_PATH, max_size=4)),
        "traces": draw(list_scenario(TRACE, "traceId", TRACES_PATH, max_size=4)),
        "jobs": draw(list_scenario(JOB, "agenticJobId", JOBS_PATH, max_size=3)),
        "funnel": draw(FUNNEL),
    }
    for name in ("completions", "tool_events", "traces", "jobs"):
        out[name]["fault"] = None
    return out


@settings(max_examples=load_examples())
@given(scenario=whole_scenario())
def test_whole_source_loads_into_duckdb(stub, scenario, tmp_path_factory):
    log = Log()

    def other(request: Request) -> Reply:
        if request.path == f"{PREFIX}{JOBS_PATH}/conversion-funnel":
            return Reply(200, scenario["funnel"])
        return Reply(200, {})  # every other list, on either host: no records

    lists = [scenario[n] for n in ("completions", "tool_events", "traces", "jobs")]
    stub.reset(list_responder(lists, log, fallback=other))
    path = tmp_path_factory.mktemp("revenium") / "raw.duckdb"
    try:  # a deviation (a repeated page) may make the load raise, naming its endpoint
        load(VENDOR, settings_for(VENDOR, stub.base_url, (TEAM,)), START, END, path)
    except Exception as exc:
        judge_error(exc, log, "revenium load")
        return
    assert not stub.errors, stub.errors
    names = [t.name for t in VENDOR.raw_tables] + ["quarantine"]
    tables = read_tables(path, VENDOR.dataset, names)
    q = tables["quarantine"]
    for table, endpoint in (
        (REVENIUM_COMPLETIONS, COMPLETIONS_PATH),
        (REVENIUM_TOOL_EVENTS, TOOL_EVENTS_PATH),
        (REVENIUM_TRACES, TRACES_PATH),
        (REVENIUM_JOBS, JOBS_PATH),
    ):
        served = [s for s in log.served if s.endpoint == endpoint]
        checked(table, served, tables[table.name], q, START, END)
    funnel = [Served(scenario["funnel"], f"{JOBS_PATH}/conversion-funnel", CONSTANTS)]
    checked(REVENIUM_JOB_FUNNEL, funnel, tables["job_conversion_funnel"], q, START, END)
