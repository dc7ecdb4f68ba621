"""A warehouse with two daily partitions run by Dagster against the simulator, shared by the slow tests."""

import pytest

from tests.conftest import DAY_1, DAY_2
from tests.integration.pipeline import run_partition


@pytest.fixture(scope="session")
def two_days(simulator, sim_keys, tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIECON_DATA_DIR", str(path.parent))
        mp.setenv("AIECON_WAREHOUSE", str(path))
        run_partition(DAY_1)
        run_partition(DAY_2)
        yield path, mp
