"""``aiecon check``'s probe of orq.ai: the first trace of the last closed hour (limit 1)."""

from __future__ import annotations

from ingestion.core.http_client import redact_url
from ingestion.core.probe import last_closed_hour, probe_client
from ingestion.core.windows import iso_z
from ingestion.orq.settings import OrqSettings
from ingestion.orq.source import SETTINGS, TRACES_SEARCH_PATH


def probe(timeout_s: float) -> str:
    s = OrqSettings.from_env()
    hour = last_closed_hour()
    body = {"from": iso_z(hour.start), "to": iso_z(hour.end), "limit": 1}
    with probe_client(
        "orq", s.base_url, {"Authorization": f"Bearer {s.api_key}"}, SETTINGS, timeout_s
    ) as client:
        client.post(TRACES_SEARCH_PATH, body)
    return f"POST {redact_url(s.base_url.rstrip('/') + TRACES_SEARCH_PATH)}"
