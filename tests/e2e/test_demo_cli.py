"""`aiecon demo` as a user runs it: a simulator process, Dagster runs the job, a table is printed."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_demo_runs_the_job_and_prints_reconciled_costs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIECON_", "DAGSTER_", "REVENIUM_"))}
    env["AIECON_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "demo", "--days", "2", "--calls-per-day", "800"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    warehouse = tmp_path / "warehouse.duckdb"
    assert f"warehouse: {warehouse}" in out

    today = datetime.now(UTC).date()
    days = [today - timedelta(days=2), today - timedelta(days=1)]
    for day in days:
        line = next(line for line in out.splitlines() if line.startswith(day.isoformat()))
        total, figure, diff = line.split()[-3:]
        assert re.fullmatch(r"[\d,]+\.\d\d", total) and total == figure and diff in ("+0.00", "0.00"), line

    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_day = dict(con.execute("select day, count(*) from marts.fct_ai_calls group by day").fetchall())
    assert set(per_day) == set(days) and all(n > 0 for n in per_day.values())
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
