"""orq.ai: the dlt source (``source``), its raw tables, row rules and settings. ``VENDOR`` is what the
registry (``ingestion.vendors``) knows of it."""

from ingestion.core.vendor import Reconciliation, Vendor
from ingestion.orq.probe import probe
from ingestion.orq.raw_tables import NAME, RAW_TABLES
from ingestion.orq.settings import SETTINGS, OrqSettings
from ingestion.orq.source import orq_source

VENDOR = Vendor(
    name=NAME,
    dataset=f"raw_{NAME}",
    description=(
        "orq.ai reporting and traces APIs, landed by the dlt source in ingestion/. One UTC day = one "
        "partition (column _day); a partition run replaces its days."
    ),
    make_source=orq_source,
    raw_tables=RAW_TABLES,
    settings=OrqSettings,
    declared_settings=SETTINGS,
    probe=probe,
    api_key_env="ORQ_API_KEY",
    volume_table="reporting_buckets",
    reconciliation=Reconciliation(
        table="reporting_buckets",
        ours_sql=f"select _day, sum(metric_value) from raw_{NAME}.reporting_buckets "
        "where metric_key = 'genai.cost' and _day >= ? and _day < ? group by 1",
        figure_table="reporting_cost_totals",
        figure_sql=f"select _day, sum(cost_usd) from raw_{NAME}.reporting_cost_totals "
        "where _day >= ? and _day < ? group by 1",
        analytic="orq genai.cost totals",
    ),
    simulator_paths={"ORQ_BASE_URL": "/orq"},
)

__all__ = ["VENDOR", "orq_source"]
