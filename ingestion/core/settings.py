"""How a vendor setting is read: environment variables first, dlt secrets second.

Nothing here has a default key. Base URLs default to the vendors' public hosts (each vendor's
``settings.py``); the simulator (and any proxy) replaces them by configuration alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Self


class MissingSettingError(RuntimeError):
    pass


def setting(env_name: str, dlt_key: str, default: str | None = None, secret: bool = False) -> str:
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
class HostSettings:
    """A vendor reached at one base URL with one API key: ``<PREFIX>_BASE_URL`` and ``<PREFIX>_API_KEY``, or
    ``sources.<section>.base_url`` in dlt's config and ``sources.<section>.api_key`` in its secrets."""

    base_url: str
    api_key: str

    @classmethod
    def read(cls, prefix: str, section: str, default_base_url: str) -> Self:
        return cls(
            base_url=setting(f"{prefix}_BASE_URL", f"sources.{section}.base_url", default_base_url),
            api_key=setting(f"{prefix}_API_KEY", f"sources.{section}.api_key", secret=True),
        )

    def __repr__(self) -> str:  # keep the key out of any repr that reaches a log
        return f"{type(self).__name__}(base_url={self.base_url!r})"
