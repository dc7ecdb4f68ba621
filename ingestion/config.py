"""Where each vendor is and how to authenticate: environment variables first, dlt secrets second.

Nothing here has a default key. Base URLs default to the vendors' public hosts; the simulator (and any
proxy) replaces them by configuration alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class MissingSettingError(RuntimeError):
    pass


def _setting(env_name: str, dlt_key: str, default: str | None = None, secret: bool = False) -> str:
    value = os.environ.get(env_name)
    if not value:
        import dlt  # imported lazily: reading dlt's secrets/config is only needed when the env is silent

        provider = dlt.secrets if secret else dlt.config
        try:
            value = provider.get(dlt_key)
        except Exception:  # dlt raises on malformed toml; the clear error below is more useful
            value = None
    if not value:
        value = default
    if not value:
        raise MissingSettingError(
            f"{env_name} is not set (nor {dlt_key} in dlt {'secrets' if secret else 'config'})"
        )
    return str(value)


@dataclass(frozen=True)
class ReveniumSettings:
    base_url: str
    analytics_base_url: str
    api_key: str
    team_ids: tuple[str, ...]

    @classmethod
    def from_env(cls) -> ReveniumSettings:
        teams = _setting("REVENIUM_TEAM_IDS", "sources.revenium.team_ids")
        return cls(
            base_url=_setting("REVENIUM_BASE_URL", "sources.revenium.base_url", "https://api.revenium.ai"),
            analytics_base_url=_setting(
                "REVENIUM_ANALYTICS_BASE_URL",
                "sources.revenium.analytics_base_url",
                "https://app.revenium.ai",
            ),
            api_key=_setting("REVENIUM_API_KEY", "sources.revenium.api_key", secret=True),
            team_ids=tuple(t.strip() for t in teams.split(",") if t.strip()),
        )

    def __repr__(self) -> str:  # keep the key out of any repr that reaches a log
        return f"ReveniumSettings(base_url={self.base_url!r}, team_ids={self.team_ids!r})"


@dataclass(frozen=True)
class HeliconeSettings:
    base_url: str
    api_key: str

    @classmethod
    def from_env(cls) -> HeliconeSettings:
        return cls(
            base_url=_setting("HELICONE_BASE_URL", "sources.helicone.base_url", "https://api.helicone.ai"),
            api_key=_setting("HELICONE_API_KEY", "sources.helicone.api_key", secret=True),
        )

    def __repr__(self) -> str:
        return f"HeliconeSettings(base_url={self.base_url!r})"


@dataclass(frozen=True)
class OrqSettings:
    base_url: str
    api_key: str

    @classmethod
    def from_env(cls) -> OrqSettings:
        return cls(
            base_url=_setting("ORQ_BASE_URL", "sources.orq.base_url", "https://my.orq.ai"),
            api_key=_setting("ORQ_API_KEY", "sources.orq.api_key", secret=True),
        )

    def __repr__(self) -> str:
        return f"OrqSettings(base_url={self.base_url!r})"
