"""The one HTTP layer every vendor source uses: auth headers, timeouts, retries with backoff.

Transient faults — HTTP 429 and 5xx, connection errors, timeouts and bodies that are not valid JSON (a
truncated response) — are retried with exponential backoff. A ``Retry-After`` header is a floor: the client
never calls again sooner than the vendor asked. Anything else, or a fault that outlasts the attempts, raises
``VendorAPIError`` naming the vendor, the request and the vendor's own error text.

Credentials live only in the session headers; they are never part of a message, a log line or an error.

The transport is urllib3 (what requests is built on) used directly: on a 128 KB page it costs the client
a third of the CPU requests does (0.27 ms against 0.68 ms here), which is the difference between the HTTP
layer being a bottleneck of a million-record day or not (bench/). ``get_bytes`` hands back a body without
decoding it, for callers that decode many pages at once (e.g. ``ingestion.revenium.paged_tables``).
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as TransportError

try:  # orjson comes with dlt (on CPython); it decodes large pages ~1.4x faster than the json module
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - dlt always brings it here
    _fast_loads = json.loads

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults suit a scheduled load; tests shrink the delays."""

    max_attempts: int = 6
    backoff_base_s: float = 0.5
    backoff_max_s: float = 60.0
    timeout_s: float = 60.0
    jitter: float = 0.1

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            max_attempts=int(os.environ.get("AIECON_HTTP_MAX_ATTEMPTS", cls.max_attempts)),
            backoff_base_s=float(os.environ.get("AIECON_HTTP_BACKOFF_BASE_S", cls.backoff_base_s)),
            backoff_max_s=float(os.environ.get("AIECON_HTTP_BACKOFF_MAX_S", cls.backoff_max_s)),
            timeout_s=float(os.environ.get("AIECON_HTTP_TIMEOUT_S", cls.timeout_s)),
        )

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1)."""
        backoff = min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1))
        backoff *= 1 + random.uniform(0, self.jitter)
        return max(backoff, retry_after or 0.0)


class VendorAPIError(RuntimeError):
    """A vendor call that failed for good; the message says which call and what the vendor said."""

    def __init__(self, vendor: str, method: str, url: str, status: int | None, detail: str, attempts: int):
        self.vendor, self.status, self.attempts = vendor, status, attempts
        where = f"{method} {_redact_url(url)}"
        status_txt = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{vendor}: {where} failed after {attempts} attempt(s): {status_txt}: {detail}")


def _redact_url(url: str) -> str:
    """Scheme, host and path only: query strings can carry ids we would rather not spread into logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _retry_after_seconds(response: urllib3.BaseHTTPResponse) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        # An HTTP-date is allowed too; we do not trust clocks across hosts, so fall back to one second.
        return 1.0


def decode_json(content: bytes) -> Any:
    """A response body as JSON: orjson first, the json module for what orjson refuses but JSON-in-Python
    allows (NaN, integers beyond 64 bits), so the accepted documents and their values stay the same.
    Raises ValueError when neither can read it (e.g. a truncated body)."""
    try:
        return _fast_loads(content)
    except ValueError:
        return json.loads(content)


def _vendor_error_text(response: urllib3.BaseHTTPResponse) -> str:
    """The vendor's own error message, from whichever of the known error body shapes it used."""
    content = response.data or b""
    text = content[:500].decode("utf-8", errors="replace")
    try:
        body = json.loads(content)
    except ValueError:
        return text.strip() or response.reason or ""
    if isinstance(body, dict):
        for key in ("error", "message", "details", "errors"):
            if body.get(key):
                value = body[key]
                return value if isinstance(value, str) else json.dumps(value)[:500]
    return text


def _query(params: Mapping[str, Any] | None) -> str:
    """The query string as requests built it: None values left out, a list as repeated keys."""
    if not params:
        return ""
    pairs = [(k, v) for k, v in params.items() if v is not None]
    return urlencode(pairs, doseq=True)


class VendorClient:
    """A JSON-over-HTTP client for one vendor host."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth_headers: Mapping[str, str],
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy.from_env()
        self._sleep = sleep
        # maxsize: one kept-alive connection per concurrent page fetcher (paging.iter_pages). urllib3 retries
        # nothing itself (the policy above does) but follows redirects, as requests did.
        transport_retries = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5)
        self._pool = urllib3.PoolManager(maxsize=16, retries=transport_retries)
        self._headers = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate", **auth_headers}
        self.requests_made = 0
        self.retries = 0

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> VendorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def get_bytes(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        """GET, retrying like ``request``, and return the body undecoded (it is not checked to be JSON:
        the caller decodes it and asks again through ``get`` when it cannot)."""
        return self._send("GET", path, params, None, decode=False)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        return self.request("POST", path, json_body=body)

    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one request, retrying transient faults; return the decoded JSON body."""
        return self._send(method, path, params, json_body, decode=True)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json_body: Mapping[str, Any] | None,
        decode: bool,
    ) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        query = _query(params)
        target = f"{url}?{query}" if query else url
        headers = dict(self._headers)
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        timeout = urllib3.Timeout(connect=self.policy.timeout_s, read=self.policy.timeout_s)
        attempt = 0
        while True:
            attempt += 1
            self.requests_made += 1
            status: int | None = None
            retry_after: float | None = None
            try:
                response = self._pool.request(
                    method, target, body=body, headers=headers, timeout=timeout, preload_content=True
                )
                status = response.status
                if status < 400:
                    if not decode:
                        return response.data
                    try:
                        return decode_json(response.data)
                    except ValueError:
                        detail = f"response body is not valid JSON ({len(response.data)} bytes)"
                        retryable = True
                else:
                    detail = _vendor_error_text(response)
                    retryable = status in RETRYABLE_STATUSES
                    retry_after = _retry_after_seconds(response)
            except TransportError as exc:
                # a refused or reset connection, a timeout, a body cut short (urllib3 raises on fewer bytes
                # than Content-Length)
                detail, retryable = f"{type(exc).__name__}", True

            if not retryable or attempt >= self.policy.max_attempts:
                raise VendorAPIError(self.vendor, method, url, status, detail, attempt)
            wait = self.policy.delay(attempt, retry_after)
            self.retries += 1
            log.warning(
                "%s: %s %s -> %s (%s); retry %d/%d in %.2fs",
                self.vendor,
                method,
                _redact_url(url),
                status or "no response",
                detail[:200],
                attempt,
                self.policy.max_attempts - 1,
                wait,
            )
            self._sleep(wait)
