"""Fixtures for the simulator tests: a small world, a server on a free port, a frozen clock, spec schemas."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from simulator import SimKeys, SimulatorServer, World

SPECS = Path(__file__).resolve().parents[3] / "simulator" / "specs"
KEYS = SimKeys(revenium="test-revenium-key", helicone="sk-test-helicone", orq="test-orq-key")
# Noon of a Sunday: 2024-03-05 (a Tuesday) is a complete past day, 2024-03-10 is partial.
NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
DAY = date(2024, 3, 5)
CALLS_PER_DAY = 1500
COMPLETIONS = "/profitstream/v2/api/sources/metrics/ai/completions"


def frozen_clock() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def world() -> World:
    return World(seed=42, calls_per_day=CALLS_PER_DAY)


@pytest.fixture(scope="session")
def sim(world: World) -> Iterator[SimulatorServer]:
    with SimulatorServer(world, KEYS, rate_limits=False, clock=frozen_clock) as server:
        yield server


@pytest.fixture()
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def revenium_headers() -> dict[str, str]:
    return {"x-api-key": KEYS.revenium}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def iso(d: date | datetime) -> str:
    if isinstance(d, datetime):
        return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"
    return f"{d.isoformat()}T00:00:00Z"


# -- spec schemas ---------------------------------------------------------------------------------------
def _openapi30_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable`` is not JSON Schema: turn it into a ``null`` alternative."""
    if isinstance(node, list):
        return [_openapi30_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi30_to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def spec_validator(spec_file: str, schema_name: str) -> Draft202012Validator:
    """A validator for ``components.schemas[schema_name]`` of a vendored spec, $refs resolved in-file."""
    spec = json.loads((SPECS / spec_file).read_text())
    components = copy.deepcopy(spec["components"])
    if spec["openapi"].startswith("3.0"):
        components = _openapi30_to_json_schema(components)
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
