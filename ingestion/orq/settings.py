"""Where orq.ai is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
``SETTINGS`` declares every variable this package reads (gathered by ``ingestion.vendors``).
"""

from __future__ import annotations

from ingestion.core.setting_registry import Setting
from ingestion.core.settings import HostSettings, host_settings

BASE_URL, API_KEY = host_settings("ORQ", "orq", "https://my.orq.ai", "orq")
REPORTING_METRICS = Setting(
    "ORQ_REPORTING_METRICS",
    "list",
    None,
    "reporting metrics landed as hourly buckets (comma-separated)",
    group="orq",
    shown_default="genai.requests,genai.errors,genai.tokens,genai.cost,genai.latency.p50,genai.latency.p95,"
    "genai.latency.p99,genai.ttft.avg,genai.ttft.p50,genai.ttft.p95",
)
SPAN_WORKERS = Setting(
    "ORQ_SPAN_WORKERS", "int", "4", "concurrent /v3/traces/{id}/spans requests", minimum=1, group="orq"
)
SETTINGS = (BASE_URL, API_KEY, REPORTING_METRICS, SPAN_WORKERS)


class OrqSettings(HostSettings):
    @classmethod
    def from_env(cls) -> OrqSettings:
        return cls.from_settings(BASE_URL, API_KEY)
