import os

import dagster as dg
import pytest

from dagster_project.defs.dbt import assets
from dagster_project.defs.dbt.project import manifest_is_stale


def test_a_manifest_older_than_any_model_is_stale(tmp_path):
    model = tmp_path / "models" / "marts" / "m.sql"
    model.parent.mkdir(parents=True)
    model.write_text("select 1")
    manifest = tmp_path / "target" / "manifest.json"
    assert manifest_is_stale(manifest, tmp_path)  # missing
    manifest.parent.mkdir()
    manifest.write_text("{}")
    os.utime(model, (1_000, 1_000))
    os.utime(manifest, (2_000, 2_000))
    assert not manifest_is_stale(manifest, tmp_path)
    os.utime(model, (3_000, 3_000))
    assert manifest_is_stale(manifest, tmp_path)
    (tmp_path / "target" / "run_results.json").write_text("{}")  # dbt's own output does not count
    os.utime(model, (1_000, 1_000))
    assert not manifest_is_stale(manifest, tmp_path)


def test_a_manifest_parsed_for_another_adapter_is_stale(tmp_path):
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text(
        '{"metadata": {"dbt_version": "1.11.16", "adapter_type": "duckdb", "env": {}}, "nodes": {}}'
    )
    assert not manifest_is_stale(manifest, tmp_path, adapter="duckdb")
    assert manifest_is_stale(manifest, tmp_path, adapter="spark")  # a Spark run's test ids differ


def test_the_dbt_step_refuses_a_manifest_parsed_for_another_engine(monkeypatch):
    monkeypatch.setattr(assets, "MANIFEST_ADAPTER", "duckdb")
    monkeypatch.setenv("AIECON_DESTINATION", "spark")
    with pytest.raises(dg.Failure, match="parsed for duckdb, but AIECON_DESTINATION is spark"):
        assets.require_manifest_for_destination()
    monkeypatch.setenv("AIECON_DESTINATION", "duckdb")
    assets.require_manifest_for_destination()  # the same engine: no error
