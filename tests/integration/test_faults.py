"""Faults from the simulator's switches, through the real Revenium source into DuckDB: what the user gets.

Each test states the outcome: the day complete (after retries, de-duplication or lossless reading), or the
records that broke a row rule in ``raw_revenium.quarantine`` with their rule — never a wrong raw table.
Expected ids and counts come from the simulator's world (what the vendor serves), never from the source.
One small world, one team, completions only: each load is about a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest

from dagster_project.defs.quality.partition_checks import judge_volume
from dagster_project.defs.quality.quarantine_gate import judge_quarantine, read_quarantine
from ingestion.revenium import COMPLETIONS_PATH, revenium_source
from ingestion.revenium.settings import ReveniumSettings
from simulator.faults import FaultRule
from simulator.revenium.options import CREDENTIAL_MARKER, PROMPT_MARKER, ReveniumOptions
from simulator.server import SimulatorServer
from simulator.world import World
from tests.conftest import DAY_1, DAY_2
from tests.integration.pipeline import load_source
from tests.integration.test_revenium_faithful import revenium_options
from tests.integration.vendor_figures import day_window

CALLS_PER_DAY = 400  # about: four or five pages of 100 (the world says exactly how many)


@pytest.fixture(scope="module")
def sim(sim_keys) -> Iterator[SimulatorServer]:
    world = World(seed=23, calls_per_day=CALLS_PER_DAY)
    # Prompt text and credential values on every record: a quarantined payload must not keep them.
    with SimulatorServer(
        world, sim_keys, rate_limits=False, revenium_options=ReveniumOptions(serve_prompts=True)
    ) as s:
        yield s


@pytest.fixture(autouse=True)
def no_faults_left(sim):
    yield
    sim.clear_faults()


def served_ids(sim, day: date) -> set[str]:
    calls = sim.world.calls(day)
    return {calls.metric_id_str(i) for i in range(calls.n)}


def load(sim, keys, path, day: date):
    settings = ReveniumSettings(
        sim.urls["revenium"], sim.urls["revenium_analytics"], keys.revenium, ("tmAcme01",)
    )
    window = day_window(day)
    load_source(revenium_source(window.start, window.end, settings).with_resources("completions"), path)


def fault(sim, **kwargs) -> None:
    """A fault on every completions page until cleared (``times`` large: each page consumes one use)."""
    sim.add_fault(FaultRule(vendor="revenium", path_contains=COMPLETIONS_PATH, **{"times": 1000, **kwargs}))


def landed(path, day: date) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [
            i
            for (i,) in con.execute(
                "select id from raw_revenium.completions where _day = ?", [day]
            ).fetchall()
        ]


def quarantined(path, day: date) -> list[tuple[str, str, dict]]:
    """(rule, column, payload) of the day's quarantined completions."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select rule, column_name, payload from raw_revenium.quarantine "
            "where raw_table = 'completions' and _day = ? order by quarantine_id",
            [day],
        ).fetchall()
    return [(rule, column, json.loads(payload)) for rule, column, payload in rows]


# -- schema drift the projection reads: the day complete -------------------------------------------------
def test_a_new_field_is_kept_in_extra_fields_and_the_day_is_complete(sim, sim_keys, tmp_path):
    fault(sim, field="carbonGrams", field_action="set", value=1.5)
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    assert sorted(landed(path, DAY_1)) == sorted(served_ids(sim, DAY_1))
    with duckdb.connect(str(path), read_only=True) as con:
        extras = [
            json.loads(e)
            for (e,) in con.execute("select _extra_fields from raw_revenium.completions").fetchall()
        ]
    assert len(extras) == len(served_ids(sim, DAY_1)) and all(e == {"carbonGrams": 1.5} for e in extras)
    assert quarantined(path, DAY_1) == []


def test_a_missing_optional_field_lands_as_null_and_the_day_is_complete(sim, sim_keys, tmp_path):
    fault(sim, field="cacheReadTokenCount", field_action="drop")
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    assert sorted(landed(path, DAY_1)) == sorted(served_ids(sim, DAY_1))
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(
            "select count(cache_read_token_count) from raw_revenium.completions"
        ).fetchone() == (0,)


