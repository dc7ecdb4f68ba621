"""THE vendor registry: every vendor this platform ingests, in order, and the few lookups its users need.

Dagster assets, checks and pipelines, direct builds, the local stack's simulator wiring, the bench, the dbt
sources generator and the tests all read this tuple; no other Python module writes the vendors out
(tests/unit/test_vendor_registry.py fails when one does). A vendor is added by writing its package
(``ingestion/<vendor>/``, exposing ``VENDOR``) and listing it here.
"""

from __future__ import annotations

from ingestion.core.raw_table import RawTable
from ingestion.core.vendor import Vendor
from ingestion.helicone import VENDOR as HELICONE
from ingestion.orq import VENDOR as ORQ
from ingestion.revenium import VENDOR as REVENIUM

VENDORS: tuple[Vendor, ...] = (REVENIUM, HELICONE, ORQ)

VENDOR_NAMES: tuple[str, ...] = tuple(v.name for v in VENDORS)
DATASETS: tuple[str, ...] = tuple(v.dataset for v in VENDORS)


def vendor_named(name: str) -> Vendor:
    """The vendor named ``name`` (also its dlt source name)."""
    for v in VENDORS:
        if v.name == name:
            return v
    raise KeyError(f"no vendor {name!r} in the registry (known: {', '.join(VENDOR_NAMES)})")


def raw_tables() -> list[tuple[Vendor, RawTable]]:
    """Every raw table with its vendor, in registry order."""
    return [(v, t) for v in VENDORS for t in v.raw_tables]
