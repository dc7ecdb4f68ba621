"""An incremental refresh of today, against the simulator's clock (calls after it are not served yet).

The day is loaded whole at noon; at 18:00 the incremental tables pull only from their high-water mark minus
the overlap. What must hold: the warehouse then equals a whole-day load made at 18:00 (two independent
paths), the increment's load replaced only the rows dated from its start, and a reject of the morning stays
quarantined (the increment reads only part of the day).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import duckdb
import pytest

from dagster_project.local_stack import simulator_settings
from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.core.increments import open_day_increments, overlap
from ingestion.core.vendor import Vendor
from ingestion.orq.raw_tables import ORQ_REPORTING_BUCKETS
from ingestion.orq.source import hour_floor
from ingestion.revenium import COMPLETIONS_PATH
from ingestion.vendors import VENDORS, vendor_named
from simulator.faults import FaultRule
from simulator.server import SimulatorServer
from simulator.world import World
from tests.conftest import DAY_1
from tests.integration.pipeline import raw_pipeline, table_fingerprints
from tests.integration.test_revenium_faithful import Clock
from tests.integration.vendor_figures import day_window

pytestmark = pytest.mark.slow

WINDOW = day_window(DAY_1)
NOON = datetime.combine(DAY_1, time(12), UTC)
EVENING = datetime.combine(DAY_1, time(18), UTC)


@pytest.fixture(scope="module")
def sim(sim_keys) -> Iterator[SimulatorServer]:
    with SimulatorServer(
        World(seed=11, calls_per_day=1500), sim_keys, rate_limits=False, clock=Clock(NOON)
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def vendors_at_the_simulator(sim, monkeypatch) -> Iterator[None]:
    for env, setting in simulator_settings(sim.base_url).items():
        monkeypatch.setenv(env, setting)
    sim.clock.now = NOON
    yield
    sim.clear_faults()


def load(vendor: Vendor, path, increments=None):
    """One load of the day into ``path``, as the ingest asset runs it; the pipeline."""
    pipeline = raw_pipeline(vendor.name, path)
    source = vendor.make_source(WINDOW.start, WINDOW.end, increments=increments)
    append_into_empty_windows(pipeline, source)
    pipeline.run(source).raise_on_failed_jobs()
    return pipeline


def landed_tables(path, vendor: Vendor) -> set[str]:
    """The vendor's incremental tables that hold rows."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t.name
            for t in vendor.raw_tables
            if t.incremental_refresh
            and con.execute(f"select count(*) from {vendor.dataset}.{t.name}").fetchone()[0] > 0
        }


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_an_incremental_refresh_lands_what_a_whole_day_refresh_lands(sim, vendor, tmp_path):
    refreshed, whole = tmp_path / "refreshed.duckdb", tmp_path / "whole.duckdb"
    pipeline = load(vendor, refreshed)  # the refresh at noon: the day so far
    sim.clock.now = EVENING
    increments = open_day_increments(pipeline, vendor.raw_tables, WINDOW, now=EVENING)
    # every incremental table that holds rows of the day (a rare modality may have none by noon)
    assert set(increments) == landed_tables(refreshed, vendor) and increments
    # each from its newest event before noon, less the 30-minute overlap (the busiest within the last hour)
    assert all(since <= NOON - overlap() for since in increments.values())
    assert max(increments.values()) > NOON - overlap() - timedelta(hours=1)
    load(vendor, refreshed, increments)
    load(vendor, whole)  # the same day at 18:00, pulled whole into another warehouse
    assert table_fingerprints(refreshed) == table_fingerprints(whole)
    written = {}
    with duckdb.connect(str(refreshed), read_only=True) as con:
        for name, since in increments.items():
            column = vendor.table(name).event_time_column
            if name == ORQ_REPORTING_BUCKETS.name:  # hourly buckets: the source starts at the hour
                since = hour_floor(since)
            total, dated_from_since, by_the_increment = con.execute(
                f"select count(*), count(*) filter (where {column} >= ?), "
                f"count(*) filter (where _dlt_load_id = (select max(_dlt_load_id) from {vendor.dataset}.{name})) "
                f"from {vendor.dataset}.{name}",
                [since],
            ).fetchone()
            # the increment wrote exactly the rows dated from its start (a table replaced by parent key: the
            # rows of the parents it read, which may have events dated earlier or later), a part of the day
            if not vendor.table(name).increment_replaces_by:
                assert by_the_increment == dated_from_since, name
            written[name] = (by_the_increment, total)
    # together a part of the day, not none of it and not all of it
    assert 0 < sum(w for w, _ in written.values()) < sum(t for _, t in written.values())


