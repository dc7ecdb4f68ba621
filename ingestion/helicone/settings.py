"""Where Helicone is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.core.settings import setting


@dataclass(frozen=True)
class HeliconeSettings:
    base_url: str
    api_key: str

    @classmethod
    def from_env(cls) -> HeliconeSettings:
        return cls(
            base_url=setting("HELICONE_BASE_URL", "sources.helicone.base_url", "https://api.helicone.ai"),
            api_key=setting("HELICONE_API_KEY", "sources.helicone.api_key", secret=True),
        )

    def __repr__(self) -> str:
        return f"HeliconeSettings(base_url={self.base_url!r})"
