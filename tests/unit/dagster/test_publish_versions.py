"""Versioned publishes: the Parquet tables switch together, unchanged days are linked not copied, the layout
before versioning is taken over, and retired versions are pruned after the grace period only."""

import os
import stat
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from dagster_project.defs.serving import publish
from dagster_project.defs.serving.publish import build_serving_copy, export_parquet, publish_marts
from dagster_project.defs.serving.versions import current_version, prune, versions_dir

MARCH_1, MARCH_2, MARCH_3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def make_warehouse(path, cost: float) -> None:
    """Two daily marts and an undated one; every row of a publish carries that publish's ``cost``."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        for table in ("a_daily", "b_daily"):
            con.execute(
                f"create or replace table marts.{table} as select * from (values "
                f"(date '2026-03-01', {cost}), (date '2026-03-02', {cost})) t(day, cost)"
            )
        con.execute(f"create or replace table marts.models as select {cost} as cost")


def costs(out) -> dict[str, set[float]]:
    """The costs each table shows through the stable path."""
    with duckdb.connect() as con:
        return {
            table: {r[0] for r in con.execute(f"select cost from read_parquet('{out}/{table}/**/*.parquet')").fetchall()}
            for table in ("a_daily", "b_daily", "models")
        }  # fmt: skip


def test_a_publish_that_fails_half_way_changes_no_table(tmp_path, monkeypatch):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "parquet"
    make_warehouse(warehouse, 1.0)
    export_parquet(warehouse, out, MARCH_1, MARCH_3)
    make_warehouse(warehouse, 2.0)
    real_copy, calls = publish._copy, []

    def copy_then_fail(con, query, target):  # the second table's first file fails: the first table is written
        calls.append(target)
        if "b_daily" in target.parts:
            raise OSError("disk full")
        real_copy(con, query, target)

    monkeypatch.setattr(publish, "_copy", copy_then_fail)
    with pytest.raises(OSError, match="disk full"):
        export_parquet(warehouse, out, MARCH_1, MARCH_3)
    assert any("a_daily" in c.parts for c in calls), "the test must fail after a table was written"
    assert costs(out) == {"a_daily": {1.0}, "b_daily": {1.0}, "models": {1.0}}
    assert list(versions_dir(out).glob(".staging-*")) == [], "the failed publish's files are removed"
    monkeypatch.undo()
    export_parquet(warehouse, out, MARCH_1, MARCH_3)
    assert costs(out) == {"a_daily": {2.0}, "b_daily": {2.0}, "models": {2.0}}


def test_a_parquet_export_that_fails_leaves_the_serving_copy_on_the_previous_publish(tmp_path, monkeypatch):
    warehouse, serving, out = tmp_path / "w.duckdb", tmp_path / "serving.duckdb", tmp_path / "parquet"
    make_warehouse(warehouse, 1.0)
    publish_marts(warehouse, serving, out, MARCH_1, MARCH_3)
    make_warehouse(warehouse, 2.0)

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(publish, "_copy", fail)
    with pytest.raises(OSError, match="disk full"):
        publish_marts(warehouse, serving, out, MARCH_1, MARCH_3)
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select cost from marts.models").fetchall() == [(1.0,)], "the copy moved on alone"
    assert costs(out) == {"a_daily": {1.0}, "b_daily": {1.0}, "models": {1.0}}
    assert list(versions_dir(serving).glob(".staging-*")) == [], (
        "the failed publish's serving copy is removed"
    )
    monkeypatch.undo()
    publish_marts(warehouse, serving, out, MARCH_1, MARCH_3)
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select cost from marts.models").fetchall() == [(2.0,)]
    assert costs(out) == {"a_daily": {2.0}, "b_daily": {2.0}, "models": {2.0}}


def test_days_outside_the_window_are_hard_links_to_the_previous_version(tmp_path):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "parquet"
    make_warehouse(warehouse, 1.0)
    export_parquet(warehouse, out, MARCH_1, MARCH_3)
    before = current_version(out)
    make_warehouse(warehouse, 2.0)
    assert export_parquet(warehouse, out, MARCH_2, MARCH_3) == 3  # two daily marts' March 2, and models
    after = current_version(out)
    assert after != before
    kept, linked = (
        before / "a_daily/day=2026-03-01/data.parquet",
        after / "a_daily/day=2026-03-01/data.parquet",
    )
    assert os.stat(kept).st_ino == os.stat(linked).st_ino, "March 1 is outside the window: linked, not copied"
    rewritten = after / "a_daily/day=2026-03-02/data.parquet"
    assert os.stat(rewritten).st_ino != os.stat(before / "a_daily/day=2026-03-02/data.parquet").st_ino
    with duckdb.connect() as con:
        rows = con.execute(
            f"select day, cost from read_parquet('{out}/a_daily/*/*.parquet') order by day"
        ).fetchall()
    assert rows == [(MARCH_1, 1.0), (MARCH_2, 2.0)]
    assert stat.S_IMODE(rewritten.stat().st_mode) == 0o444, "a published file is never modified"
    # the previous version is untouched, for a reader that resolved it before the switch
    assert costs(before) == {"a_daily": {1.0}, "b_daily": {1.0}, "models": {1.0}}


def test_the_layout_before_versioning_is_taken_over(tmp_path):
    warehouse, out, serving = tmp_path / "w.duckdb", tmp_path / "parquet", tmp_path / "serving.duckdb"
    old_day = out / "a_daily" / "day=2026-02-28"
    old_day.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"copy (select date '2026-02-28' as day, 0.5 as cost) to '{old_day}/data.parquet'")
    serving.write_bytes(b"an old copy")
    make_warehouse(warehouse, 1.0)
    export_parquet(warehouse, out, MARCH_1, MARCH_3)
    build_serving_copy(warehouse, serving)
    assert out.is_symlink() and serving.is_symlink()
    with duckdb.connect() as con:
        days = con.execute(
            f"select day from read_parquet('{out}/a_daily/*/*.parquet') order by day"
        ).fetchall()
    assert days == [(date(2026, 2, 28),), (MARCH_1,), (MARCH_2,)], "the days published before are kept"


def test_retired_versions_are_pruned_after_the_grace_period_only(tmp_path):
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 1.0)
    for _ in range(3):
        build_serving_copy(warehouse, serving)
    versions = sorted(p.name for p in versions_dir(serving).iterdir())
    assert len(versions) == 3, "within the grace period every version is kept"
    current = current_version(serving).name
    assert current == versions[-1]
    # the first was retired when the second was switched in: its stamp is the first 23 characters of the name
    second_switched = datetime.strptime(versions[1][:23], "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
    grace = timedelta(minutes=10)
    assert prune(serving, now=second_switched + grace - timedelta(seconds=1), grace=grace) == []
    removed = prune(serving, now=second_switched + grace, grace=grace)
    assert [p.name for p in removed] == [versions[0]]
    removed = prune(serving, now=datetime.now(UTC) + timedelta(days=1), grace=grace)
    assert [p.name for p in removed] == [versions[1]], "the current version is never pruned"
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select count(*) from marts.models").fetchone() == (1,)


def test_a_crashed_publishs_staging_folder_is_pruned_after_the_grace_period(tmp_path):
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 1.0)
    build_serving_copy(warehouse, serving)
    leftover = versions_dir(serving) / ".staging-deadbeef"
    leftover.mkdir()
    assert prune(serving, now=datetime.now(UTC), grace=timedelta(hours=1)) == []
    assert prune(serving, now=datetime.now(UTC) + timedelta(hours=2), grace=timedelta(hours=1)) == [leftover]