def test_a_lossless_type_change_is_read_as_the_declared_type(sim, sim_keys, tmp_path):
    fault(sim, field="inputTokenCount", field_action="set", value="12")  # a string where a number was
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(
            "select count(*), min(input_token_count), max(input_token_count) from raw_revenium.completions"
        ).fetchone() == (len(served_ids(sim, DAY_1)), 12, 12)


# -- row-rule breaks: quarantined with the rule, the rest lands, nothing is dropped ----------------------
NEXT_DAY = (DAY_1 + timedelta(days=1)).isoformat() + "T00:00:00.000Z"


@pytest.mark.parametrize(
    ("field", "action", "value", "rule", "column"),
    [
        ("inputTokenCount", "set", "twelve", "type_change", "input_token_count"),
        ("model", "drop", None, "required_null", "model"),
        ("outputTokenCount", "set", -5, "negative", "output_token_count"),
        ("stopReason", "set", "MAYBE", "unknown_enum", "stop_reason"),
        ("requestTime", "set", NEXT_DAY, "outside_window", "request_time"),
        ("requestTime", "set", None, "missing_event_time", "request_time"),
        ("id", "set", None, "missing_key", "id"),
    ],
)
def test_a_record_breaking_a_row_rule_is_quarantined_and_the_rest_lands(
    sim, sim_keys, tmp_path, field, action, value, rule, column
):
    fault(sim, field=field, field_action=action, value=value, rows=2, times=1)  # two records of page one
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    rows, served = landed(path, DAY_1), served_ids(sim, DAY_1)
    quarantine = quarantined(path, DAY_1)
    assert [(r, c) for r, c, _ in quarantine] == [(rule, column)] * 2
    # Nothing dropped: quarantined + landed = served, and no record is in both.
    assert len(rows) + len(quarantine) == len(served)
    assert set(rows) <= served and not set(rows) & {p.get("id") for _, _, p in quarantine}
    for _, _, payload in quarantine:
        assert payload.get(field) == value and payload["provider"]  # the record as served, bar denied fields
        text = json.dumps(payload)
        assert PROMPT_MARKER not in text and CREDENTIAL_MARKER not in text
        assert not {"systemPrompt", "inputMessages", "outputResponse"} & set(payload)
    # 2 of about 400 is 0.5%: under the default 1% the partition proceeds.
    with duckdb.connect(str(path), read_only=True) as con:
        passed, metadata = judge_quarantine(
            len(rows), read_quarantine(con, "raw_revenium", "completions", day_window(DAY_1))
        )
    assert (
        passed and metadata["quarantined"] == 2 and metadata["quarantined_share"] == round(2 / len(served), 6)
    )


def test_a_quarantined_share_over_the_threshold_fails_naming_rule_count_and_sample(sim, sim_keys, tmp_path):
    fault(sim, field="inputTokenCount", field_action="set", value="twelve", times=1)  # all of page one
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    with duckdb.connect(str(path), read_only=True) as con:
        passed, metadata = judge_quarantine(
            len(landed(path, DAY_1)), read_quarantine(con, "raw_revenium", "completions", day_window(DAY_1))
        )
    assert not passed
    n = len(served_ids(sim, DAY_1))
    assert metadata["quarantined"] == 100 and metadata["quarantined_share"] == round(100 / n, 6)
    assert f"100 of {n} rows quarantined" in metadata["quarantine_verdict"]
    assert "type_change[input_token_count] 100" in metadata["quarantine_verdict"]
    sample = metadata["quarantine[type_change:input_token_count]"]
    assert sample.startswith("100 row(s); e.g. column input_token_count: cannot read 'twelve' as int64")
    assert '"inputTokenCount":"twelve"' in sample


def test_a_rerun_replaces_the_days_quarantine_and_leaves_other_days(sim, sim_keys, tmp_path):
    path = tmp_path / "w.duckdb"
    for day in (DAY_1, DAY_2):
        fault(sim, field="stopReason", field_action="set", value="MAYBE", rows=3, times=1)
        load(sim, sim_keys, path, day)
        sim.clear_faults()
    assert len(quarantined(path, DAY_1)) == len(quarantined(path, DAY_2)) == 3
    load(sim, sim_keys, path, DAY_1)  # the vendor fixed its data
    assert quarantined(path, DAY_1) == [] and len(quarantined(path, DAY_2)) == 3
    assert sorted(landed(path, DAY_1)) == sorted(served_ids(sim, DAY_1))
    assert len(landed(path, DAY_2)) == len(served_ids(sim, DAY_2)) - 3


