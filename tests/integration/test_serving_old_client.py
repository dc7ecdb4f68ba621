"""The serving copy opened by DuckDB 1.1 (what many BI tools bundle), in its own virtual environment: it
reads every mart, with the row counts the warehouse has."""

import json
import subprocess
import textwrap

import duckdb
import pytest

from dagster_project.defs.serving.publish import build_serving_copy
from tests.integration.old_duckdb import OLD_DUCKDB, old_duckdb_python, run_old

COUNT_EVERY_MART = textwrap.dedent(
    """
    import json, sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    # every value of every column is read (the row cast to text), not only the row count
    rows = {t: con.execute(f'select count(cast(r as varchar)) from marts."{t}" r').fetchone()[0] for t in tables}
    print(json.dumps({"version": duckdb.__version__, "rows": rows}))
    """
)


def warehouse_counts(path) -> dict[str, int]:
    """Rows per mart, read from the warehouse itself (not from the serving copy)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        return {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for (t,) in tables}


def test_duckdb_1_1_reads_the_serving_copy(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    with duckdb.connect(str(warehouse)) as con:  # the column types the marts use
        con.execute("create schema marts")
        con.execute(
            "create table marts.calls as select range as id, date '2026-03-01' + (range % 3)::int as day, "
            "timestamptz '2026-03-01 00:00:00+00' + to_seconds(range) as called_at, "
            "(range * 0.001)::decimal(38, 9) as cost_usd, range % 2 = 0 as ok, 'model-' || (range % 5) as model, "
            "range / 3 as ratio, [range, range + 1] as ids, {'n': range} as detail from range(1000)"
        )
        con.execute("create view marts.ok_calls as select * from marts.calls where ok")
    build_serving_copy(warehouse, serving)
    read = run_old(COUNT_EVERY_MART, str(serving))
    assert read == {"version": OLD_DUCKDB, "rows": {"calls": 1000, "ok_calls": 500}}
    # (0 + 1 + ... + 999) * 0.001 = 499500 * 0.001
    assert (
        run_old(
            "import json, sys, duckdb\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print(json.dumps(str(con.execute('select sum(cost_usd) from marts.calls').fetchone()[0])))",
            str(serving),
        )
        == "499.500000000"
    )


@pytest.mark.slow
def test_duckdb_1_1_reads_every_published_mart_with_the_warehouses_row_counts(two_days):
    warehouse, _ = two_days
    expected = warehouse_counts(warehouse)
    assert expected, "the fixture's warehouse has no marts"
    read = run_old(COUNT_EVERY_MART, str(warehouse.parent / "serving.duckdb"))
    assert read["version"] == OLD_DUCKDB
    assert read["rows"] == expected


HOLD_THEN_ATTACH = textwrap.dedent(
    """
    import json, sys, duckdb
    held = duckdb.connect(sys.argv[1], read_only=True)
    count = lambda con, db: con.execute(f"select count(*) from {db}.marts.calls").fetchone()[0]
    print(json.dumps(count(held, "serving")), flush=True)
    sys.stdin.readline()  # the pipeline publishes a new day meanwhile
    attached = duckdb.connect()
    attached.execute(f"attach '{sys.argv[1]}' as serving (read_only)")
    print(json.dumps({"held": count(held, "serving"), "attached": count(attached, "serving")}), flush=True)
    """
)


def test_a_duckdb_1_x_process_holding_a_connection_sees_the_new_publish_through_attach(tmp_path):
    """DuckDB 1.x caches one database per path *as given* in a process (2.0 keys on the resolved path): there,
    a new connection opened by ATTACH from an in-memory database reads the newest publish (README, BI tools)."""
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"

    def publish_days(days: int) -> None:
        with duckdb.connect(str(warehouse)) as con:
            con.execute("create schema if not exists marts")
            con.execute(f"create or replace table marts.calls as select range as id from range({days * 100})")
        build_serving_copy(warehouse, serving)

    publish_days(1)
    reader = subprocess.Popen(
        [str(old_duckdb_python()), "-c", HOLD_THEN_ATTACH, str(serving)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert json.loads(reader.stdout.readline()) == 100
        publish_days(2)
        out, _ = reader.communicate("published\n", timeout=60)
    finally:
        reader.kill()
    assert json.loads(out) == {"held": 100, "attached": 200}
