"""``revenium.paged_tables.iter_page_tables`` (many pages decoded at once by Arrow) hands out exactly what the
per-record path hands out: ``paging.iter_pages`` + ``records_to_table`` over the same responses.

A scripted client serves HAL pages from memory (no HTTP). Each case compares the two paths table for
table contents (and schema), after the resource's duplicate rule (``FirstByKey``), and checks what the case
is about: pages that Arrow cannot decode exactly (another JSON type, an undeclared field, a pretty-printed
body, a truncated body), records that break a row rule (quarantined, as a record; a number out of range
too), an empty page ending the walk, a record repeated on the next page (identical: landed once; with other
content: quarantined as a conflicting duplicate), timestamps with nine fractional digits.
"""

import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from ingestion.core import arrow_pages
from ingestion.core.arrow_pages import QUARANTINE_SINK, project_columnar, records_to_table
from ingestion.core.dlt_resources import FirstByKey
from ingestion.core.windows import Window
from ingestion.revenium.paged_tables import decode_pages, iter_page_tables
from ingestion.revenium.paging import iter_pages
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from simulator.revenium.completions import completion_record
from simulator.world import World

DAY = date(2026, 3, 3)
WINDOW = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))
LIST_KEY = "aICompletionMetricResourceList"
TEAM = {"team_id": "tm1"}


def hal(records, page, total_pages):
    body = {"page": {"size": 100, "totalElements": 0, "totalPages": total_pages, "number": page}}
    if records:
        body = {"_embedded": {LIST_KEY: records}, **body}
    return json.dumps(body, separators=(",", ":")).encode()


