"""``aiecon check``'s probe of Helicone: the first request of the last closed hour (limit 1)."""

from __future__ import annotations

from ingestion.core.http_client import redact_url
from ingestion.core.probe import last_closed_hour, probe_client
from ingestion.helicone.settings import HeliconeSettings
from ingestion.helicone.source import QUERY_PATH, SETTINGS, unwrap, window_filter


def probe(timeout_s: float) -> str:
    s = HeliconeSettings.from_env()
    auth = {"Authorization": f"Bearer {s.api_key}"}
    body = {
        "filter": window_filter(last_closed_hour()),
        "offset": 0,
        "limit": 1,
        "sort": {"created_at": "asc"},
    }
    with probe_client("helicone", s.base_url, auth, SETTINGS, timeout_s) as client:
        unwrap(client.post(QUERY_PATH, body), QUERY_PATH)
    return f"POST {redact_url(s.base_url.rstrip('/') + QUERY_PATH)}"
