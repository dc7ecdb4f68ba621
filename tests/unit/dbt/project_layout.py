"""The dbt project's folder layout as dbt_project.yml configures it (no dbt run, no warehouse)."""

from __future__ import annotations

from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
MODELS_DIR = DBT_PROJECT_DIR / "models"


def folder_config(path: Path) -> dict[str, object]:
    """The config dbt_project.yml gives the folder of a model file: its ``+key`` entries, the nearer folder's
    winning (e.g. schema 'intermediate' for models/marts/traces/building_blocks/int_trace_calls.sql)."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    node = project["models"][project["name"]]
    config = {key[1:]: value for key, value in node.items() if key.startswith("+")}
    for folder in path.relative_to(MODELS_DIR).parts[:-1]:
        node = node.get(folder) or {}
        config.update({key[1:]: value for key, value in node.items() if key.startswith("+")})
    return config
