"""Property-based tests of the orq.ai source against responses generated from orq's OpenAPI document
(simulator/specs/orq-openapi.json): traces (POST /v3/traces/search), their spans
(GET /v3/traces/{trace_id}/spans), reporting buckets (POST /v2/reporting), and one load of the whole source
through dlt into DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from ingestion.orq.raw_tables import ORQ_COST_TOTALS, ORQ_REPORTING_BUCKETS, ORQ_SPANS, ORQ_TRACES
from ingestion.orq.source import BUCKET_METRICS, GROUP_BY, REPORTING_PATH, TRACES_SEARCH_PATH
from ingestion.vendors import vendor_named
from tests.property.harness import load, read_tables, run_resource, settings_for
from tests.property.invariant import Served
from tests.property.profiles import load_examples
from tests.property.scenario import Fault, Log, checked, faults, judge, judge_error
from tests.property.schemas import (
    any_times,
    chunks,
    event_times,
    orq_schema,
    record_strategy,
    strategy,
    with_duplicates,
    without,
)
from tests.property.stub import Reply, Request

pytestmark = pytest.mark.property

VENDOR = vendor_named("orq")
START = datetime(2026, 3, 3, tzinfo=UTC)
END = START + timedelta(days=1)
PREFIX = "/orq"
SPANS_PATH = "/v3/traces/{trace_id}/spans"

# Trace ids: what the schema allows (any string), or the 32-hex ids orq sends.
HEX_ID = st.text("0123456789abcdef", min_size=32, max_size=32)
TRACE_ID = st.one_of(HEX_ID, HEX_ID, from_schema({"type": "string"}))
TRACE = record_strategy(
    orq_schema("TraceSummary"),
    {"trace_id": TRACE_ID, "started_at": event_times(START, END), "ended_at": any_times()},
    ORQ_TRACES,
)
SPAN = record_strategy(
    orq_schema("SpanSummary"),
    {"span_id": TRACE_ID, "started_at": any_times(), "ended_at": any_times()},
    ORQ_SPANS,
)
SEARCH_ENVELOPE = strategy(
    without(orq_schema("SearchTracesResponse"), {"data", "has_more", "next_page_token"})
)
SPANS_ENVELOPE = strategy(
    without(orq_schema("ListTraceSpansResponse"), {"data", "has_more", "next_page_token"})
)
REPORT_ENVELOPE = strategy(
    without(orq_schema("QueryReportResponse"), {"data", "has_more", "totals", "request"})
)


@st.composite
def envelope(
    draw: Any, base: Any, records: list[dict[str, Any]], more: str | None, deviate: bool = True
) -> tuple[dict, bool]:
    """A list response: the schema's envelope around ``records``; 1 in 10 (deviant) without ``data``."""
    body = dict(draw(base))
    deviant = deviate and draw(st.integers(0, 9)) == 9
    if not deviant:
        body["data"] = records
    body["has_more"] = more is not None
    if more is not None:
        body["next_page_token"] = more
    return body, deviant


@st.composite
def trace_scenario(draw: Any, deviate: bool = True) -> dict[str, Any]:
    traces = draw(with_duplicates(draw(st.lists(TRACE, max_size=6)), ("trace_id",)))
    pages = draw(chunks(traces))
    tokens = [f"tok{i}" for i in range(1, len(pages))] + [None]
    search = [
        draw(envelope(SEARCH_ENVELOPE, page, token, deviate))
        for page, token in zip(pages, tokens, strict=True)
    ]
    ids = {t["trace_id"] for t in traces if isinstance(t.get("trace_id"), str)}
    spans: dict[str, tuple[list[dict], tuple[dict, bool]]] = {}
    for trace_id in sorted(ids):
        own = []
        for span in draw(st.lists(SPAN, max_size=3)):
            if draw(st.integers(0, 5)) != 5:  # mostly the trace's own id (else what the schema drew)
                span["trace_id"] = trace_id
            own.append(span)
        spans[trace_id] = (own, draw(envelope(SPANS_ENVELOPE, own, None, deviate)))
    return {
        "pages": pages,
        "search": search,
        "spans": spans,
        "fault": draw(faults((TRACES_SEARCH_PATH, SPANS_PATH), pages=len(pages) + 1)),
        "ascii": draw(st.booleans()),
    }


