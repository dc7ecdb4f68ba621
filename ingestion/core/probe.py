"""One cheap authenticated request to a vendor, for ``aiecon check``: is the host reachable and the key
accepted?

A vendor package's ``probe(timeout_s)`` (``ingestion/<vendor>/probe.py``) asks for the smallest page of an
endpoint its source already reads, over the last closed hour, on a ``probe_client``: the shared
``VendorClient`` with a short timeout and no retries (a check must answer in seconds, and a retry would
only hide what the operator asked about). It returns what it asked (``"GET https://host/path"``) and
raises ``VendorAPIError`` when the request fails; ``outcome`` reads that error as one word.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from ingestion.core.http_client import RetryPolicy, SettingNames, VendorAPIError, VendorClient
from ingestion.core.windows import Window

PROBE_TIMEOUT_S = 5.0


def probe_client(
    vendor: str, base_url: str, auth_headers: Mapping[str, str], settings: SettingNames, timeout_s: float
) -> VendorClient:
    """A client that tries once and gives up after ``timeout_s`` (connect, read and the whole request)."""
    policy = RetryPolicy(max_attempts=1, timeout_s=timeout_s, deadline_s=timeout_s, backoff_base_s=0)
    return VendorClient(vendor, base_url, auth_headers, policy, settings=settings)


def last_closed_hour(now: datetime | None = None) -> Window:
    """The hour before the current one (UTC): closed, so every vendor serves it, and small."""
    end = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    return Window(end - timedelta(hours=1), end)


def outcome(error: VendorAPIError) -> str:
    """``401``, ``403``, ``unreachable``, ``timeout`` or ``HTTP <status>`` / the client's outcome."""
    if error.status in (401, 403):
        return str(error.status)
    if error.outcome in ("timeout", "deadline exceeded"):
        return "timeout"
    if error.outcome in ("unreachable", "connection broken"):
        return "unreachable"
    return f"HTTP {error.status}" if error.status is not None else error.outcome
