"""Paths and knobs shared by every part of the Dagster project, read from the environment.

| variable | default | meaning |
|---|---|---|
| AIECON_DATA_DIR | <repo>/data | where the warehouse, dlt's working files and the Dagster home live |
| AIECON_WAREHOUSE | $AIECON_DATA_DIR/warehouse.duckdb | the DuckDB file every writer shares |
| AIECON_SERVING_WAREHOUSE | $AIECON_DATA_DIR/serving.duckdb | the read-only copy of the marts for BI |
| AIECON_PARQUET_DIR | $AIECON_DATA_DIR/parquet | the marts as Parquet, partitioned by day |
| AIECON_PARTITIONS_START | 2025-01-01 | first daily partition (UTC) |
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ingestion.core.setting_registry import value

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def data_dir() -> Path:
    return Path(value("AIECON_DATA_DIR") or REPO_ROOT / "data").resolve()


def warehouse_path() -> Path:
    return Path(value("AIECON_WAREHOUSE") or data_dir() / "warehouse.duckdb").resolve()


def serving_path() -> Path:
    """The read-only copy of the marts that BI tools open: a link switched to each new publish."""
    return _published(Path(value("AIECON_SERVING_WAREHOUSE") or data_dir() / "serving.duckdb"))


def parquet_dir() -> Path:
    """Marts as Parquet, one folder per table and per day (Hive style: ``day=YYYY-MM-DD``): a link switched to
    each new publish."""
    return _published(Path(value("AIECON_PARQUET_DIR") or data_dir() / "parquet"))


def _published(path: Path) -> Path:
    """Absolute, without resolving the path itself: it is the stable link publishing switches
    (defs/serving/versions.py), never the version it points at."""
    return path.expanduser().absolute().parent.resolve() / path.name


def dlt_pipelines_dir() -> Path:
    return data_dir() / "dlt_pipelines"


def partitions_start() -> str:
    return value("AIECON_PARTITIONS_START").isoformat()


def venv_executable(name: str) -> str:
    """A console script installed beside this interpreter (the project's venv), else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)
