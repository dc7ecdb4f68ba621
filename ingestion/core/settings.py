"""How a vendor setting is read: environment variables first, dlt secrets second, parsed through its
declaration (``ingestion.core.setting_registry.Setting``).

Nothing here has a default key. Base URLs default to the vendors' public hosts (each vendor's
``settings.py``); the simulator (and any proxy) replaces them by configuration alone. A malformed URL or a
missing key fails with one line naming the variable (``SettingError``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from ingestion.core.setting_registry import Setting


def host_settings(prefix: str, section: str, default_base_url: str, vendor: str) -> tuple[Setting, Setting]:
    """The declarations of ``<PREFIX>_BASE_URL`` and ``<PREFIX>_API_KEY`` (dlt: ``sources.<section>.base_url``
    in config, ``sources.<section>.api_key`` in secrets), in use when ``vendor`` is enabled."""
    base_url = Setting(
        f"{prefix}_BASE_URL",
        "url",
        default_base_url,
        f"{vendor}'s API host",
        dlt_key=f"sources.{section}.base_url",
        group=vendor,
    )
    api_key = Setting(
        f"{prefix}_API_KEY",
        "secret",
        None,
        f"{vendor}'s API key (secret)",
        dlt_key=f"sources.{section}.api_key",
        required=True,
        group=vendor,
    )
    return base_url, api_key


@dataclass(frozen=True)
class HostSettings:
    """A vendor reached at one base URL with one API key: ``<PREFIX>_BASE_URL`` and ``<PREFIX>_API_KEY``, or
    ``sources.<section>.base_url`` in dlt's config and ``sources.<section>.api_key`` in its secrets."""

    base_url: str
    api_key: str

    @classmethod
    def from_settings(cls, base_url: Setting, api_key: Setting) -> Self:
        return cls(base_url=base_url.read(), api_key=api_key.read())

    def __repr__(self) -> str:  # keep the key out of any repr that reaches a log
        return f"{type(self).__name__}(base_url={self.base_url!r})"
