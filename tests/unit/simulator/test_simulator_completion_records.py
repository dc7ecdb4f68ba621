"""The page builder ``completion_records`` (column-wise) serves exactly the records of ``completion_record``."""

from datetime import date

import numpy as np

from simulator.ids import base62, base62_many
from simulator.responses import encode_json
from simulator.revenium.completions import completion_record, completion_records
from simulator.timefmt import iso_ms
from simulator.world import World


def test_column_wise_records_equal_the_record_by_record_ones_byte_for_byte():
    calls = World(seed=11, calls_per_day=3000).calls(date(2026, 3, 3))
    rows = np.arange(calls.n)
    one_by_one = [completion_record(calls, i) for i in rows]
    assert any(r["parentTransactionId"] is None for r in one_by_one)
    assert any(r["parentTransactionId"] is not None for r in one_by_one)
    assert any(r["errorReason"] is not None for r in one_by_one)
    column_wise = [r for k in range(0, calls.n, 100) for r in completion_records(calls, rows[k : k + 100])]
    assert encode_json(column_wise) == encode_json(one_by_one)
    # an arbitrary selection (not a contiguous run) and an empty one
    pick = rows[::7][::-1]
    assert completion_records(calls, pick) == [completion_record(calls, i) for i in pick]
    assert completion_records(calls, rows[:0]) == []


def test_base62_many_matches_base62_at_the_edges():
    values = np.array([0, 1, 61, 62, 62**9 - 1, 2**48 - 1], dtype=np.uint64)
    assert base62_many(values, 9) == [base62(int(v), 9) for v in values]
    assert base62_many(values, 9)[0] == "000000000"


def test_iso_times_match():
    from simulator.revenium.completions import iso_ms_many

    ms = np.array([0, 1_772_496_000_123, 1_772_582_399_999], dtype=np.int64)
    assert iso_ms_many(ms) == [iso_ms(int(v)) for v in ms]


def test_a_page_served_again_from_rendered_records_is_the_same_page():
    """The face keeps each day's records rendered: the second serving of a page (and a page overlapping
    it) must carry exactly the records a fresh build gives."""
    import json

    from simulator.responses import Request
    from simulator.revenium.api import ReveniumLimits, ReveniumPlatform
    from simulator.revenium.completions import COMPLETIONS_PATH
    from simulator.views import revenium_team_rows

    world = World(seed=11, calls_per_day=3000)
    face = ReveniumPlatform(world, "k", lambda: 2**62, ReveniumLimits(analytics=None, platform=None))

    def page(number: int, size: int) -> bytes:
        query = (
            "teamId=tmAcme01&startDate=2026-03-03T00:00:00Z&endDate=2026-03-04T00:00:00Z"
            f"&sort=timestamp,asc&page={number}&size={size}"
        )
        req = Request("GET", COMPLETIONS_PATH, query, {"x-api-key": "k"}, b"", "http://sim/revenium")
        return face.handle(req).body

    first, again = page(1, 100), page(1, 100)
    assert first == again
    calls = world.calls(date(2026, 3, 3))
    served = json.loads(page(2, 50))["_embedded"]["aICompletionMetricResourceList"]  # rows 100..149, cached
    rows = revenium_team_rows(0)(calls).rows[100:150]  # the team's rows in the vendor's order
    assert served == [completion_record(calls, i) for i in rows]


def test_encode_json_refuses_what_json_would_refuse():
    import pytest

    with pytest.raises(ValueError):
        encode_json({"cost": float("nan")})
    assert encode_json({"n": 2**70}) == b'{"n":1180591620717411303424}'  # beyond orjson: the json module
