"""Publishing marts to the serving copy and to Parquet, on a small hand-made warehouse."""

import os
import stat
import struct
import subprocess
import sys
import textwrap
import time
from datetime import date

import duckdb
import pytest

from dagster_project.defs.serving.publish import build_serving_copy, export_parquet


def make_warehouse(path, cost_day_2: float) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists raw_x")
        con.execute("create or replace table raw_x.secret as select 'not for analysts' as note")
        con.execute(
            "create or replace table marts.daily as select * from (values "
            f"(date '2026-03-01', 'openai', 1.5), (date '2026-03-02', 'openai', {cost_day_2})) t(day, provider, cost)"
        )
        con.execute("create or replace table marts.models as select 'gpt-4o' as model")


def test_serving_copy_holds_the_marts_and_nothing_else(tmp_path):
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 2.0)
    assert build_serving_copy(warehouse, serving) == {"daily": 2, "models": 1}
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select sum(cost) from marts.daily").fetchone()[0] == pytest.approx(3.5)
        schemas = {
            s for (s,) in con.execute("select schema_name from information_schema.schemata").fetchall()
        }
    assert "raw_x" not in schemas
    assert list(tmp_path.glob("**/.staging-*")) == []  # no staging folder left behind
    assert [p.name for p in tmp_path.rglob("*.wal")] == []  # the copy is complete without a WAL
    assert [p.name for p in serving.resolve().parent.iterdir()] == ["serving.duckdb"]  # no spill files


def test_serving_copy_is_read_only_on_disk_in_a_writable_folder(tmp_path):
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 2.0)
    build_serving_copy(warehouse, serving)
    assert stat.S_IMODE(serving.stat().st_mode) == 0o444, "the published file must be r--r--r--"
    assert os.access(tmp_path, os.W_OK), "the folder must stay writable for the next switch"


def test_serving_copy_is_in_the_storage_format_duckdb_1_1_reads(tmp_path):
    """DuckDB's file header: 8 bytes checksum, b"DUCK", then the storage version number (u64, little endian).
    Number 64 is the format DuckDB 0.10 to 1.1 write and every later DuckDB reads; 2.0 writes a newer one."""
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 2.0)
    build_serving_copy(warehouse, serving)
    header = serving.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert struct.unpack_from("<Q", header, 12)[0] == 64


def test_a_second_connection_in_the_same_process_sees_the_newest_publish(tmp_path):
    """BI servers are long-lived processes: DuckDB caches one database per path in a process, so a copy
    replaced in place stayed the old one for every connection opened while another was still open."""
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 2.0)
    build_serving_copy(warehouse, serving)
    first = duckdb.connect(str(serving), read_only=True)
    try:
        make_warehouse(warehouse, 10.0)
        build_serving_copy(warehouse, serving)
        with duckdb.connect(str(serving), read_only=True) as second:
            assert second.execute("select sum(cost) from marts.daily").fetchone()[0] == pytest.approx(11.5)
            # DuckDB names the catalog after the file: always serving, whichever version is open
            assert second.execute("select current_database()").fetchone()[0] == "serving"
        assert first.execute("select sum(cost) from marts.daily").fetchone()[0] == pytest.approx(3.5)
    finally:
        first.close()


def test_parquet_is_written_per_day_and_empty_days_disappear(tmp_path):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "parquet"
    make_warehouse(warehouse, 2.0)
    assert export_parquet(warehouse, out, date(2026, 3, 1), date(2026, 3, 3)) == 3
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == [
        "daily/day=2026-03-01/data.parquet", "daily/day=2026-03-02/data.parquet", "models/data.parquet",
    ]  # fmt: skip
    with duckdb.connect() as con:
        total = con.execute(f"select sum(cost) from read_parquet('{out}/daily/*/*.parquet')").fetchone()[0]
    assert total == pytest.approx(3.5)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.daily where day = date '2026-03-02'")
    export_parquet(warehouse, out, date(2026, 3, 2), date(2026, 3, 3))
    assert not (out / "daily" / "day=2026-03-02").exists()
    assert (out / "daily" / "day=2026-03-01" / "data.parquet").exists()  # outside the window: untouched


def test_a_mart_restated_by_the_price_book_is_published_whole_after_a_version_change(tmp_path):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "parquet"
    make_warehouse(warehouse, 2.0)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table marts.priced as select * from (values (date '2026-03-01', 1.0::double, 'v1'), "
            "(date '2026-03-02', 2.0, 'v1')) t(day, list_cost, price_book_version)"
        )
    export_parquet(warehouse, out, date(2026, 3, 1), date(2026, 3, 3))
    with duckdb.connect(str(warehouse)) as con:  # a new price book restates day 1 while day 2 is built
        con.execute("update marts.priced set list_cost = list_cost * 10, price_book_version = 'v2'")
        con.execute("update marts.daily set cost = 9.5")
    export_parquet(warehouse, out, date(2026, 3, 2), date(2026, 3, 3))
    with duckdb.connect() as con:
        priced = con.execute(
            f"select sum(list_cost) from read_parquet('{out}/priced/*/*.parquet')"
        ).fetchone()[0]
        daily = con.execute(f"select sum(cost) from read_parquet('{out}/daily/*/*.parquet')").fetchone()[0]
    assert priced == pytest.approx(30.0)  # both days written again
    assert daily == pytest.approx(1.5 + 9.5)  # day 1 of an ordinary mart: the previous version's file
    # no new version since: day 1 is linked from the previous publish, not written again
    day_1 = out / "priced" / "day=2026-03-01" / "data.parquet"
    inode = day_1.stat().st_ino
    export_parquet(warehouse, out, date(2026, 3, 2), date(2026, 3, 3))
    assert day_1.stat().st_ino == inode


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("open", flush=True)
    seen = set()
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        seen.add(float(con.execute("select sum(cost) from marts.daily").fetchone()[0]))
        time.sleep(0.01)
    print(sorted(seen), flush=True)
    """
)


def test_a_reader_holding_the_serving_copy_neither_blocks_nor_sees_a_half_publish(tmp_path):
    warehouse, serving = tmp_path / "w.duckdb", tmp_path / "serving.duckdb"
    make_warehouse(warehouse, 2.0)
    build_serving_copy(warehouse, serving)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving), "3"], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "open"
    make_warehouse(warehouse, 10.0)
    started = time.monotonic()
    for _ in range(5):  # publish repeatedly while the reader keeps its connection open
        build_serving_copy(warehouse, serving)
    assert time.monotonic() - started < 3  # never waited for the reader
    # the open connection kept reading one consistent copy: the one it opened
    assert reader.communicate(timeout=30)[0].strip() == "[3.5]"
    with duckdb.connect(str(serving), read_only=True) as con:  # a new connection sees the new publish
        assert con.execute("select sum(cost) from marts.daily").fetchone()[0] == pytest.approx(11.5)
