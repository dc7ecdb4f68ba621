"""The descriptor each vendor package exposes (``ingestion/<vendor>/__init__.py: VENDOR``), read through
the one registry, ``ingestion.vendors``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ingestion.core.raw_table import RawTable
from ingestion.core.setting_registry import Setting


@dataclass(frozen=True)
class Reconciliation:
    """How the partition gate ``reconciles_with_vendor`` compares a vendor's day with its own figure: two
    queries over the vendor's raw tables, each giving ``(day, usd)`` for the days in ``[?, ?)``."""

    table: str  # the raw table the check belongs to (the cost rows it judges)
    ours_sql: str  # our per-day cost, from the landed rows
    figure_table: str  # the raw table holding the vendor's own per-day figure
    figure_sql: str  # the vendor's per-day figure
    analytic: str  # the vendor's name for that figure, for the check's description and metadata


@dataclass(frozen=True)
class Vendor:
    name: str  # dlt source name, pipeline ``aiecon_<name>``, Dagster group ``ingest_<name>``
    dataset: str  # the raw schema its tables land in (the first part of their asset keys)
    description: str  # the dbt source's description
    # (window_start, window_end, settings=None, increments=None) -> the dlt source; ``increments``:
    # {raw table: since} for an incremental refresh of today (ingestion/core/increments.py)
    make_source: Callable[..., Any]
    raw_tables: tuple[RawTable, ...]  # in the order the dbt sources YAML lists them
    settings: type  # its settings class (``from_env()``)
    api_key_env: str  # the environment variable holding its key
    volume_table: str  # the raw table whose daily row count the ``volume`` gate watches
    reconciliation: Reconciliation  # the ``reconciles_with_vendor`` gate
    # Simulator wiring (dagster_project/local_stack.py): environment variable -> path of that host under
    # the simulator's base URL, and other settings a run against the simulator needs.
    simulator_paths: Mapping[str, str] = field(default_factory=dict)
    simulator_env: Mapping[str, str] = field(default_factory=dict)
    # Every environment variable the package reads (``ingestion/<vendor>/settings.py: SETTINGS``), and
    # ``aiecon check``'s probe: (timeout_s) -> the request made; raises VendorAPIError (ingestion/core/probe.py).
    declared_settings: tuple[Setting, ...] = ()
    probe: Callable[[float], str] | None = None

    def table(self, name: str) -> RawTable:
        """The raw table named ``name`` (its dlt resource name)."""
        for table in self.raw_tables:
            if table.name == name:
                return table
        raise KeyError(f"{self.name} declares no raw table {name!r}")
