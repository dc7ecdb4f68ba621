"""Fast checks of the dbt project's files against the raw-table contract and the documentation rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .dbt_harness import DBT_PROJECT_DIR, RAW_SCHEMAS

MODELS_DIR = DBT_PROJECT_DIR / "models"
VENDOR_SCHEMAS = {"revenium": "raw_revenium", "helicone": "raw_helicone", "orq": "raw_orq"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("vendor", sorted(VENDOR_SCHEMAS))
def test_sources_mirror_the_raw_table_contract(vendor):
    schema = VENDOR_SCHEMAS[vendor]
    (source,) = _load(MODELS_DIR / "staging" / vendor / f"_{vendor}__sources.yml")["sources"]
    assert source["name"] == vendor and source["schema"] == schema
    declared = {t["name"]: t for t in source["tables"]}
    assert set(declared) == {t.name for t in RAW_SCHEMAS[schema]}
    for raw in RAW_SCHEMAS[schema]:
        table = declared[raw.name]
        assert table["config"]["meta"]["dagster"]["asset_key"] == [schema, raw.name]
        assert [c["name"] for c in table["columns"]] == [*raw.column_names, "_dlt_load_id"]
        assert table["description"] and all(c["description"] for c in table["columns"])


def _model_files() -> list[Path]:
    return sorted(MODELS_DIR.rglob("*.sql"))


@pytest.mark.parametrize("sql", _model_files(), ids=lambda p: p.stem)
def test_every_model_has_its_yaml_with_grain_and_described_columns(sql):
    doc = sql.with_suffix(".yml")
    assert doc.exists(), f"{sql.name} needs {doc.name} beside it"
    (model,) = _load(doc)["models"]
    assert model["name"] == sql.stem
    assert "Grain:" in model["description"], "state the grain in the model description"
    assert model["columns"] and all(c.get("description") for c in model["columns"])


def test_model_names_follow_the_layout():
    for sql in _model_files():
        layer = sql.relative_to(MODELS_DIR).parts[0]
        if layer == "staging":
            vendor = sql.parent.name
            assert sql.stem.startswith(f"stg_{vendor}__"), sql
        elif layer == "intermediate":
            assert sql.stem.startswith("int_"), sql
    marts = {p.stem for p in (MODELS_DIR / "marts" / "cost").glob("*.sql")}
    assert {"fct_ai_calls", "fct_ai_usage_hourly", "cost_by_dimension_daily"} <= marts
