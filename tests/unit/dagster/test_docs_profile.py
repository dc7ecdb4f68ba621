"""The dbt profile of ``aiecon docs`` names the warehouse as analysts see the serving copy: ``serving``."""

import json

import duckdb
import pytest

from dagster_project.defs.serving.publish import build_serving_copy
from dagster_project.docs_profile import PROFILE, TARGET, write_docs_profile


def test_the_docs_profile_attaches_the_warehouse_read_only_as_the_serving_catalog(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.daily as select 1 as n")
    folder = write_docs_profile(tmp_path / "docs", warehouse)
    output = json.loads((folder / "profiles.yml").read_text())[PROFILE]["outputs"][TARGET]
    assert output["database"] == "serving"
    (attach,) = output["attach"]
    assert (attach["path"], attach["alias"], attach["read_only"]) == (str(warehouse), "serving", True)
    # what dbt-duckdb runs with this profile: the name the docs show resolves, and nothing can be written
    with duckdb.connect() as con:
        con.execute(f"attach '{attach['path']}' as {attach['alias']} (read_only)")
        assert con.execute("select n from serving.marts.daily").fetchall() == [(1,)]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table serving.marts.other (x int)")
    # and the same name resolves in the published copy BI opens
    build_serving_copy(warehouse, tmp_path / "serving.duckdb")
    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as con:
        assert con.execute("select n from serving.marts.daily").fetchall() == [(1,)]


def test_without_a_warehouse_the_docs_profile_attaches_an_empty_database(tmp_path):
    folder = write_docs_profile(tmp_path / "docs", tmp_path / "missing.duckdb")
    (attach,) = json.loads((folder / "profiles.yml").read_text())[PROFILE]["outputs"][TARGET]["attach"]
    assert (attach["path"], attach["read_only"]) == (":memory:", False)
    assert not (tmp_path / "missing.duckdb").exists(), "generating docs must not create a warehouse"
