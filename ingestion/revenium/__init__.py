"""Revenium: the dlt source (``source``), its raw tables, row rules, settings, and how its list responses are
read (``paging``, ``paged_tables``) and paced (``pacing``). ``VENDOR`` is what the registry
(``ingestion.vendors``) knows of it."""

from ingestion.core.vendor import Reconciliation, Vendor
from ingestion.revenium.paging import PAGE_SIZE, hal_items, hal_total_pages, iter_pages
from ingestion.revenium.probe import probe
from ingestion.revenium.raw_tables import NAME, RAW_TABLES
from ingestion.revenium.settings import SETTINGS, ReveniumSettings
from ingestion.revenium.source import COMPLETIONS_PATH, iter_completion_pages, revenium_source

VENDOR = Vendor(
    name=NAME,
    dataset=f"raw_{NAME}",
    description=(
        "Revenium (revenium.io) metering API, landed by the dlt source in ingestion/. One UTC day = one "
        "partition (column _day); a partition run replaces its days."
    ),
    make_source=revenium_source,
    raw_tables=RAW_TABLES,
    settings=ReveniumSettings,
    declared_settings=SETTINGS,
    probe=probe,
    api_key_env="REVENIUM_API_KEY",
    volume_table="completions",
    reconciliation=Reconciliation(
        table="completions",
        # Revenium's figure covers every modality: completions plus audio, image and video calls.
        ours_sql="select _day, sum(total_cost) from ("
        + " union all ".join(
            f"select _day, total_cost from raw_{NAME}.{t}"
            for t in ("completions", "audio_metrics", "image_metrics", "video_metrics")
        )
        # The alias: PostgreSQL before 16 requires one on a subquery in FROM.
        + ") as calls where _day >= ? and _day < ? group by 1",
        figure_table="analytics_cost_by_provider",
        figure_sql=f"select _day, sum(cost_usd) from raw_{NAME}.analytics_cost_by_provider "
        "where _day >= ? and _day < ? group by 1",
        analytic="Revenium cost-by-provider-aggregated",
    ),
    simulator_paths={"REVENIUM_BASE_URL": "/revenium", "REVENIUM_ANALYTICS_BASE_URL": "/revenium-app"},
    # The team the simulator serves by default (simulator --team-ids).
    simulator_env={"REVENIUM_TEAM_IDS": "tmAcme01"},
)

__all__ = [
    "COMPLETIONS_PATH",
    "PAGE_SIZE",
    "VENDOR",
    "hal_items",
    "hal_total_pages",
    "iter_completion_pages",
    "iter_pages",
    "revenium_source",
]
