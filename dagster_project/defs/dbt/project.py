"""The dbt project, prepared (parsed) so its manifest exists wherever definitions load.

``DbtProject.prepare_if_dev`` only works under ``dagster dev`` and needs ``dbt`` on PATH; tests, CI, the
demo and ``dagster definitions validate`` load definitions elsewhere. So the project parses itself here.
"""

import os
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.settings import DBT_PROJECT_DIR, venv_executable


def dbt_executable() -> str:
    """The project's own dbt, so ``dbt`` need not be on PATH."""
    return venv_executable("dbt")


def dbt_cli_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


def parse(project: DbtProject) -> None:
    DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


SOURCE_GLOBS = ("dbt_project.yml", "profiles.yml", "models/**/*", "macros/**/*", "tests/**/*", "seeds/**/*")


def manifest_is_stale(manifest: Path, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """True when the manifest is missing or any file dbt parses is newer than it."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(
        path.is_file() and path.stat().st_mtime > built
        for pattern in SOURCE_GLOBS
        for path in project_dir.glob(pattern)
    )


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    # What prepare_if_dev does (re-parse under `dagster dev`, to pick up model edits), but with the
    # project's own dbt executable; elsewhere a manifest that is missing or older than a source is rebuilt.
    if os.environ.get("DAGSTER_IS_DEV_CLI") or manifest_is_stale(project.manifest_path):
        parse(project)
    return project
