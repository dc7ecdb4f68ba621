"""Where Revenium is and how to authenticate: environment variables first, dlt secrets second.

No default key; the base URL defaults to the vendor's public host (the simulator replaces it by configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.core.settings import setting


@dataclass(frozen=True)
class ReveniumSettings:
    base_url: str
    analytics_base_url: str
    api_key: str
    team_ids: tuple[str, ...]

    @classmethod
    def from_env(cls) -> ReveniumSettings:
        teams = setting("REVENIUM_TEAM_IDS", "sources.revenium.team_ids")
        return cls(
            base_url=setting("REVENIUM_BASE_URL", "sources.revenium.base_url", "https://api.revenium.ai"),
            analytics_base_url=setting(
                "REVENIUM_ANALYTICS_BASE_URL",
                "sources.revenium.analytics_base_url",
                "https://app.revenium.ai",
            ),
            api_key=setting("REVENIUM_API_KEY", "sources.revenium.api_key", secret=True),
            team_ids=tuple(t.strip() for t in teams.split(",") if t.strip()),
        )

    def __repr__(self) -> str:  # keep the key out of any repr that reaches a log
        return f"ReveniumSettings(base_url={self.base_url!r}, team_ids={self.team_ids!r})"
