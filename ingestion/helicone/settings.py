"""Where Helicone is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
``SETTINGS`` declares every variable this package reads (gathered by ``ingestion.vendors``).
"""

from __future__ import annotations

from ingestion.core.setting_registry import Setting
from ingestion.core.settings import HostSettings, host_settings

BASE_URL, API_KEY = host_settings("HELICONE", "helicone", "https://api.helicone.ai", "helicone")
PAGE_CONCURRENCY = Setting(
    "HELICONE_PAGE_CONCURRENCY", "int", "4", "request-query pages in flight", minimum=1, group="helicone"
)
SETTINGS = (BASE_URL, API_KEY, PAGE_CONCURRENCY)


class HeliconeSettings(HostSettings):
    @classmethod
    def from_env(cls) -> HeliconeSettings:
        return cls.from_settings(BASE_URL, API_KEY)