# -- paging and transport faults: the day complete --------------------------------------------------------
def test_a_page_that_repeats_lands_each_record_once(sim, sim_keys, tmp_path):
    fault(sim, repeat_page=True, times=2)  # page one's records again at the head of page two
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    rows = landed(path, DAY_1)
    assert len(rows) == len(set(rows)) and set(rows) == served_ids(sim, DAY_1)


def test_truncated_json_is_retried_and_the_day_is_complete(sim, sim_keys, tmp_path):
    fault(sim, truncate=True, times=2)
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    assert sorted(landed(path, DAY_1)) == sorted(served_ids(sim, DAY_1))


# -- a day that empties: a re-run empties it, and the volume gate says so ---------------------------------
def test_a_day_the_vendor_now_lists_empty_is_emptied_by_a_rerun(sim, sim_keys, tmp_path):
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    load(sim, sim_keys, path, DAY_2)
    fault(sim, empty=True)
    load(sim, sim_keys, path, DAY_1)
    assert landed(path, DAY_1) == [] and sorted(landed(path, DAY_2)) == sorted(served_ids(sim, DAY_2))
    with duckdb.connect(str(path), read_only=True) as con:
        counts = dict(
            con.execute("select _day, count(*) from raw_revenium.completions group by 1").fetchall()
        )
    problems = judge_volume(counts, [], [DAY_1])  # what the volume gate reads and says for the day
    assert problems == [f"{DAY_1}: no rows (set AIECON_ALLOW_EMPTY_DAYS=true if empty days are expected)"]


def test_a_day_whose_every_record_was_deleted_at_the_source_is_emptied_by_a_rerun(sim, sim_keys, tmp_path):
    path = tmp_path / "w.duckdb"
    load(sim, sim_keys, path, DAY_1)
    assert sorted(landed(path, DAY_1)) == sorted(served_ids(sim, DAY_1))
    with revenium_options(sim, soft_delete_share=1.0):
        load(sim, sim_keys, path, DAY_1)
    assert landed(path, DAY_1) == []


# -- the same switches on another vendor's envelope (Helicone's {data: [...]} pages) -----------------------
def test_helicone_negative_costs_are_quarantined_and_a_repeated_page_lands_once(
    sim, sim_keys, tmp_path, monkeypatch
):
    from ingestion.helicone.settings import HeliconeSettings
    from ingestion.helicone.source import QUERY_PATH, helicone_source

    # One page at a time: the rule's "first matched page" is the first request to arrive, and pages asked
    # ahead arrive in any order (an empty page past the end could take both uses and change nothing).
    monkeypatch.setenv("HELICONE_PAGE_CONCURRENCY", "1")

    calls = sim.world.calls(DAY_1)
    served = {calls.request_id_str(i) for i in range(calls.n) if calls.in_helicone[i]}
    # Page one, its first record with a negative cost, comes again at the head of the next page (the day
    # is one page of up to 1,000 rows: the next page would have been empty).
    sim.add_fault(
        FaultRule(
            "helicone",
            QUERY_PATH,
            field="cost",
            field_action="set",
            value=-0.25,
            rows=1,
            repeat_page=True,
            times=2,
        )
    )
    window = day_window(DAY_1)
    settings = HeliconeSettings(sim.urls["helicone"], sim_keys.helicone)
    path = load_source(
        helicone_source(window.start, window.end, settings).with_resources("requests"), tmp_path / "w.duckdb"
    )
    with duckdb.connect(str(path), read_only=True) as con:
        rows = [i for (i,) in con.execute("select request_id from raw_helicone.requests").fetchall()]
        quarantine = con.execute("select rule, column_name, payload from raw_helicone.quarantine").fetchall()
    assert [(r, c) for r, c, _ in quarantine] == [("negative", "cost")]
    bad = json.loads(quarantine[0][2])
    assert bad["cost"] == -0.25
    assert len(rows) == len(set(rows)) and set(rows) | {bad["request_id"]} == served
    assert bad["request_id"] not in rows
    assert sim.faults.active() == []  # both uses taken: the repeated page was served and read
