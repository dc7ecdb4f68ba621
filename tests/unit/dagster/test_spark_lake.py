"""The Spark warehouse's raw lake (dagster_project/spark_lake.py), without Spark: a window's days written from the
landing file as Hive-style day folders, each replaced whole, a day without rows removed; retention on the
lake; Spark's marts read back as views. Figures are counted by hand from the rows inserted here."""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dagster_project import spark_lake
from ingestion.core.raw_schema import create_table_sql
from ingestion.vendors import VENDORS, vendor_named

D1, D2, D3 = date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)


@pytest.fixture
def landing(tmp_path, monkeypatch) -> Path:
    """Every registered raw table, empty, in a landing file; AIECON_* pointed at tmp_path."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("AIECON_WAREHOUSE", str(path))
    monkeypatch.setenv("AIECON_SPARK_DIR", str(tmp_path / "spark"))
    with duckdb.connect(str(path)) as con:
        for vendor in VENDORS:
            con.execute(f'create schema "{vendor.dataset}"')
            for table in vendor.raw_tables:
                con.execute(create_table_sql(f'"{vendor.dataset}"."{table.name}"', table))
    return path


def _completions(path: Path, rows: list[tuple[str, date]]) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("delete from raw_revenium.completions")
        for call_id, day in rows:
            con.execute(
                "insert into raw_revenium.completions (team_id, id, _day, _dlt_load_id) values ('t', ?, ?, 'l1')",
                [call_id, day],
            )


def _lake_days(tmp_path: Path) -> dict[str, int]:
    """{day folder: rows in its Parquet files} of raw_revenium.completions in the lake."""
    folder = tmp_path / "spark" / "lake" / "raw_revenium" / "completions"
    return {
        day.name: sum(pq.read_table(f).num_rows for f in day.glob("*.parquet"))
        for day in sorted(folder.iterdir())
        if not day.name.startswith(".")
    }


def test_a_window_replaces_its_day_folders_and_only_those(landing, tmp_path):
    _completions(landing, [("a", D1), ("b", D1), ("c", D2), ("d", D3)])
    written = spark_lake.export_raw_days(D1, D3)  # D1 and D2: 3 rows; D3 is outside
    assert written["raw_revenium.completions"] == 3
    assert _lake_days(tmp_path) == {"_day=2026-03-03": 2, "_day=2026-03-04": 1}

    # the vendor now lists one call on D1 and none on D2: D1 is replaced, D2's folder goes, D3 is not written
    _completions(landing, [("a", D1), ("d", D3)])
    spark_lake.export_raw_days(D1, D3)
    assert _lake_days(tmp_path) == {"_day=2026-03-03": 1}

    spark_lake.export_raw_days(D3, date(2026, 3, 6))  # another window leaves D1 alone
    assert _lake_days(tmp_path) == {"_day=2026-03-03": 1, "_day=2026-03-05": 1}
    # what Spark's table declares: the declared columns and dlt's load id, the day in the folder name
    first = next((tmp_path / "spark" / "lake" / "raw_revenium" / "completions" / "_day=2026-03-03").glob("*"))
    table = next(t for t in vendor_named("revenium").raw_tables if t.name == "completions")
    assert set(pq.read_schema(first).names) == {*table.column_names, "_dlt_load_id"} - {"_day"}


def test_retention_deletes_the_lake_days_before_the_first_kept(landing, tmp_path):
    _completions(landing, [("a", D1), ("c", D2), ("d", D3)])
    spark_lake.export_raw_days(D1, date(2026, 3, 6))
    assert spark_lake.delete_lake_days_before("raw_revenium", "completions", D3) == 2
    assert _lake_days(tmp_path) == {"_day=2026-03-05": 1}


def test_the_spark_marts_are_read_as_views_beside_the_landing_raw_tables(landing, tmp_path):
    _completions(landing, [("a", D1)])
    marts = tmp_path / "spark" / "warehouse" / "marts.db"
    (marts / "fct_x").mkdir(parents=True)
    pq.write_table(pa.table({"day": [D1, D2], "n": [1, 2]}), marts / "fct_x" / "part-0.snappy.parquet")
    (marts / "fct_x__dbt_next").mkdir()  # a table dbt is rewriting: not a mart
    pq.write_table(pa.table({"n": [9]}), marts / "fct_x__dbt_next" / "part-0.parquet")
    with spark_lake.spark_read_connection() as con:
        assert con.execute("select sum(n) from marts.fct_x").fetchone()[0] == 3
        assert con.execute("select count(*) from raw_revenium.completions").fetchone()[0] == 1
    assert list(spark_lake.spark_mart_folders()) == ["fct_x"]
    with spark_lake.spark_marts_snapshot(tmp_path / "snap") as snapshot, duckdb.connect(str(snapshot)) as con:
        assert con.execute("select count(*) from marts.fct_x").fetchone()[0] == 2