def trace_responder(scenario: dict[str, Any], log: Log) -> Any:
    fault: Fault | None = scenario["fault"]

    def respond(request: Request) -> Reply:
        path = request.path.removeprefix(PREFIX)
        if request.method == "POST" and path == TRACES_SEARCH_PATH:
            token = request.body.get("page_token")
            index = int(token.removeprefix("tok")) if token else 0
            if fault is not None and fault.endpoint == TRACES_SEARCH_PATH and fault.page == index:
                log.fault(path)
                return fault.reply()
            body, deviant = scenario["search"][index]
            if deviant:
                log.deviate(path)
            else:
                log.serve(path, scenario["pages"][index], key="trace_id")
            return Reply(200, body, ensure_ascii=scenario["ascii"])
        if request.method == "GET" and path.startswith("/v3/traces/") and path.endswith("/spans"):
            trace_id = unquote(path.removeprefix("/v3/traces/").removesuffix("/spans"))
            if trace_id not in scenario["spans"]:
                return Reply(404, {"error": f"trace {trace_id!r} not found"})
            if fault is not None and fault.endpoint == SPANS_PATH and trace_id == min(scenario["spans"]):
                log.fault(path)
                return fault.reply()
            spans, (body, deviant) = scenario["spans"][trace_id]
            if deviant:
                log.deviate(path)
            else:
                log.serve(path, spans)
            return Reply(200, body, ensure_ascii=scenario["ascii"])
        return Reply(404, {"error": f"no route {request.method} {request.path}"})

    return respond


@given(scenario=trace_scenario())
def test_traces_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(trace_responder(scenario, log))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "traces")
    assert not stub.errors, stub.errors
    judge(outcome, log, ORQ_TRACES, START, END)


def dated_spans(log: Log) -> list[Served]:
    """The spans served, as the source hands them over: each dated by the start of its trace in the search
    page it was listed on (any trace of that page with its id)."""
    started: dict[str, list[Any]] = {}
    for s in log.served:
        if s.endpoint == TRACES_SEARCH_PATH and isinstance(s.record.get("trace_id"), str):
            started.setdefault(s.record["trace_id"], []).append(s.record.get("started_at"))
    out = []
    for s in log.served:
        if s.endpoint.endswith("/spans"):
            starts = started.get(s.record.get("trace_id"), [None])
            forms = [{**s.record, "trace_started_at": t} for t in starts]
            out.append(Served(forms[0], s.endpoint, {}, forms[1:]))
    return out


@given(scenario=trace_scenario())
def test_spans_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(trace_responder(scenario, log))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "spans")
    assert not stub.errors, stub.errors
    judge(outcome, log, ORQ_SPANS, START, END, served=dated_spans(log))


# -- reporting -----------------------------------------------------------------------------------------------
METRIC_KEY = st.one_of(st.sampled_from(BUCKET_METRICS), st.sampled_from(BUCKET_METRICS), st.text(max_size=8))
NUMBER = st.one_of(
    from_schema({"type": "number"}), from_schema({"type": "number", "minimum": 0, "maximum": 10**12})
)
DIMENSIONS = st.tuples(
    st.fixed_dictionaries({}, optional={k: st.text(max_size=6) for k in GROUP_BY}),
    from_schema(orq_schema("DataPoint")["properties"]["dimensions"]),
).map(lambda d: {**d[1], **d[0]})
BUCKET = record_strategy(
    orq_schema("DataPoint"),
    {
        "timestamp": event_times(START, END),
        "dimensions": DIMENSIONS,
        "metrics": st.dictionaries(METRIC_KEY, NUMBER, max_size=3),
    },
    ORQ_REPORTING_BUCKETS,
)


@st.composite
def report_scenario(draw: Any, deviate: bool = True) -> dict[str, Any]:
    asked = draw(st.sets(st.sampled_from(BUCKET_METRICS), min_size=1, max_size=3))
    reports = {}
    for metric in sorted(asked):
        buckets = draw(with_duplicates(draw(st.lists(BUCKET, max_size=4)), ("timestamp", "dimensions")))
        reports[metric] = (buckets, draw(envelope(REPORT_ENVELOPE, buckets, None, deviate)))
    return {
        "reports": reports,
        "fault": draw(faults((REPORTING_PATH,), pages=1)),
        "ascii": draw(st.booleans()),
    }