def test_the_increment_keeps_the_mornings_rejects_and_quarantines_its_own(sim, tmp_path):
    revenium, path = vendor_named("revenium"), tmp_path / "w.duckdb"

    def quarantined() -> list[str]:
        with duckdb.connect(str(path), read_only=True) as con:
            return [
                r
                for (r,) in con.execute(
                    "select rule from raw_revenium.quarantine where raw_table = 'completions' order by 1"
                ).fetchall()
            ]

    # two records of the morning's first page break a rule
    sim.add_fault(
        FaultRule(
            vendor="revenium",
            path_contains=COMPLETIONS_PATH,
            field="stopReason",
            field_action="set",
            value="MAYBE",
            rows=2,
            times=1,
        )
    )
    pipeline = load(revenium, path, None)
    sim.clear_faults()
    assert quarantined() == ["unknown_enum", "unknown_enum"]
    sim.clock.now = EVENING
    increments = open_day_increments(pipeline, revenium.raw_tables, WINDOW, now=EVENING)
    sim.add_fault(
        FaultRule(
            vendor="revenium",
            path_contains=COMPLETIONS_PATH,
            field="outputTokenCount",
            field_action="set",
            value=-5,
            rows=1,
            times=1,
        )
    )
    load(revenium, path, increments)
    # the morning's two rejects were not read again: they stay; the increment's own reject joins them
    assert quarantined() == ["negative", "unknown_enum", "unknown_enum"]
    sim.clear_faults()
    load(revenium, path)  # the day read whole again (the daily finalize): the vendor's data is clean now
    assert quarantined() == []


def test_the_ingest_asset_refreshes_today_incrementally_the_second_time(simulator, warehouse, monkeypatch):
    """Through Dagster: the orq ingest asset run twice for today (the simulator on the real clock); the
    second run says it refreshes incrementally and rewrites only the spans dated from its start."""
    import dagster as dg
    from dagster_dlt import DagsterDltResource

    from dagster_project.defs.dlt.assets import INGEST_ASSETS

    now = datetime.now(UTC)
    if now.time() < time(1):
        pytest.skip("today has under an hour of calls yet")  # the other 23 hours of the day run it
    # the session's simulator, on the real clock (this module's runs at DAY_1 noon)
    for env, setting in simulator_settings(simulator.base_url).items():
        monkeypatch.setenv(env, setting)
    instance = dg.DagsterInstance.ephemeral()

    def run() -> list[str]:
        result = dg.materialize(
            [INGEST_ASSETS["orq"]],
            partition_key=now.date().isoformat(),
            resources={"dlt": DagsterDltResource()},
            instance=instance,
        )
        return [e.user_message for e in instance.all_logs(result.run_id) if e.user_message]

    assert not any("incremental refresh" in m for m in run())  # nothing of today landed yet: the whole day
    second = [m for m in run() if "orq: incremental refresh from" in m]
    assert len(second) == 1 and "spans 20" in second[0], second
    since = datetime.fromisoformat(second[0].split("spans ")[1].split(",")[0])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute(
            "select trace_started_at >= ? as from_since, count(distinct _dlt_load_id), count(*), "
            "count(distinct (trace_id, span_id)) from raw_orq.spans group by 1 order by 1",
            [since],
        ).fetchall()
        last = con.execute("select max(_dlt_load_id) from raw_orq.spans").fetchone()[0]
        first_run = con.execute(
            "select count(*) from raw_orq.spans where trace_started_at < ? and _dlt_load_id = ?",
            [since, last],
        ).fetchone()[0]
    # from the start: rewritten by the second run; before it (if any span of today is that old yet): the first
    # run's rows, untouched; each span once
    assert loads[-1][0] is True and all(row[1] == 1 and row[2] == row[3] for row in loads), loads
    assert first_run == 0
