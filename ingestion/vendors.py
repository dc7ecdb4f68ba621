"""THE vendor registry: every vendor this platform ingests, in order, and the few lookups its users need.

Dagster assets, checks and pipelines, direct builds, the local stack's simulator wiring, the bench, the dbt
sources generator and the tests all read this tuple; no other Python module writes the vendors out
(tests/unit/test_vendor_registry.py fails when one does). A vendor is added by writing its package
(``ingestion/<vendor>/``, exposing ``VENDOR``) and listing it here.

``VENDORS`` is the registry: what the code knows (dbt sources, staging models, the simulator). A deployment
ingests a subset of it, ``enabled_vendors()`` (``AIECON_VENDORS``): the ingest assets, their gates, the builds'
loads and the marts' source systems follow that subset (docs/layout.md, "Adding a vendor").
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace

from ingestion.core.raw_table import RawTable
from ingestion.core.setting_registry import CORE_SETTINGS, Setting, core_setting
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


def raw_tables(vendors: Iterable[Vendor] = VENDORS) -> list[tuple[Vendor, RawTable]]:
    """Every raw table with its vendor, in registry order (of ``vendors``: default the whole registry)."""
    return [(v, t) for v in vendors for t in v.raw_tables]


VENDORS_SETTING = "AIECON_VENDORS"


def parse_enabled_vendors(text: str | None) -> tuple[Vendor, ...]:
    """The vendors ``AIECON_VENDORS`` text enables, in registry order: unset or blank = every registered vendor;
    otherwise a comma-separated list of registered names (case-insensitive, repeats ignored). An empty list
    (``","``) or an unknown name raises ``SettingError``, one line naming the variable and the valid names."""
    if text is None or not text.strip():
        return VENDORS
    names = set(replace(core_setting(VENDORS_SETTING), choices=VENDOR_NAMES).parse(text))
    return tuple(v for v in VENDORS if v.name in names)


def enabled_vendors(environ: Mapping[str, str] | None = None) -> tuple[Vendor, ...]:
    """The vendors this deployment ingests (``AIECON_VENDORS``, read now from ``environ`` or the process
    environment). Dagster builds its assets and gates from it when the code location loads, so a change
    takes a code-location reload; ``aiecon build`` reads it at each build."""
    return parse_enabled_vendors((os.environ if environ is None else environ).get(VENDORS_SETTING))


def declared_settings() -> tuple[Setting, ...]:
    """Every setting the project reads: the core's, then each vendor's in registry order (``aiecon check``,
    ``.env.example``). ``AIECON_VENDORS`` gets the registry's names as its allowed items."""
    core = tuple(replace(s, choices=VENDOR_NAMES) if s.name == VENDORS_SETTING else s for s in CORE_SETTINGS)
    return core + tuple(s for v in VENDORS for s in v.declared_settings)
