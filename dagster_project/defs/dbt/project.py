"""The dbt project, prepared (parsed) so its manifest exists wherever definitions load.

``DbtProject.prepare_if_dev`` only works under ``dagster dev`` and needs ``dbt`` on PATH; tests, CI, the
demo and ``dagster definitions validate`` load definitions elsewhere. So the project parses itself here.
"""

import os
import re
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.destination import destination_name
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


def manifest_is_stale(
    manifest: Path, project_dir: Path = DBT_PROJECT_DIR, adapter: str | None = None
) -> bool:
    """True when the manifest is missing, was parsed for another adapter than ``adapter`` (dbt's test ids hash
    the compiled arguments, e.g. a quoted column: a DuckDB manifest does not know a Spark run's tests), or any
    file dbt parses is newer than it."""
    if not manifest.exists():
        return True
    if adapter is not None and manifest_adapter(manifest) != adapter:
        return True
    built = manifest.stat().st_mtime
    return any(
        path.is_file() and path.stat().st_mtime > built
        for pattern in SOURCE_GLOBS
        for path in project_dir.glob(pattern)
    )


def manifest_adapter(manifest: Path) -> str | None:
    """The adapter a manifest was parsed for (``metadata.adapter_type``, near the start of the file)."""
    with manifest.open(encoding="utf-8") as f:
        found = re.search(r'"adapter_type":\s*"([^"]+)"', f.read(4096))
    return found.group(1) if found else None


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    # What prepare_if_dev does (re-parse under `dagster dev`, to pick up model edits), but with the
    # project's own dbt executable; elsewhere a manifest that is missing or older than a source is rebuilt.
    # The profile's target follows AIECON_DESTINATION, and its name is the adapter's.
    if os.environ.get("DAGSTER_IS_DEV_CLI") or manifest_is_stale(
        project.manifest_path, adapter=destination_name()
    ):
        parse(project)
    return project
