"""dbt builds of a day window, timed and with the dbt process's peak memory (its own child process).

The same command the Dagster dbt asset runs: ``dbt build --vars {min_date, max_date}`` against a given
warehouse file. A fixed ``--target-path`` per benchmark run lets dbt's partial parsing work after the first
invocation, as in production where the manifest is prepared once.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from bench.measure import StepResult, run_step
from dagster_project.defs.dbt.project import dbt_executable
from dagster_project.settings import DBT_PROJECT_DIR


def dbt_build(
    warehouse: Path,
    first_day: date,
    days: int,
    target_path: Path,
    memory_limit: str | None = None,
    env: dict[str, str] | None = None,
    tests: bool = True,
) -> StepResult:
    """``dbt build`` of [first_day, first_day + days); raises (with dbt's output tail) when it fails.
    ``memory_limit`` sets ``AIECON_DUCKDB_MEMORY_LIMIT`` for this build (else dbt's default); ``env`` adds
    variables (another engine: AIECON_DESTINATION, AIECON_SPARK_DIR); ``tests=False`` builds without the dbt tests."""
    dbt_vars = {"min_date": first_day.isoformat(), "max_date": (first_day + timedelta(days=days)).isoformat()}
    argv = [
        dbt_executable(),
        "build",
        "--quiet",
        *(() if tests else ("--exclude-resource-type", "test")),
        "--vars",
        json.dumps(dbt_vars),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
    ]
    step_env = {
        "AIECON_WAREHOUSE": str(warehouse),
        **({"AIECON_DUCKDB_MEMORY_LIMIT": memory_limit} if memory_limit else {}),
        **(env or {}),
    }
    return run_step(argv, env=step_env, label=f"dbt build {dbt_vars}")
