"""Where orq.ai is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.core.settings import setting


@dataclass(frozen=True)
class OrqSettings:
    base_url: str
    api_key: str

    @classmethod
    def from_env(cls) -> OrqSettings:
        return cls(
            base_url=setting("ORQ_BASE_URL", "sources.orq.base_url", "https://my.orq.ai"),
            api_key=setting("ORQ_API_KEY", "sources.orq.api_key", secret=True),
        )

    def __repr__(self) -> str:
        return f"OrqSettings(base_url={self.base_url!r})"
