"""Helicone: the dlt source (``source``), its raw tables, row rules and settings. ``VENDOR`` is what the
registry (``ingestion.vendors``) knows of it."""

from ingestion.core.vendor import Reconciliation, Vendor
from ingestion.helicone.probe import probe
from ingestion.helicone.raw_tables import NAME, RAW_TABLES
from ingestion.helicone.settings import SETTINGS, HeliconeSettings
from ingestion.helicone.source import helicone_source

VENDOR = Vendor(
    name=NAME,
    dataset=f"raw_{NAME}",
    description=(
        "Helicone (helicone.ai) observability API, landed by the dlt source in ingestion/. One UTC day = one "
        "partition (column _day); a partition run replaces its days."
    ),
    make_source=helicone_source,
    raw_tables=RAW_TABLES,
    settings=HeliconeSettings,
    declared_settings=SETTINGS,
    probe=probe,
    api_key_env="HELICONE_API_KEY",
    volume_table="requests",
    reconciliation=Reconciliation(
        table="requests",
        ours_sql=f"select _day, sum(cost) from raw_{NAME}.requests where _day >= ? and _day < ? group by 1",
        figure_table="metrics_total_cost",
        figure_sql=f"select _day, sum(cost_usd) from raw_{NAME}.metrics_total_cost "
        "where _day >= ? and _day < ? group by 1",
        analytic="Helicone totalCost",
    ),
    simulator_paths={"HELICONE_BASE_URL": "/helicone"},
)

__all__ = ["VENDOR", "helicone_source"]
