"""The dbt profile ``aiecon docs`` uses on DuckDB, so the documentation names relations as analysts query them.

dbt names a DuckDB database after its file: generated against ``warehouse.duckdb`` the docs said
``warehouse.marts.<table>``, a catalog analysts never see. BI opens the serving copy, whose catalog is
``serving`` (publish.SERVING_CATALOG). So the docs are generated from an in-memory DuckDB that attaches the
warehouse read-only *as* ``serving``: every mart shows as ``serving.marts.<table>``, the name it has in
``serving.duckdb`` (and ``marts.<table>`` works there too: ``serving`` is the default catalog). Only the marts
are published; the other models and the sources are the pipeline's inside and are not in the serving copy.
"""

from __future__ import annotations

import json
from pathlib import Path

from dagster_project.defs.serving.publish import SERVING_CATALOG

PROFILE = "ai_economics"  # dbt_project/dbt_project.yml's profile
TARGET = "docs"


def write_docs_profile(folder: Path, warehouse: Path) -> Path:
    """Write ``profiles.yml`` into ``folder`` and return the folder (dbt's --profiles-dir). Without a warehouse
    yet, an empty in-memory database stands in (the docs are then generated with --empty-catalog)."""
    attach = {
        "path": str(warehouse) if warehouse.exists() else ":memory:",
        "alias": SERVING_CATALOG,
        "read_only": warehouse.exists(),
    }
    output = {
        "type": "duckdb",
        "path": ":memory:",
        "database": SERVING_CATALOG,
        "schema": "main",
        "threads": 1,
    }
    profile = {PROFILE: {"target": TARGET, "outputs": {TARGET: {**output, "attach": [attach]}}}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(json.dumps(profile, indent=2))  # JSON is YAML
    return folder
