"""``aiecon check``'s probe of Revenium: one completion of the first team over the last closed hour on the
platform host, then one item of cost-by-provider on the analytics host (the key is checked on both, and the
team id on the platform)."""

from __future__ import annotations

from ingestion.core.http_client import redact_url
from ingestion.core.probe import last_closed_hour, probe_client
from ingestion.core.windows import iso_z
from ingestion.revenium.settings import ReveniumSettings
from ingestion.revenium.source import (
    ANALYTICS_SETTINGS,
    COMPLETIONS_PATH,
    COST_BY_PROVIDER_PATH,
    PLATFORM_SETTINGS,
)


def probe(timeout_s: float) -> str:
    s = ReveniumSettings.from_env()
    hour = last_closed_hour()
    dates = {"startDate": iso_z(hour.start), "endDate": iso_z(hour.end), "page": 0, "size": 1}
    platform = probe_client("revenium", s.base_url, {"x-api-key": s.api_key}, PLATFORM_SETTINGS, timeout_s)
    with platform as client:
        client.get(COMPLETIONS_PATH, {"teamId": s.team_ids[0], **dates})
    bearer = {"Authorization": f"Bearer {s.api_key}"}
    with probe_client("revenium", s.analytics_base_url, bearer, ANALYTICS_SETTINGS, timeout_s) as client:
        client.get(COST_BY_PROVIDER_PATH, dates)
    return (
        f"GET {redact_url(s.base_url.rstrip('/') + COMPLETIONS_PATH)}, "
        f"GET {redact_url(s.analytics_base_url.rstrip('/') + COST_BY_PROVIDER_PATH)}"
    )
