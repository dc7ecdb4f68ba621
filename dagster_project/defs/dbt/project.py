"""The dbt project, prepared (parsed) so its manifest exists wherever definitions load.

``prepare_if_dev`` only works under ``dagster dev``; tests, CI, the demo and ``dagster definitions
validate`` load definitions elsewhere, so a missing manifest is produced here with ``dbt parse``.
"""

import shutil
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.settings import DBT_PROJECT_DIR


def dbt_executable() -> str:
    """The dbt installed beside this interpreter (the project's venv), so ``dbt`` need not be on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_cli_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


def parse(project: DbtProject) -> None:
    DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if not project.manifest_path.exists():
        parse(project)
    return project
