"""Where Revenium is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
``SETTINGS`` declares every variable this package reads (gathered by ``ingestion.vendors``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.core.setting_registry import Setting


def _s(name: str, kind: str, default: str | None, doc: str, **extra) -> Setting:
    return Setting(name, kind, default, doc, group="revenium", **extra)


BASE_URL = _s(
    "REVENIUM_BASE_URL",
    "url",
    "https://api.revenium.ai",
    "platform host (AI metrics)",
    dlt_key="sources.revenium.base_url",
)
ANALYTICS_BASE_URL = _s(
    "REVENIUM_ANALYTICS_BASE_URL",
    "url",
    "https://app.revenium.ai",
    "analytics host (Revenium's own figures)",
    dlt_key="sources.revenium.analytics_base_url",
)
API_KEY = _s(
    "REVENIUM_API_KEY",
    "secret",
    None,
    "Revenium's API key (secret; x-api-key and Bearer)",
    dlt_key="sources.revenium.api_key",
    required=True,
)
TEAM_IDS = _s(
    "REVENIUM_TEAM_IDS",
    "list",
    None,
    "the team ids to read (comma-separated, at least one)",
    dlt_key="sources.revenium.team_ids",
    required=True,
)
JOB_DETAIL_LIMIT = _s(
    "REVENIUM_JOB_DETAIL_LIMIT",
    "int",
    "20",
    "jobs per team and day whose ROI, transactions and outcome history are read (-1 = all)",
    minimum=-1,
)
AI_METRIC_TYPES = _s(
    "REVENIUM_AI_METRIC_TYPES",
    "list",
    "AUDIO,IMAGE,VIDEO",
    "modalities read from /ai",
    choices=("COMPLETION", "AUDIO", "IMAGE", "VIDEO"),
)
PLATFORM_RPS = _s(
    "REVENIUM_PLATFORM_RPS",
    "float",
    "45",
    "client-side pace of the platform bucket (req/s; 0: unpaced)",
    minimum=0,
)
ANALYTICS_RPS = _s(
    "REVENIUM_ANALYTICS_RPS",
    "float",
    "90",
    "client-side pace of the analytics bucket (req/s; 0: unpaced)",
    minimum=0,
)
PAGE_CONCURRENCY = _s(
    "REVENIUM_PAGE_CONCURRENCY", "int", "4", "pages of a paged list in flight (still paced)", minimum=1
)
BATCH_ROWS = _s("REVENIUM_BATCH_ROWS", "int", "20000", "records decoded and handed to dlt at once", minimum=1)
SETTINGS = (
    BASE_URL,
    ANALYTICS_BASE_URL,
    API_KEY,
    TEAM_IDS,
    JOB_DETAIL_LIMIT,
    AI_METRIC_TYPES,
    PLATFORM_RPS,
    ANALYTICS_RPS,
    PAGE_CONCURRENCY,
    BATCH_ROWS,
)


@dataclass(frozen=True)
class ReveniumSettings:
    base_url: str
    analytics_base_url: str
    api_key: str
    team_ids: tuple[str, ...]

    @classmethod
    def from_env(cls) -> ReveniumSettings:
        return cls(
            base_url=BASE_URL.read(),
            analytics_base_url=ANALYTICS_BASE_URL.read(),
            api_key=API_KEY.read(),
            team_ids=tuple(TEAM_IDS.read()),
        )

    def __repr__(self) -> str:  # keep the key out of any repr that reaches a log
        return f"ReveniumSettings(base_url={self.base_url!r}, team_ids={self.team_ids!r})"
