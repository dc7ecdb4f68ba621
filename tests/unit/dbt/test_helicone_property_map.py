"""Helicone custom properties -> dimension columns, by configuration (var helicone_property_map).

One hand-made request carries two spellings of each dimension; which one lands in which column is decided
by the var alone. Defaults: Agent, Customer, Product, Environment, TaskType.
"""

from __future__ import annotations

import json

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, utc

pytestmark = pytest.mark.slow

PROPS = {
    "Agent": "planner",
    "Customer": "Acme",
    "Product": "Copilot",
    "Environment": "prod",
    "TaskType": "summarize",
    "bot": "bot-7",
    "tenant": "Tenant-B",
    "app": "App-C",
    "stage": "staging",
    "Team": "growth",
}
COLUMNS = "agent_name, organization_name, product_name, environment, task_type"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("helicone_props")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_helicone",
        "requests",
        [
            {
                "request_id": "h1",
                "request_created_at": utc("2024-01-01", "10:00"),
                "properties": json.dumps(PROPS),
            }
        ],
    )
    return wh, work


def test_default_property_map(warehouse):
    wh, work = warehouse
    run_dbt(wh, work / "default", "run", "-s", "stg_helicone__requests")
    assert query(wh, f"select {COLUMNS} from staging.stg_helicone__requests") == [
        ("planner", "Acme", "Copilot", "prod", "summarize")
    ]


def test_configured_property_map_overrides_and_adds_columns(warehouse):
    wh, work = warehouse
    mapping = {
        "agent_name": "bot",
        "organization_name": "tenant",
        "product_name": "app",
        "environment": "stage",
        "team_name": "Team",
    }
    run_dbt(
        wh, work / "custom", "run", "-s", "stg_helicone__requests", vars={"helicone_property_map": mapping}
    )
    # task_type was not overridden: it keeps its default key; team_name is a new column
    assert query(wh, f"select {COLUMNS}, team_name from staging.stg_helicone__requests") == [
        ("bot-7", "Tenant-B", "App-C", "staging", "summarize", "growth")
    ]
