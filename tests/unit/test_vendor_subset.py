"""``AIECON_VENDORS`` (ingestion/vendors.py) and the raw tables created empty for the vendors dlt has not
loaded (ingestion/core/raw_schema.py)."""

from datetime import date

import dlt
import duckdb
import pytest

from ingestion.core.raw_schema import create_missing_raw_tables, create_table_sql
from ingestion.core.setting_registry import SettingError
from ingestion.vendors import VENDOR_NAMES, VENDORS, enabled_vendors, parse_enabled_vendors, vendor_named

FIRST, LAST = VENDOR_NAMES[0], VENDOR_NAMES[-1]


def names(vendors) -> list[str]:
    return [v.name for v in vendors]


@pytest.mark.parametrize("text", [None, "", "   "])
def test_unset_or_blank_enables_every_registered_vendor(text):
    assert parse_enabled_vendors(text) == VENDORS


def test_a_subset_comes_back_in_registry_order_whatever_the_spelling():
    assert names(parse_enabled_vendors(f" {LAST.upper()} , {FIRST},{LAST} ")) == [FIRST, LAST]


def test_a_single_vendor_is_a_subset():
    assert names(parse_enabled_vendors(LAST)) == [LAST]


@pytest.mark.parametrize("text", [",", " , ,", "openai", f"{FIRST},openai"])
def test_an_empty_list_or_an_unknown_name_fails_with_one_line_naming_the_setting_and_the_vendors(text):
    with pytest.raises(SettingError) as raised:
        parse_enabled_vendors(text)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("AIECON_VENDORS=")
    assert all(name in message for name in VENDOR_NAMES), message


def test_enabled_vendors_reads_the_environment(monkeypatch):
    assert names(enabled_vendors({"AIECON_VENDORS": LAST})) == [LAST]
    monkeypatch.setenv("AIECON_VENDORS", FIRST)
    assert names(enabled_vendors()) == [FIRST]
    monkeypatch.delenv("AIECON_VENDORS")
    assert enabled_vendors() == VENDORS


# ------------------------------------------------------------------------------ raw tables created empty

ORQ = vendor_named("orq")
COST_TOTALS = ORQ.table("reporting_cost_totals")


def pipeline_into(path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name="raw_schema_test",
        pipelines_dir=str(path.parent / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(path)),
        dataset_name=ORQ.dataset,
    )


def test_the_ddl_lists_the_declared_columns_then_dlts_load_id():
    # reporting_cost_totals: cost_usd, then the bookkeeping columns (ingestion/core/raw_table.py), by hand;
    # its key (_day) NOT NULL as dlt has a key
    assert create_table_sql("raw_orq.reporting_cost_totals", COST_TOTALS) == (
        "create table if not exists raw_orq.reporting_cost_totals (\n"
        '    "cost_usd" double precision,\n'
        '    "_day" date not null,\n'
        '    "_window_start" timestamp with time zone,\n'
        '    "_window_end" timestamp with time zone,\n'
        '    "_extra_fields" varchar,\n'
        '    "_dlt_load_id" varchar not null\n'
        ")"
    )


def test_missing_tables_are_created_empty_and_existing_ones_left_as_they_are(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:  # one table holds a row already, in a shape of its own
        con.execute("create schema raw_orq")
        con.execute("create table raw_orq.reporting_cost_totals (cost_usd double, _day date)")
        con.execute("insert into raw_orq.reporting_cost_totals values (1.5, date '2026-03-03')")
    pipeline = pipeline_into(path)

    others = [t.name for t in ORQ.raw_tables if t.name != COST_TOTALS.name]
    assert create_missing_raw_tables(pipeline, ORQ.raw_tables) == others
    assert create_missing_raw_tables(pipeline, ORQ.raw_tables) == []  # a second call changes nothing

    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select * from raw_orq.reporting_cost_totals").fetchall() == [
            (1.5, date(2026, 3, 3))
        ]
        for table in ORQ.raw_tables:
            if table.name == COST_TOTALS.name:
                continue
            assert con.execute(f"select count(*) from raw_orq.{table.name}").fetchone() == (0,), table.name
            found = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'raw_orq' and table_name = ? order by ordinal_position",
                    [table.name],
                ).fetchall()
            ]
            assert found == [*table.column_names, "_dlt_load_id"], table.name


def test_the_dataset_itself_is_created_when_missing(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    assert create_missing_raw_tables(pipeline_into(path), [COST_TOTALS]) == [COST_TOTALS.name]
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw_orq.reporting_cost_totals").fetchone() == (0,)
