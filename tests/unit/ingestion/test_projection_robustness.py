"""What a vendor can send that once failed a whole load or slipped past quarantine, and what the user gets now.

* a number its column cannot hold (tokens 1e20, a cost of 1e308): the record is quarantined under
  ``out_of_range`` naming the column; the rest lands;
* an id that is optional in the vendor's schema missing (an orq trace without ``trace_id``): the record is
  quarantined under ``missing_key`` and a fan-out that needs the id (spans per trace) skips that parent;
* RFC 3339 timestamps with 7-9 fractional digits, lower-case ``t``/``z`` or a ``+hhmm`` offset: read,
  sub-microsecond digits truncated (never rounded);
* the same key twice with other content (a Helicone ``request_id``, an orq bucket): the first version lands,
  every other version is quarantined under ``conflicting_duplicate``; an identical repeat is dropped;
* free text under names nobody listed (``prompt``, ``messages``, ``input``, ``output``, nested too): kept in
  ``_extra_fields`` and quarantine payloads as ``{"string_length": N}`` only, and no load file kept on disk.

The end-to-end cases load a vendor source with the production dlt pipeline (``vendor_pipeline``) from a
local HTTP stub into a throw-away data directory.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import pytest

from ingestion.core.arrow_pages import (
    QUARANTINE_SINK,
    RecordTypeError,
    project,
    records_to_table,
)
from ingestion.core.dlt_resources import FirstByKey
from ingestion.core.quarantine import record_payload
from ingestion.core.windows import Window
from ingestion.helicone.raw_tables import HELICONE_SESSIONS
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS

WINDOW = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
DAY = date(2026, 3, 1)
TEAM = {"team_id": "tm1"}
MARKER = "PROMPT-TEXT-UNLISTED-9b1e"


def completion(**overrides: Any) -> dict[str, Any]:
    record = {
        "id": "c1",
        "model": "gpt-4o",
        "provider": "OPENAI",
        "inputTokenCount": 1000,
        "totalCost": 0.0125,
        "requestTime": "2026-03-01T10:15:00.250Z",
    }
    return {**record, **overrides}


def rejected_of(table, records, constants=TEAM):
    projection = project(table, records, WINDOW, constants)
    return projection, [(r.record.get("id"), r.rule, r.column) for r in projection.rejected]


# -- 1. numbers out of range ----------------------------------------------------------------------------
def test_numbers_a_column_cannot_hold_are_quarantined_naming_the_column():
    records = [
        completion(id="ok"),
        completion(id="int-too-big", inputTokenCount=10**20),
        completion(id="float-int-too-big", inputTokenCount=1e20),
        completion(id="text-int-too-big", inputTokenCount="1e20"),
        completion(id="cost-1e308", totalCost=1e308),
        completion(id="cost-not-decimal-18-9", totalCost=2e9),
        completion(id="cost-minus-1e308", totalCost=-1e308),  # out of range before negative
        completion(id="cost-nan", totalCost=math.nan),
        completion(id="cost-inf", totalCost=math.inf),
        completion(id="cost-huge-int", totalCost=10**400),
        completion(id="ok-2", totalCost=999_999_999.5),  # below 1e9 in absolute value: lands
    ]
    projection, rejected = rejected_of(REVENIUM_COMPLETIONS, records)
    assert projection.table.column("id").to_pylist() == ["ok", "ok-2"]
    assert rejected == [
        ("int-too-big", "out_of_range", "input_token_count"),
        ("float-int-too-big", "out_of_range", "input_token_count"),
        ("text-int-too-big", "out_of_range", "input_token_count"),
        ("cost-1e308", "out_of_range", "total_cost"),
        ("cost-not-decimal-18-9", "out_of_range", "total_cost"),
        ("cost-minus-1e308", "out_of_range", "total_cost"),
        ("cost-nan", "out_of_range", "total_cost"),
        ("cost-inf", "out_of_range", "total_cost"),
        ("cost-huge-int", "out_of_range", "total_cost"),
    ]
    reasons = {r.record["id"]: r.reason for r in projection.rejected}
    assert "out of range" in reasons["int-too-big"] and "int64" in reasons["int-too-big"]
    assert "DECIMAL(18,9)" in reasons["cost-not-decimal-18-9"]


def test_an_out_of_range_number_goes_to_the_sink_and_never_raises_overflow():
    got: list = []
    token = QUARANTINE_SINK.set(lambda table, rejected: got.extend(rejected))
    try:
        table = records_to_table(
            REVENIUM_COMPLETIONS,
            [
                completion(id="a"),
                completion(id="b", inputTokenCount=10**20),
                completion(id="c", totalCost=1e308),
            ],
            WINDOW,
            TEAM,
        )
    finally:
        QUARANTINE_SINK.reset(token)
    assert table.column("id").to_pylist() == ["a"]
    assert [(r.rule, r.column) for r in got] == [
        ("out_of_range", "input_token_count"),
        ("out_of_range", "total_cost"),
    ]
    # without a sink it raises the projection's own error, naming the rule and column (not OverflowError)
    with pytest.raises(RecordTypeError, match="out_of_range.*input_token_count"):
        records_to_table(REVENIUM_COMPLETIONS, [completion(inputTokenCount=10**20)], WINDOW, TEAM)


def test_int64_bounds_are_exact_and_large_integers_are_not_read_through_a_float():
    top = 2**63 - 1
    records = [
        completion(id="max", inputTokenCount=top),
        completion(id="max-as-text", inputTokenCount=str(top)),  # a float would make it 2**63
        completion(id="just-over", inputTokenCount=2**63),
        completion(id="min", inputTokenCount=-(2**63), outputTokenCount=None),
    ]
    projection, rejected = rejected_of(REVENIUM_COMPLETIONS, records)
    assert projection.table.column("input_token_count").to_pylist() == [top, top]
    assert rejected == [
        ("just-over", "out_of_range", "input_token_count"),
        ("min", "negative", "input_token_count"),
    ]


def test_a_float_column_that_is_not_money_takes_any_finite_value():
    session = {"session_id": "s1", "created_at": "2026-03-01T10:00:00Z", "total_requests": 3}
    records = [
        {**session, "avg_latency": 1e12},
        {**session, "session_id": "s2", "avg_latency": math.inf},
        {**session, "session_id": "s3", "total_cost": 5e9},
    ]
    projection = project(HELICONE_SESSIONS, records, WINDOW)
    assert projection.table.column("session_id").to_pylist() == ["s1"]
    assert [(r.record["session_id"], r.rule, r.column) for r in projection.rejected] == [
        ("s2", "out_of_range", "avg_latency"),
        ("s3", "out_of_range", "total_cost"),
    ]


# -- 3. RFC 3339 timestamps -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:15:00Z", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),
        ("2026-03-01T10:15:00.000000000Z", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),
        ("2026-03-01T10:15:00.123456789Z", datetime(2026, 3, 1, 10, 15, 0, 123456, tzinfo=UTC)),
        ("2026-03-01T10:15:00.1234567Z", datetime(2026, 3, 1, 10, 15, 0, 123456, tzinfo=UTC)),
        ("2026-03-01T10:15:00.9999999Z", datetime(2026, 3, 1, 10, 15, 0, 999999, tzinfo=UTC)),  # truncated
        ("2026-03-01T10:15:00.12345678+01:00", datetime(2026, 3, 1, 9, 15, 0, 123456, tzinfo=UTC)),
        ("2026-03-01T10:15:00.5+0100", datetime(2026, 3, 1, 9, 15, 0, 500000, tzinfo=UTC)),
        ("2026-03-01T10:15:00.123456789-05:30", datetime(2026, 3, 1, 15, 45, 0, 123456, tzinfo=UTC)),
        ("2026-03-01t10:15:00.123456789z", datetime(2026, 3, 1, 10, 15, 0, 123456, tzinfo=UTC)),
        ("2026-03-01 10:15:00.1Z", datetime(2026, 3, 1, 10, 15, 0, 100000, tzinfo=UTC)),
    ],
)
def test_rfc3339_timestamps_are_read_with_sub_microseconds_truncated(text, expected):
    # alone (one value) and among ordinary values (a column Arrow cannot cast as it is)
    for records in ([completion(requestTime=text)], [completion(id="z"), completion(requestTime=text)]):
        table = records_to_table(REVENIUM_COMPLETIONS, records, WINDOW, TEAM)
        assert table.column("request_time").to_pylist()[-1] == expected


def test_a_time_without_an_offset_is_not_guessed():
    projection, rejected = rejected_of(REVENIUM_COMPLETIONS, [completion(requestTime="2026-03-01T10:15:00")])
    assert rejected == [("c1", "type_change", "request_time")]
    assert "RFC 3339" in projection.rejected[0].reason


# -- 4. conflicting duplicates ----------------------------------------------------------------------------
def test_first_by_key_keeps_the_first_drops_identical_repeats_and_reports_conflicting_ones():
    first = records_to_table(
        REVENIUM_COMPLETIONS, [completion(id="a"), completion(id="b"), completion(id="b")], WINDOW, TEAM
    )
    second = records_to_table(
        REVENIUM_COMPLETIONS,
        [
            completion(id="a", totalCost=0.5),
            completion(id="c"),
            completion(id="b"),
            completion(id="a", model="x"),
        ],
        WINDOW,
        TEAM,
    )
    keep = FirstByKey(REVENIUM_COMPLETIONS)
    assert keep(first).column("id").to_pylist() == ["a", "b"]
    assert keep.take_conflicts() == []  # "b" twice, identical: dropped silently
    assert keep(second).column("id").to_pylist() == ["c"]
    conflicts = keep.take_conflicts()
    assert [(r.record["id"], r.rule, r.column) for r in conflicts] == [
        ("a", "conflicting_duplicate", "team_id, id"),
        ("a", "conflicting_duplicate", "team_id, id"),
    ]
    assert [r.record["total_cost"] for r in conflicts] == [0.5, 0.0125]
    assert conflicts[0].day == DAY and conflicts[0].as_landed
    assert "_window_start" not in conflicts[0].record


# -- 5. free text under unlisted names ------------------------------------------------------------------
PROMPTS = {
    "prompt": f"You are helpful. {MARKER}",
    "messages": [{"role": "user", "content": f"hello {MARKER}"}, {"role": "assistant", "content": MARKER}],
    "input": {"text": MARKER, "tokens": 12, "parts": [MARKER, 3, True, None]},
    "output": MARKER,
    "newCount": 7,
    "newFlag": False,
}


def test_undeclared_fields_keep_their_shape_and_numbers_but_no_text():
    row = records_to_table(REVENIUM_COMPLETIONS, [completion(**PROMPTS)], WINDOW, TEAM).to_pylist()[0]
    assert MARKER not in json.dumps(row, default=str)
    n = len(MARKER)
    assert json.loads(row["_extra_fields"]) == {
        "prompt": {"string_length": len(PROMPTS["prompt"])},
        "messages": [
            {"role": {"string_length": 4}, "content": {"string_length": n + 6}},
            {"role": {"string_length": 9}, "content": {"string_length": n}},
        ],
        "input": {"text": {"string_length": n}, "tokens": 12, "parts": [{"string_length": n}, 3, True, None]},
        "output": {"string_length": n},
        "newCount": 7,
        "newFlag": False,
    }


def test_a_quarantine_payload_keeps_declared_fields_and_redacts_the_rest():
    record = completion(
        totalCost=-1.0,
        organization={"id": "o1", "label": "acme", "note": MARKER},  # declared parent, undeclared child
        subscriber={"id": "s1", "credential": {"name": "prod", "value": "sk-live-1"}},
        systemPrompt=MARKER,
        **PROMPTS,
    )
    projection = project(REVENIUM_COMPLETIONS, [record], WINDOW, TEAM)
    (rejected,) = projection.rejected
    payload = json.loads(record_payload(REVENIUM_COMPLETIONS, rejected))
    assert MARKER not in json.dumps(payload) and "sk-live-1" not in json.dumps(payload)
    assert payload["totalCost"] == -1.0 and payload["model"] == "gpt-4o"  # declared: as served
    assert payload["organization"] == {"id": "o1", "label": "acme", "note": {"string_length": len(MARKER)}}
    assert payload["subscriber"]["credential"] == {"name": {"string_length": 4}}
    assert payload["input"]["tokens"] == 12 and "systemPrompt" not in payload


# -- end to end: a local vendor stub, the production dlt pipeline, a throw-away data directory -------------
class Stub:
    """A local HTTP server answering JSON by ``(method, path)``; a route is ``fn(body, path) -> JSON`` or
    ``None`` for 404. Only what the test serves exists."""

    def __init__(self, route: Callable[[str, str, Any], Any]) -> None:
        self.route = route
        self.requests: list[tuple[str, str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                path = urlparse(self.path).path
                stub.requests.append((method, path, body))
                answer = stub.route(method, path, body)
                data = json.dumps(answer).encode()
                self.send_response(404 if answer is None else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                self._answer("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._answer("POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Stub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIECON_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("AIECON_DESTINATION", "duckdb")
    monkeypatch.delenv("AIECON_KEEP_LOAD_FILES", raising=False)
    monkeypatch.setenv("AIECON_HTTP_BACKOFF_BASE_S", "0.01")
    # vendor_pipeline sets dlt's load settings process-wide: restored after the test
    monkeypatch.setenv("LOAD__DELETE_COMPLETED_JOBS", "true")
    monkeypatch.setenv("LOAD__TRUNCATE_STAGING_DATASET", "true")
    yield tmp_path


def run_vendor(vendor: str, source: Any) -> None:
    from dagster_project.defs.dlt.pipelines import vendor_pipeline

    vendor_pipeline(vendor).run(source).raise_on_failed_jobs()


def request_row(request_id: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "request_id": request_id,
        "request_created_at": "2026-03-01T10:00:00.123Z",
        "provider": "OPENAI",
        "model": "gpt-4o",
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "cost": 0.01,
        **PROMPTS,
    }
    return {**row, **overrides}


def helicone_stub(pages: list[list[dict[str, Any]]]) -> Stub:
    def route(method: str, path: str, body: Any) -> Any:
        if path == "/v1/request/query-clickhouse":
            index = body["offset"] // body["limit"]
            return {"data": pages[index] if index < len(pages) else [], "error": None}
        if path == "/v1/metrics/totalCost":
            return {"data": 0.04, "error": None}
        if path == "/v1/session/query":
            return {"data": [], "error": None}
        if path == "/v1/user/metrics/query":
            return {"data": {"users": [], "count": 0}, "error": None}
        return None

    return Stub(route)


def load_helicone(stub: Stub) -> None:
    from ingestion.helicone.settings import HeliconeSettings
    from ingestion.helicone.source import helicone_source

    run_vendor("helicone", helicone_source(WINDOW.start, WINDOW.end, HeliconeSettings(stub.url, "test-key")))


def quarantine_rows(path: Path, schema: str) -> list[tuple[str, str, str, dict]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"select raw_table, rule, column_name, payload from {schema}.quarantine order by rule, payload"
        ).fetchall()
    return [(t, r, c, json.loads(p)) for t, r, c, p in rows]


def test_a_conflicting_helicone_request_id_is_quarantined_and_counted_by_the_gate(data_dir):
    from dagster_project.defs.quality.quarantine_gate import judge_quarantine, read_quarantine

    pages = [
        [request_row("r1"), request_row("r2"), request_row("r3", cost=-0.5)],
        # r1 again as it was (a page overlap), r2 again with another cost, r3 again as it was
        [request_row("r1"), request_row("r2", cost=0.07), request_row("r4"), request_row("r3", cost=-0.5)],
    ]
    with helicone_stub(pages) as stub:
        load_helicone(stub)
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        landed = dict(con.execute("select request_id, cost from raw_helicone.requests").fetchall())
    assert landed == {"r1": 0.01, "r2": 0.01, "r4": 0.01}  # the first version of r2 is kept
    quarantine = quarantine_rows(path, "raw_helicone")
    assert [(t, r, c) for t, r, c, _ in quarantine] == [
        ("requests", "conflicting_duplicate", "request_id"),
        ("requests", "negative", "cost"),  # r3 twice, identical: one row
    ]
    conflict = quarantine[0][3]
    assert conflict["request_id"] == "r2" and conflict["cost"] == 0.07  # the losing version
    with duckdb.connect(str(path), read_only=True) as con:
        counted = read_quarantine(con, "raw_helicone", "requests", WINDOW)
    passed, metadata = judge_quarantine(len(landed), counted)
    assert not passed  # 2 of 5 served
    assert metadata["quarantined"] == 2
    assert "quarantine[conflicting_duplicate:request_id]" in metadata
    assert "conflicting_duplicate[request_id] 1" in metadata["quarantine_verdict"]


def test_no_prompt_text_under_unlisted_names_lands_anywhere_on_disk(data_dir):
    pages = [
        [request_row("r1"), request_row("r2", cost=-1.0)],  # r2 is quarantined with its prompt fields
        [request_row("r1", cost=0.5), request_row("r3")],  # r1 conflicting: quarantined as landed
    ]
    with helicone_stub(pages) as stub:
        load_helicone(stub)
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        assert any(schema == "raw_helicone" and table == "quarantine" for schema, table, _ in columns)
        for schema, table, column in columns:
            (hits,) = con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" like ?', [f"%{MARKER}%"]
            ).fetchone()
            assert hits == 0, f"{schema}.{table}.{column}"
    files = [f for f in data_dir.rglob("*") if f.is_file()]
    assert any("dlt_pipelines" in str(f) for f in files)
    assert [f for f in files if MARKER.encode() in f.read_bytes()] == []
    # no job files of the loaded packages are kept (the default)
    assert [f for f in files if "completed_jobs" in f.parts] == []
    # what was loaded: drift visible without text, the rejected and the conflicting versions quarantined
    with duckdb.connect(str(path), read_only=True) as con:
        (extras,) = con.execute(
            "select _extra_fields from raw_helicone.requests where request_id = 'r3'"
        ).fetchone()
    assert json.loads(extras)["input"]["tokens"] == 12
    rules = {r for _, r, _, _ in quarantine_rows(path, "raw_helicone")}
    assert rules == {"negative", "conflicting_duplicate"}


def test_load_files_are_kept_only_when_configured(data_dir, monkeypatch):
    monkeypatch.setenv("AIECON_KEEP_LOAD_FILES", "true")
    with helicone_stub([[request_row("r1")]]) as stub:
        load_helicone(stub)
    kept = [f for f in data_dir.rglob("*") if f.is_file() and "completed_jobs" in f.parts]
    assert kept  # the operator asked for them
    assert all(MARKER.encode() not in f.read_bytes() for f in kept)  # and still no text


# -- 2. an orq trace without its optional trace_id --------------------------------------------------------
def orq_stub(traces: list[dict[str, Any]], spans: dict[str, list[dict[str, Any]]]) -> Stub:
    def route(method: str, path: str, body: Any) -> Any:
        if path == "/v3/traces/search":
            return {"data": traces, "has_more": False, "next_page_token": None}
        if path.startswith("/v3/traces/") and path.endswith("/spans"):
            trace_id = path.split("/")[3]
            if trace_id not in spans:
                return None
            return {"data": spans[trace_id], "has_more": False, "next_page_token": None}
        if path == "/v2/reporting":
            return {"data": [], "meta": {"effective_grain": "hour"}}
        return None

    return Stub(route)


def trace(trace_id: str | None, **overrides: Any) -> dict[str, Any]:
    record = {
        "started_at": "2026-03-01T10:00:00.000Z",
        "status": "ok",
        "name": "t",
        "cost": {"total": 0.1},
    }
    if trace_id is not None:
        record["trace_id"] = trace_id
    return {**record, **overrides}


def span(trace_id: str, span_id: str) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "span_id": span_id,
        "type": "llm",
        "status": "ok",
        "started_at": "2026-03-01T10:00:00.100Z",
        "input": {"messages": [{"role": "user", "content": MARKER}]},
        "output": MARKER,
    }


def test_an_orq_trace_without_trace_id_is_quarantined_and_its_spans_are_skipped(data_dir):
    from ingestion.orq.settings import OrqSettings
    from ingestion.orq.source import orq_source

    traces = [trace("tr1"), trace(None, name="no id"), {**trace("tr2"), "trace_id": None}]
    with orq_stub(traces, {"tr1": [span("tr1", "s1"), span("tr1", "s2")]}) as stub:
        source = orq_source(WINDOW.start, WINDOW.end, OrqSettings(stub.url, "test-key"))
        run_vendor("orq", source.with_resources("traces", "spans"))
        asked = [p for m, p, _ in stub.requests if p.endswith("/spans")]
    assert asked == ["/v3/traces/tr1/spans"]  # no request for a trace without an id
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select trace_id from raw_orq.traces").fetchall() == [("tr1",)]
        assert sorted(con.execute("select span_id from raw_orq.spans").fetchall()) == [("s1",), ("s2",)]
    quarantine = quarantine_rows(path, "raw_orq")
    assert [(t, r, c) for t, r, c, _ in quarantine] == [("traces", "missing_key", "trace_id")] * 2


def test_an_orq_span_naming_a_trace_with_an_empty_id_is_dated_by_that_trace(data_dir):
    # Found by the long property profile: an empty trace id is a key (not null) but names no spans endpoint.
    from ingestion.orq.settings import OrqSettings
    from ingestion.orq.source import orq_source

    traces = [trace("tr1"), trace("", started_at="2026-03-01T11:00:00.000Z")]
    with orq_stub(traces, {"tr1": [span("tr1", "s1"), span("", "s2")]}) as stub:
        source = orq_source(WINDOW.start, WINDOW.end, OrqSettings(stub.url, "test-key"))
        run_vendor("orq", source.with_resources("traces", "spans"))
        asked = [p for m, p, _ in stub.requests if p.endswith("/spans")]
    assert asked == ["/v3/traces/tr1/spans"]  # "/v3/traces//spans" names nothing
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        spans = con.execute(
            "select span_id, trace_id, strftime(trace_started_at, '%H:%M') from raw_orq.spans order by 1"
        ).fetchall()
    assert spans == [("s1", "tr1", "10:00"), ("s2", "", "11:00")]
    assert quarantine_rows(path, "raw_orq") == []


def test_an_orq_bucket_reported_twice_with_other_figures_is_a_conflicting_duplicate(data_dir):
    from ingestion.orq.settings import OrqSettings
    from ingestion.orq.source import orq_source

    bucket = {
        "timestamp": "2026-03-01T10:00:00Z",
        "dimensions": {"project": "p", "provider": "openai", "model": "m", "agent": "a", "identity": "i"},
    }
    data = [
        {**bucket, "metrics": {"genai.cost": 1.5}},
        {**bucket, "metrics": {"genai.cost": 1.5}},  # identical: dropped silently
        {**bucket, "metrics": {"genai.cost": 2.5}},  # the same bucket, other figure: quarantined
    ]

    def route(method: str, path: str, body: Any) -> Any:
        if path == "/v2/reporting":
            return {
                "data": data if body["metric"] == "genai.cost" else [],
                "meta": {"effective_grain": "hour"},
            }
        return None

    with Stub(route) as stub, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ORQ_REPORTING_METRICS", "genai.cost")
        source = orq_source(WINDOW.start, WINDOW.end, OrqSettings(stub.url, "test-key"))
        run_vendor("orq", source.with_resources("reporting_buckets"))
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select metric_value from raw_orq.reporting_buckets").fetchall() == [(1.5,)]
    quarantine = quarantine_rows(path, "raw_orq")
    assert [(t, r) for t, r, _, _ in quarantine] == [("reporting_buckets", "conflicting_duplicate")]
    assert quarantine[0][2] == "requested_metric, bucket_start, dimensions, metric_key"
    assert quarantine[0][3]["metric_value"] == 2.5
