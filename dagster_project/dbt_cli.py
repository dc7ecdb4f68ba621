"""The dbt CLI in a subprocess, on this repository's dbt project, with its target and log paths in a work dir.

One helper for every caller that runs dbt outside Dagster (``direct_build``, the dbt test harness), so they
run the same command: own target/log paths, so concurrent runs never share dbt state, and no telemetry.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from dagster_project.child_processes import die_with_parent
from dagster_project.settings import DBT_PROJECT_DIR, venv_executable
from dagster_project.spark_lake import dbt_engine_environment


def dbt_process(
    work_dir: Path, *args: str, vars: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``dbt <args>`` (``vars`` as ``--vars``, ``env`` added to this process's environment); the result
    whatever its return code."""
    command = [
        venv_executable("dbt"),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if vars:
        command += ["--vars", json.dumps(dict(vars))]
    engine_env = dbt_engine_environment()
    full_env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        **engine_env,
        **(env or {}),
    }
    # dbt dies with this process, even on kill -9: an orphaned dbt would go on writing the warehouse.
    return subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        # Spark runs each model as jobs on a JVM it starts first: a local build takes minutes, not seconds.
        timeout=1800 if engine_env else 600,
        preexec_fn=die_with_parent(),
    )


def run_dbt(work_dir: Path, *args: str, vars: Mapping[str, object] | None = None) -> str:
    """``dbt <args>``'s output; a failed run raises with the end of dbt's output."""
    result = dbt_process(work_dir, *args, vars=vars)
    if result.returncode != 0:
        raise RuntimeError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
        )
    return result.stdout
