"""How a vendor setting is read: environment variables first, dlt secrets second.

Nothing here has a default key. Base URLs default to the vendors' public hosts (each vendor's
``settings.py``); the simulator (and any proxy) replaces them by configuration alone.
"""

from __future__ import annotations

import os


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
