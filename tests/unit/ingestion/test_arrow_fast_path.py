"""The vectorised projection in ``arrow_pages`` gives exactly what the per-record path gives.

Each case projects the same records twice — as shipped, and with the fast path switched off — and
compares the tables value for value (and schema). Cases: a simulator day's real Revenium records, and
the irregular inputs the per-record path was written for (numbers of another JSON type, missing fields,
NULL parents, objects in string columns, undeclared and denied fields).
"""

from datetime import UTC, date, datetime

import pytest

from ingestion.core import arrow_pages
from ingestion.core.arrow_pages import RecordTypeError, records_to_table
from ingestion.core.windows import Window
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from simulator.revenium.completions import completion_record
from simulator.world import World

DAY = date(2026, 3, 3)
WINDOW = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))


def both_ways(records, monkeypatch):
    fast = records_to_table(REVENIUM_COMPLETIONS, records, WINDOW, {"team_id": "tm1"})
    with monkeypatch.context() as m:
        m.setattr(arrow_pages, "_records_as_structs", lambda records: None)
        slow = records_to_table(REVENIUM_COMPLETIONS, records, WINDOW, {"team_id": "tm1"})
    return fast, slow


def base(i=0, **overrides):
    record = {
        "id": f"id{i}",
        "model": "gpt-4o",
        "inputTokenCount": 1000,
        "totalCost": 0.0125,
        "requestTime": "2026-03-03T10:15:00.250Z",
        "organization": {"id": "o1", "label": "acme-corp"},
    }
    record.update(overrides)
    return record


def test_a_simulator_day_projects_identically(monkeypatch):
    calls = World(seed=3, calls_per_day=1500).calls(DAY)
    records = [completion_record(calls, i) for i in range(calls.n)]
    assert any(r["timeToFirstToken"] is None for r in records)  # failed calls: NULLs in numeric columns
    fast, slow = both_ways(records, monkeypatch)
    assert fast.num_rows == calls.n
    assert fast.schema == slow.schema
    assert fast.equals(slow)


@pytest.mark.parametrize(
    "records",
    [
        [base(0, inputTokenCount="12"), base(1, inputTokenCount=13.0)],  # integral values of another type
        [base(0, outputTokenCount=None), base(1)],  # a field some records lack or send as null
        [base(0, organization=None), base(1)],  # a NULL parent object
        [base(0, model={"name": "gpt-4o", "v": 2}), base(1)],  # an object in a string column
        [base(0, model=7), base(1, model=8)],  # numbers in a string column
        [base(0, newField={"a": 1}, systemPrompt="secret"), base(1)],  # undeclared and denied fields
        [base(0, isStreamed="true"), base(1, isStreamed=False)],  # booleans as text
        [base(0, inputTokenCount=2**70)],  # too big for int64: inference fails, per-record path
    ],
    ids=["int-types", "missing", "null-parent", "object-in-string", "number-in-string", "extras",
         "bool-text", "overflow"],
)  # fmt: skip
def test_irregular_records_project_identically(records, monkeypatch):
    try:
        fast, slow = both_ways(records, monkeypatch)
    except Exception as exc:
        # Then the per-record path alone must refuse it the same way: it decides every error.
        with monkeypatch.context() as m:
            m.setattr(arrow_pages, "_records_as_structs", lambda records: None)
            with pytest.raises(type(exc)):
                records_to_table(REVENIUM_COMPLETIONS, records, WINDOW, {"team_id": "tm1"})
        return
    assert fast.schema == slow.schema
    assert fast.to_pylist() == slow.to_pylist()


def test_a_lossy_value_is_still_refused_by_name():
    with pytest.raises(RecordTypeError, match="input_token_count"):
        records_to_table(REVENIUM_COMPLETIONS, [base(0, inputTokenCount=12.5)], WINDOW, {"team_id": "t"})