class ScriptedClient:
    """``get``/``get_bytes`` of page N return ``bodies[N]``; ``truncated`` pages come back cut in half
    from ``get_bytes`` the first time (as a connection that broke mid-body)."""

    def __init__(self, bodies, truncated=()):
        self.bodies = bodies
        self.truncated = set(truncated)
        self.requests = []

    def get_bytes(self, path, params):
        page = params["page"]
        self.requests.append(page)
        body = self.bodies[page]
        if page in self.truncated:
            self.truncated.discard(page)
            return body[: len(body) // 2]
        return body

    def get(self, path, params):
        return json.loads(self.get_bytes(path, params))


def pages_of(records, size=100, total_pages=None):
    chunks = [records[k : k + size] for k in range(0, len(records), size)] or [[]]
    total = total_pages if total_pages is not None else len(chunks)
    return [hal(chunk, n, total) for n, chunk in enumerate(chunks)]


def world_records(n_calls=900, seed=3):
    calls = World(seed=seed, calls_per_day=n_calls).calls(DAY)
    return [completion_record(calls, i) for i in range(calls.n)]


def run_both(bodies, batch_pages=3, truncated=()):
    """(fast tables concatenated, quarantined records, client) after checking that both paths land the same
    rows and quarantine the same records, conflicting duplicates included (``FirstByKey`` over each)."""
    outputs = []
    for fast in (True, False):
        rejected: list = []
        token = QUARANTINE_SINK.set(lambda t, records, into=rejected: into.extend(records))
        try:
            client = ScriptedClient(list(bodies), truncated)
            if fast:
                tables = list(
                    iter_page_tables(
                        client, "/x", {}, REVENIUM_COMPLETIONS, WINDOW, TEAM, batch_pages=batch_pages
                    )
                )
            else:
                # the reference reads decoded pages only: a truncated body is simply asked again
                client.truncated = set()
                tables = [
                    records_to_table(REVENIUM_COMPLETIONS, page, WINDOW, TEAM)
                    for page in iter_pages(client, "/x", {})
                ]
        finally:
            QUARANTINE_SINK.reset(token)
        keep = FirstByKey(REVENIUM_COMPLETIONS)
        tables = [keep(t) for t in tables]
        rejected.extend(keep.take_conflicts())
        table = pa.concat_tables(tables) if tables else None
        outputs.append((table, rejected, client))
    (fast, fast_rejected, fast_client), (ref, ref_rejected, _) = outputs
    assert fast.schema == ref.schema
    assert fast.equals(ref)
    assert [(r.record, r.rule, r.column) for r in fast_rejected] == [
        (r.record, r.rule, r.column) for r in ref_rejected
    ]
    return fast, fast_rejected, fast_client


def test_a_simulator_day_decodes_columnar_exactly_as_per_record():
    records = world_records()
    bodies = pages_of(records)
    decoded = decode_pages(bodies, REVENIUM_COMPLETIONS, LIST_KEY)
    assert decoded is not None
    counts, structs = decoded
    assert sum(counts) == len(records) and counts[0] == 100
    columnar = project_columnar(REVENIUM_COMPLETIONS, structs, WINDOW, TEAM)
    reference = records_to_table(REVENIUM_COMPLETIONS, records, WINDOW, TEAM)
    assert columnar is not None
    assert columnar.schema == reference.schema
    assert columnar.equals(reference)


def test_a_simulator_day_walks_to_the_same_table():
    records = world_records()
    table, rejected, client = run_both(pages_of(records), batch_pages=4)
    assert table.num_rows == len(records)
    assert rejected == []
    assert sorted(client.requests) == list(range(len(pages_of(records))))  # every page asked once


def fallbacks(monkeypatch):
    """Count how often a batch left the columnar path."""
    calls = []
    original = arrow_pages.records_to_table

    def counting(*args, **kwargs):
        calls.append(len(args[1]))
        return original(*args, **kwargs)

    monkeypatch.setattr("ingestion.revenium.paged_tables.records_to_table", counting)
    return calls


@pytest.mark.parametrize(
    "change",
    [
        {"inputTokenCount": "12"},  # a number sent as text: read as 12 by the per-record path
        {"inputTokenCount": 13.0},  # an integral float for an integer
        {"newVendorField": {"a": 1}},  # an undeclared field, kept in _extra_fields
        {"requestTime": "not a time"},  # a type change: quarantined
        {"outputTokenCount": -5},  # a negative count: quarantined
        {"stopReason": "SOMETHING_NEW"},  # an unknown enum value: quarantined
        {"organization": "acme"},  # a string where an object was
        {"inputTokenCount": 10**20},  # beyond int64: quarantined (out_of_range), never an OverflowError
        {"inputTokenCount": 1e20},
        {"totalCost": 1e308},  # a float, but no DECIMAL(18,9): quarantined (out_of_range)
        {"totalCost": 2e9},
    ],
)
def test_irregular_records_take_the_per_record_path_with_the_same_result(change, monkeypatch):
    records = world_records(seed=5)
    records[150] = {**records[150], **change}
    seen_fallbacks = fallbacks(monkeypatch)
    table, rejected, _ = run_both(pages_of(records))
    # page 0 always goes through records_to_table; the batch holding record 150 (page 1) falls back
    assert len(seen_fallbacks) == 2
    assert table.num_rows + len(rejected) == len(records)


def test_a_record_repeated_on_the_next_page_lands_once():
    records = world_records()
    repeated = records[:300] + [records[299]] + records[300:]  # the next page starts with the same row
    table, _, _ = run_both(pages_of(repeated))
    assert table.num_rows == len(records)
    assert table.column("id").to_pylist() == [r["id"] for r in records]


def test_an_empty_page_ends_the_walk():
    records = world_records()
    bodies = pages_of(records)
    bodies[4] = hal([], 4, len(bodies))
    table, _, _ = run_both(bodies, batch_pages=3)
    assert table.num_rows == 400


def test_a_pretty_printed_page_and_a_truncated_body(monkeypatch):
    records = world_records()
    bodies = pages_of(records)
    bodies[2] = json.dumps(json.loads(bodies[2]), indent=2).encode()  # newlines inside the body
    seen_fallbacks = fallbacks(monkeypatch)
    table, _, client = run_both(bodies, truncated={5})
    assert table.num_rows == len(records)
    assert client.requests.count(5) == 2  # the truncated page was asked for again
    assert len(seen_fallbacks) == 2  # the pretty page decodes columnar; the truncated batch does not


def test_first_by_key_keeps_the_first_row_of_each_key():
    schema = pa.schema(
        [("team_id", pa.string()), ("id", pa.string()), ("v", pa.int64()), ("_day", pa.date32())]
    )
    first = pa.table([["t", "t", "u"], ["a", "b", "a"], [1, 2, 3], [DAY] * 3], schema=schema)
    second = pa.table([["t", "u", "t", "t"], ["b", "c", "c", "a"], [4, 5, 6, 1], [DAY] * 4], schema=schema)
    keep = FirstByKey(REVENIUM_COMPLETIONS)  # key (team_id, id)
    assert keep(first).column("v").to_pylist() == [1, 2, 3]
    assert keep(second).column("v").to_pylist() == [5, 6]
    # (t, a) again with the same content: dropped; (t, b) with another v: a conflicting duplicate
    assert [(r.record["id"], r.record["v"], r.rule) for r in keep.take_conflicts()] == [
        ("b", 4, "conflicting_duplicate")
    ]


def test_a_record_repeated_within_a_page_lands_once_by_both_paths():
    records = world_records()
    repeated = records[:150] + [records[120]] + records[150:]  # page 1 lists record 120 twice
    table, _, _ = run_both(pages_of(repeated))
    assert table.column("id").to_pylist() == [r["id"] for r in records]


@pytest.mark.parametrize("change", [{"totalCost": 0.5}, {"model": "another"}, {"newVendorField": 1}])
def test_a_record_repeated_with_other_content_is_quarantined_as_a_conflicting_duplicate(change):
    records = world_records()
    other = {**records[299], **change}
    repeated = records[:300] + [other] + records[300:]  # the next page starts with another version of 299
    table, rejected, _ = run_both(pages_of(repeated))
    assert table.column("id").to_pylist() == [r["id"] for r in records]  # the first version landed
    assert [(r.record["id"], r.rule, r.column) for r in rejected] == [
        (records[299]["id"], "conflicting_duplicate", "team_id, id")
    ]


def test_timestamps_with_nine_fractional_digits_stay_on_the_columnar_path(monkeypatch):
    records = world_records()
    for r in records:  # Go / protobuf JSON: nine digits; the last three are truncated
        r["requestTime"] = r["requestTime"].replace("Z", "").split(".")[0] + ".123456789Z"
    seen_fallbacks = fallbacks(monkeypatch)
    table, rejected, _ = run_both(pages_of(records))
    assert rejected == [] and table.num_rows == len(records)
    assert len(seen_fallbacks) == 1  # only page 0, which always takes the per-record path
    assert {t.microsecond for t in table.column("request_time").to_pylist()} == {123456}


@pytest.mark.parametrize("irregular", [False, True], ids=["columnar", "per-record"])
def test_only_within_drops_the_records_of_other_days_a_server_sent_anyway(irregular, monkeypatch):
    """A per-day list whose server ignored the dates: asked for 3 March, it sends 3 and 4 March. With
    ``only_within`` the 4 March records are dropped (they land under their own day's request), not
    quarantined, on either path."""
    two_days = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC))
    world = World(seed=3, calls_per_day=400)
    march_3, march_4 = (world.calls(d) for d in (DAY, date(2026, 3, 4)))
    records = [completion_record(march_3, i) for i in range(march_3.n)]
    records += [completion_record(march_4, i) for i in range(march_4.n)]
    if irregular:  # an undeclared field on page 1: its batch takes the per-record path
        records[150] = {**records[150], "someNewField": 1}
    seen_fallbacks = fallbacks(monkeypatch)
    rejected: list = []
    token = QUARANTINE_SINK.set(lambda t, recs: rejected.extend(recs))
    try:
        tables = list(
            iter_page_tables(
                ScriptedClient(pages_of(records)), "/x", {}, REVENIUM_COMPLETIONS, two_days, TEAM,
                batch_pages=100, only_within=WINDOW,
            )
        )  # fmt: skip
    finally:
        QUARANTINE_SINK.reset(token)
    landed = pa.concat_tables(tables)
    assert landed.num_rows == march_3.n and not rejected
    assert set(landed.column("_day").to_pylist()) == {DAY}
    assert len(seen_fallbacks) == (2 if irregular else 1)  # page 0 always takes the per-record path
