"""Where Helicone is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
"""

from __future__ import annotations

from ingestion.core.settings import HostSettings


class HeliconeSettings(HostSettings):
    @classmethod
    def from_env(cls) -> HeliconeSettings:
        return cls.read("HELICONE", "helicone", "https://api.helicone.ai")
