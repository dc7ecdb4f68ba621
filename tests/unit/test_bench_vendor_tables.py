"""The benchmark's per-vendor table figure: each vendor's largest table is found from the data, and the
read_json ceiling reads exactly the landed rows, without dlt's own columns."""

import duckdb

from bench.vendor_tables import largest_tables, to_ndjson
from ingestion.vendors import VENDORS, raw_tables


def test_each_vendors_largest_table_is_the_one_with_most_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    # each vendor's last declared table gets 5 rows (its first, 3; the others, 1): not the declaration order
    chosen = {vendor.name: vendor.raw_tables[-1].name for vendor in VENDORS}
    with duckdb.connect(str(path)) as con:
        for vendor, table in raw_tables():
            n = 5 if chosen[vendor.name] == table.name else 3 if table is vendor.raw_tables[0] else 1
            con.execute(f"create schema if not exists {vendor.dataset}")
            con.execute(f"create table {vendor.dataset}.{table.name} as select range as x from range({n})")
    assert largest_tables(path) == chosen


def test_the_ndjson_holds_every_landed_row_without_dlts_columns(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_x")
        con.execute(
            "create table raw_x.t as select range as id, 'a' || range as name, 'load' as _dlt_load_id, "
            "'row' || range as _dlt_id from range(4)"
        )
    assert to_ndjson(path, "raw_x.t", tmp_path / "out") == 4
    lines = (tmp_path / "out" / "part.ndjson").read_text().splitlines()
    assert lines == [
        '{"id":0,"name":"a0"}',
        '{"id":1,"name":"a1"}',
        '{"id":2,"name":"a2"}',
        '{"id":3,"name":"a3"}',
    ]
