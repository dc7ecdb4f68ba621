"""The main job, run by Dagster for two daily partitions against the simulator, end to end.

Each day's mart total must equal the vendor's own analytics for that day (asked of the simulator over
HTTP) to the cent, and a second run of a partition must leave every table exactly as it was.
"""

import hashlib

import dagster as dg
import duckdb
import pytest

from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME
from tests.conftest import DAY_1, DAY_2
from tests.integration.vendor_figures import helicone_cost, orq_cost, revenium_cost

pytestmark = pytest.mark.slow

# Columns that legitimately differ between two loads of the same data: dlt's load id.
LOAD_COLUMNS = {"_dlt_load_id", "_dlt_id"}


def run_partition(day) -> dg.ExecuteInProcessResult:
    result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
        partition_key=day.isoformat(), instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def table_fingerprints(path) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the sorted rows of every table, without dlt's bookkeeping tables."""
    fingerprints = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_name not like '_dlt_%' and table_schema not like '%_staging'"
        ).fetchall()
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if c not in LOAD_COLUMNS
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {quoted} from "{schema}"."{table}"').fetchall()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            fingerprints[f"{schema}.{table}"] = (len(rows), digest)
    return fingerprints


@pytest.fixture(scope="module")
def two_days(simulator, sim_keys, tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIECON_DATA_DIR", str(path.parent))
        mp.setenv("AIECON_WAREHOUSE", str(path))
        run_partition(DAY_1)
        run_partition(DAY_2)
        yield path, mp


def daily_mart_totals(path, source_system: str) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute(
                "select day, sum(cost_usd) from marts.cost_by_dimension_daily "
                "where source_system = ? and dimension_name = 'provider' group by day",
                [source_system],
            ).fetchall()
        )


@pytest.mark.parametrize(
    ("source_system", "vendor_figure"),
    [("revenium", revenium_cost), ("helicone", helicone_cost), ("orq", orq_cost)],
)
def test_each_days_mart_total_equals_the_vendors_own_analytics(
    two_days, simulator, sim_keys, source_system, vendor_figure
):
    path, _ = two_days
    totals = daily_mart_totals(path, source_system)
    assert set(totals) == {DAY_1, DAY_2}
    for day, ours in totals.items():
        assert float(ours) == pytest.approx(vendor_figure(simulator, sim_keys, day), abs=0.005), day


def test_facts_hold_every_call_each_vendor_saw(two_days, world):
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        counts = dict(
            ((day, source), n)
            for day, source, n in con.execute(
                "select day, source_system, count(*) from marts.fct_ai_calls group by all"
            ).fetchall()
        )
    for day in (DAY_1, DAY_2):
        calls = world.calls(day)
        assert counts[(day, "revenium")] == len(calls)
        assert counts[(day, "helicone")] == int(calls.in_helicone.sum())


def test_rerunning_a_partition_leaves_every_table_unchanged(two_days):
    path, _ = two_days
    before = table_fingerprints(path)
    assert before["marts.fct_ai_calls"][0] > 0 and before["marts.cost_by_dimension_daily"][0] > 0
    run_partition(DAY_1)
    assert table_fingerprints(path) == before


def test_published_marts_equal_the_warehouse_marts(two_days):
    path, _ = two_days
    ours = {k: v for k, v in table_fingerprints(path).items() if k.startswith("marts.")}
    assert table_fingerprints(path.parent / "serving.duckdb") == ours
    for day in (DAY_1, DAY_2):
        assert (path.parent / "parquet" / "fct_ai_calls" / f"day={day.isoformat()}" / "data.parquet").exists()