def long_rows(metric: str, body: dict[str, Any], buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A report's buckets as the rows docs/vendor-apis/helicone-orq.md §B.1 lands: one per metric key."""
    grain = (body.get("meta") or {}).get("effective_grain")
    return [
        {
            "requested_metric": metric,
            "grain": grain,
            "timestamp": b.get("timestamp"),
            "dimensions": b.get("dimensions") or {},
            "metric_key": key,
            "metric_value": value,
        }
        for b in buckets
        for key, value in (b.get("metrics") or {}).items()
    ]


def report_responder(scenario: dict[str, Any], log: Log, totals: Any = None) -> Any:
    def respond(request: Request) -> Reply:
        if request.path != PREFIX + REPORTING_PATH:
            return Reply(404, {"error": f"no route {request.path}"})
        metric = request.body["metric"]
        if request.body.get("include_totals"):
            return Reply(200, {"object": "report", "data": [], "has_more": False, "totals": totals})
        fault = scenario["fault"]
        if fault is not None:
            log.fault(REPORTING_PATH)
            return fault.reply()
        if metric not in scenario["reports"]:
            return Reply(200, {"object": "report", "data": [], "has_more": False})
        buckets, (body, deviant) = scenario["reports"][metric]
        if deviant:
            log.deviate(REPORTING_PATH)
        else:
            log.serve(REPORTING_PATH, long_rows(metric, body, buckets))
        return Reply(200, body, ensure_ascii=scenario["ascii"])

    return respond


@given(scenario=report_scenario())
def test_reporting_buckets_land_or_quarantine(stub, scenario):
    log = Log()
    stub.reset(report_responder(scenario, log))
    outcome = run_resource(VENDOR, settings_for(VENDOR, stub.base_url), START, END, "reporting_buckets")
    assert not stub.errors, stub.errors
    judge(outcome, log, ORQ_REPORTING_BUCKETS, START, END)


# -- the whole source through dlt into DuckDB ----------------------------------------------------------------
@st.composite
def whole_scenario(draw: Any) -> dict[str, Any]:
    # The vendor's success envelopes only: the tests above cover the others, endpoint by endpoint.
    traces = draw(trace_scenario(deviate=False))
    reports = draw(report_scenario(deviate=False))
    total = draw(st.one_of(st.none(), NUMBER))
    return {"traces": {**traces, "fault": None}, "reports": {**reports, "fault": None}, "total": total}


@settings(max_examples=load_examples())
@given(scenario=whole_scenario())
def test_whole_source_loads_into_duckdb(stub, scenario, tmp_path_factory):
    log = Log()
    traces = trace_responder(scenario["traces"], log)
    totals = {"metrics": {"genai.cost": scenario["total"]}} if scenario["total"] is not None else None
    reports = report_responder(scenario["reports"], log, totals)

    def respond(request: Request) -> Reply:
        return reports(request) if request.path == PREFIX + REPORTING_PATH else traces(request)

    stub.reset(respond)
    path = tmp_path_factory.mktemp("orq") / "raw.duckdb"
    try:  # a deviant envelope may make the load raise, naming its endpoint
        load(VENDOR, settings_for(VENDOR, stub.base_url), START, END, path)
    except Exception as exc:
        judge_error(exc, log, "orq load")
        return
    assert not stub.errors, stub.errors
    tables = read_tables(path, VENDOR.dataset, [t.name for t in VENDOR.raw_tables] + ["quarantine"])
    q = tables["quarantine"]
    served = [s for s in log.served if s.endpoint == TRACES_SEARCH_PATH]
    checked(ORQ_TRACES, served, tables["traces"], q, START, END)
    checked(ORQ_SPANS, dated_spans(log), tables["spans"], q, START, END)
    served = [s for s in log.served if s.endpoint == REPORTING_PATH]
    checked(ORQ_REPORTING_BUCKETS, served, tables["reporting_buckets"], q, START, END)
    total = scenario["total"]
    cost = float(total) if isinstance(total, int | float) else None
    checked(
        ORQ_COST_TOTALS,
        [Served({"cost_usd": cost}, REPORTING_PATH, {})],
        tables["reporting_cost_totals"],
        q,
        START,
        END,
    )
