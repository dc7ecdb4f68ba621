"""The committed dbt sources YAML is exactly what ``python -m ingestion.dbt_sources`` generates from the
raw-table declarations (run it after changing a declaration)."""

from __future__ import annotations

import pytest
import yaml

from ingestion.dbt_sources import main, render, sources_path
from ingestion.vendors import VENDOR_NAMES, vendor_named


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_committed_sources_yaml_is_the_generated_text(name):
    vendor = vendor_named(name)
    path = sources_path(vendor)
    assert path.read_text() == render(vendor), (
        f"{path.name} differs from the declarations: run `python -m ingestion.dbt_sources`"
    )


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_generated_yaml_declares_every_raw_table_and_column(name):
    vendor = vendor_named(name)
    (source,) = yaml.safe_load(render(vendor))["sources"]
    assert (source["name"], source["schema"]) == (vendor.name, vendor.dataset)
    assert [t["name"] for t in source["tables"]] == [t.name for t in vendor.raw_tables]
    for table, doc in zip(vendor.raw_tables, source["tables"], strict=True):
        assert doc["config"]["meta"]["dagster"]["asset_key"] == [vendor.dataset, table.name]
        assert [c["name"] for c in doc["columns"]] == [*table.column_names, "_dlt_load_id"]
        assert doc["description"].startswith(table.description)


def test_check_mode_passes_on_the_committed_files(capsys):
    assert main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_check_mode_fails_on_a_difference_and_writing_fixes_it(tmp_path, monkeypatch, capsys):
    import ingestion.dbt_sources as dbt_sources

    monkeypatch.setattr(dbt_sources, "STAGING_DIR", tmp_path)
    monkeypatch.setattr(dbt_sources, "REPO_ROOT", tmp_path)
    assert main(["--check"]) == 1  # nothing written yet
    assert main([]) == 0
    assert main(["--check"]) == 0
    first = sources_path(vendor_named(VENDOR_NAMES[0]))
    first.write_text(first.read_text().replace("description:", "description: edited", 1))
    capsys.readouterr()
    assert main(["--check"]) == 1
    assert capsys.readouterr().out.strip() == f"differs: {first.relative_to(tmp_path)}"
