"""Where orq.ai is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
"""

from __future__ import annotations

from ingestion.core.settings import HostSettings


class OrqSettings(HostSettings):
    @classmethod
    def from_env(cls) -> OrqSettings:
        return cls.read("ORQ", "orq", "https://my.orq.ai")
