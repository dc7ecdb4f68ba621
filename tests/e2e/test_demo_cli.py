"""`aiecon demo` as a user runs it: a simulator process, Dagster runs the job, a table is printed."""

import argparse
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from simulator import truth
from simulator.__main__ import add_arguments as simulator_arguments
from simulator.world import World
from tests.consolidation_score import score_day

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

    # the demo world's calls, consolidated across the three vendors, as the simulator's ground truth says
    defaults = simulator_arguments(argparse.ArgumentParser()).parse_args([])  # the simulator's defaults
    world = World(
        seed=defaults.seed,
        calls_per_day=800,
        team_ids=tuple(defaults.team_ids.split(",")),
        start_day=defaults.start_day,
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        resolved = dict(
            con.execute(
                "select call_id, consolidated_call_id from intermediate.int_call_resolution"
            ).fetchall()
        )
        spend = dict(con.execute("select day, total_cost_usd from marts.consolidated_spend_daily").fetchall())
        focus = dict(
            con.execute(
                'select "x_ChargeDay", sum("BilledCost") from marts.focus_ai_costs group by 1'
            ).fetchall()
        )
    for day in days:
        calls = world.calls(day)
        score = score_day(calls, resolved)
        assert score.precision >= 0.999 and score.recall >= 0.999 and score.look_alikes_merged == 0, score
        expected = (truth.distinct_call_cost_nano(calls) + truth.tool_cost_nano(calls)) / 1e9
        assert abs(float(spend[day]) - expected) < 0.005 and focus[day] == spend[day], (
            day,
            spend[day],
            expected,
        )
