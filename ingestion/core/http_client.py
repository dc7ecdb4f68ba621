"""The one HTTP layer every vendor source uses: auth headers, timeouts, retries with backoff.

Transient faults — HTTP 429 and 5xx, connection errors, timeouts and bodies that are not valid JSON (a
truncated response) — are retried with exponential backoff. A ``Retry-After`` header is a floor: the client
never calls again sooner than the vendor asked. Anything else, or a fault that outlasts the attempts, raises
``VendorAPIError``: one line naming the vendor, the request (URL without its query), the status (or
timeout / unreachable), the vendor's own error text (short) and the setting to check.

Time. ``AIECON_HTTP_TIMEOUT_S`` bounds each wait on the socket (connect, each read); ``AIECON_HTTP_DEADLINE_S``
(default 300 s, never less than the per-read timeout) bounds one attempt as a whole — connect, headers
and all of the body, redirects included — so that a body trickled a byte at a time cannot hold a load
for ever. The body is read in pieces with the socket's timeout lowered to what is left of the deadline;
passing the deadline is a retryable timeout like the others, and the final error says the deadline was
hit. (The status line and headers are read by urllib3 under the per-read timeout, capped at what is left
of the deadline when the request starts.)

Redirects are followed by this client, not by urllib3, at most ``AIECON_HTTP_MAX_REDIRECTS`` (default 5)
per attempt. Vendor credentials never leave the vendor's host: on a redirect to another origin (scheme,
host or port differing from the configured base URL) every header the client was configured with — all
auth headers, whatever their names (``Authorization``, ``x-api-key``, ...) — is dropped, and only
``Accept``/``Accept-Encoding`` are sent; a redirect back to the base URL's origin carries them again.
303 (and 301/302 after a POST) turns the request into a GET without a body, as browsers and requests do.

Credentials live only in the client's headers; they are never part of a message, a log line or an error
(a vendor error text that echoes the key has it replaced by ``***``).

Path segments built from vendor data (an id in ``/v3/traces/{id}/spans``) go through ``path_segment``:
percent-encoded, so that ``/``, ``?``, ``#`` or ``..`` in an id cannot ask for another path.

The transport is urllib3 (what requests is built on) used directly: on a 128 KB page it costs the client
a third of the CPU requests does (0.27 ms against 0.68 ms here), which is the difference between the HTTP
layer being a bottleneck of a million-record day or not (bench/). ``get_bytes`` hands back a body without
decoding it, for callers that decode many pages at once (e.g. ``ingestion.revenium.paged_tables``).
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import re
import socket
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import urllib3
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, SSLError
from urllib3.exceptions import HTTPError as TransportError
from urllib3.exceptions import TimeoutError as TransportTimeout

from ingestion.core.setting_registry import value

try:  # orjson comes with dlt (on CPython); it decodes large pages ~1.4x faster than the json module
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - dlt always brings it here
    _fast_loads = json.loads

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_CHUNK = 256 * 1024
DETAIL_CHARS = 200  # of the vendor's own error text, in an error message


def path_segment(value: Any) -> str:
    """One URL path segment from vendor data (an id), percent-encoded so that it stays one segment:
    ``/``, ``?``, ``#``, ``%`` and the rest are escaped (``quote(value, safe="")``). An empty id, ``.`` or
    ``..`` cannot be one segment of a path at all: ValueError."""
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"{text!r} cannot be used as a URL path segment (an id from the vendor?)")
    return quote(text, safe="")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults suit a scheduled load; tests shrink the delays."""

    max_attempts: int = 6
    backoff_base_s: float = 0.5
    backoff_max_s: float = 60.0
    timeout_s: float = 60.0
    jitter: float = 0.1
    deadline_s: float = 300.0
    max_redirects: int = 5

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            max_attempts=value("AIECON_HTTP_MAX_ATTEMPTS"),
            backoff_base_s=value("AIECON_HTTP_BACKOFF_BASE_S"),
            backoff_max_s=value("AIECON_HTTP_BACKOFF_MAX_S"),
            timeout_s=value("AIECON_HTTP_TIMEOUT_S"),
            deadline_s=value("AIECON_HTTP_DEADLINE_S"),
            max_redirects=value("AIECON_HTTP_MAX_REDIRECTS"),
        )

    @property
    def attempt_deadline_s(self) -> float:
        """Seconds one attempt may take in all: ``deadline_s``, never less than the per-read timeout."""
        return max(self.deadline_s, self.timeout_s)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1)."""
        backoff = min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1))
        backoff *= 1 + random.uniform(0, self.jitter)
        return max(backoff, retry_after or 0.0)


@dataclass(frozen=True)
class SettingNames:
    """The settings an operator fixes when calls to a vendor fail: its key and its base URL (environment
    variable names, as the vendor's descriptor in ``ingestion/<vendor>/__init__.py`` lists them)."""

    api_key: str | None = None
    base_url: str | None = None


def _advice(status: int | None, outcome: str, settings: SettingNames) -> str:
    """Which setting to check (or what else to do) for a request that failed with ``status``/``outcome``."""
    key = settings.api_key or "the vendor's API key setting"
    url = settings.base_url or "the vendor's base URL setting"
    if status in (401, 403):
        return f"check {key} (rejected by the vendor)"
    if status == 404:
        return f"check {url} (no such endpoint there)"
    if status == 429:
        return "rate-limited: lower the request rate or raise AIECON_HTTP_MAX_ATTEMPTS"
    if status is not None and status >= 500:
        return "the vendor's server failed: retry later (or raise AIECON_HTTP_MAX_ATTEMPTS)"
    if status is not None and 300 <= status < 400:
        return f"check {url} (the vendor redirected the request)"
    if status is not None and status >= 400:
        return "the vendor rejected the request (has its API changed?)"
    if outcome in ("timeout", "deadline exceeded"):
        return f"check {url}, or raise AIECON_HTTP_TIMEOUT_S / AIECON_HTTP_DEADLINE_S"
    return f"check {url}"


class VendorAPIError(RuntimeError):
    """A vendor call that failed for good. ``str()`` is one line: vendor, request (no query string),
    status or outcome, attempts, the vendor's own text (short) and the setting to check."""

    def __init__(
        self,
        vendor: str,
        method: str,
        url: str,
        status: int | None,
        detail: str,
        attempts: int,
        outcome: str | None = None,
        settings: SettingNames | None = None,
    ):
        self.vendor, self.status, self.attempts = vendor, status, attempts
        self.endpoint = redact_url(url)
        self.outcome = outcome or (f"HTTP {status}" if status is not None else "no response")
        self.advice = _advice(status, self.outcome, settings or SettingNames())
        self.detail = _one_line(detail)
        where = f"{method} {self.endpoint}"
        status_txt = f"HTTP {status}" if status is not None else self.outcome
        text = f": {self.detail}" if self.detail else ""
        super().__init__(
            f"{vendor}: {where} failed after {attempts} attempt(s): {status_txt}{text} — {self.advice}"
        )


def _one_line(text: str, limit: int = DETAIL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact_url(url: str) -> str:
    """Scheme, host and path only: query strings can carry ids we would rather not spread into logs, and
    a user:password in the authority is left out too."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def _retry_after_seconds(response: urllib3.BaseHTTPResponse) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        # An HTTP-date is allowed too; we do not trust clocks across hosts, so fall back to one second.
        return 1.0


# An integer literal of 19 or more digits: orjson reads one outside [-2**63, 2**64) as a float (silently), so
# a body holding one is read by the json module, which keeps every integer exact.
_WIDE_INTEGER = re.compile(rb"(?<![\d.])\d{19,}(?![\d.eE])")


def decode_json(content: bytes) -> Any:
    """A response body as JSON: orjson first, the json module for what orjson refuses or would change but
    JSON-in-Python reads exactly (NaN, integers beyond 64 bits), so the accepted documents and their values
    stay the same. Raises ValueError when neither can read it (e.g. a truncated body)."""
    if _WIDE_INTEGER.search(content):
        return json.loads(content)
    try:
        return _fast_loads(content)
    except ValueError:
        return json.loads(content)


def _vendor_error_text(content: bytes, reason: str | None) -> str:
    """The vendor's own error message, from whichever of the known error body shapes it used."""
    text = content[:500].decode("utf-8", errors="replace")
    try:
        body = json.loads(content)
    except ValueError:
        return text.strip() or reason or ""
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


def _decoded(data: bytes, encoding: str) -> bytes:
    """A body as the server meant it, undoing the ``Content-Encoding`` we asked for (gzip, deflate)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(data)
    if encoding == "deflate":
        try:
            return zlib.decompress(data)
        except zlib.error:  # raw deflate, as some servers send it
            return zlib.decompress(data, -zlib.MAX_WBITS)
    return data


def _socket_of(response: Any) -> socket.socket | None:
    """The socket a response body is read from, to lower its timeout to the deadline (None if hidden)."""
    try:
        return response._fp.fp.raw._sock  # http.client response -> BufferedReader -> SocketIO
    except AttributeError:
        conn = getattr(response, "connection", None)
        return getattr(conn, "sock", None)


class _DeadlineExceeded(Exception):
    pass


@dataclass
class _Attempt:
    """What one attempt came to."""

    status: int | None = None
    data: bytes = b""
    detail: str = ""
    outcome: str = ""
    retryable: bool = False
    retry_after: float | None = None
    ok: bool = False
    url: str = ""  # where it ended (after redirects)


class VendorClient:
    """A JSON-over-HTTP client for one vendor host.

    ``settings`` names the environment variables an operator checks when calls fail (in the final error);
    ``progress`` (an ``ingestion.core.paging.Progress``) is what the page walks of one resource report to.
    """

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth_headers: Mapping[str, str],
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        settings: SettingNames | None = None,
        progress: Any = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy.from_env()
        self.settings = settings or SettingNames()
        self.progress = progress
        self._sleep = sleep
        self._origin = _origin(self.base_url)
        # maxsize: one kept-alive connection per concurrent page fetcher (paging.prefetched). urllib3 neither
        # retries nor follows redirects: the policy above retries, and _attempt follows redirects itself.
        self._pool = urllib3.PoolManager(maxsize=16, retries=False)
        self._plain_headers = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
        self._headers = {**self._plain_headers, **auth_headers}
        # What must never appear in an error: each header value, and the token of ``Bearer <token>``.
        values = [v for v in auth_headers.values() if v]
        tokens = [v.split(" ", 1)[1] for v in values if " " in v]
        self._secrets = {s for s in (*values, *tokens) if len(s) >= 4}
        self.requests_made = 0
        self.retries = 0

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> VendorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        if self.progress is not None and exc[0] is None:
            self.progress.finish()

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

    def _redacted(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

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
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
        attempt = 0
        while True:
            attempt += 1
            self.requests_made += 1
            result = self._attempt(method, target, body)
            if result.ok:
                if not decode:
                    return result.data
                try:
                    return decode_json(result.data)
                except ValueError:
                    result.detail = f"response body is not valid JSON ({len(result.data)} bytes)"
                    result.outcome, result.retryable = "not JSON", True

            if not result.retryable or attempt >= self.policy.max_attempts:
                raise VendorAPIError(
                    self.vendor,
                    method,
                    url,
                    result.status,
                    self._redacted(result.detail),
                    attempt,
                    outcome=result.outcome,
                    settings=self.settings,
                )
            wait = self.policy.delay(attempt, result.retry_after)
            self.retries += 1
            log.warning(
                "%s: %s %s -> %s (%s); retry %d/%d in %.2fs",
                self.vendor,
                method,
                redact_url(url),
                result.status or result.outcome,
                _one_line(self._redacted(result.detail)),
                attempt,
                self.policy.max_attempts - 1,
                wait,
            )
            self._sleep(wait)

    def _hop_headers(self, url: str, with_body: bool) -> dict[str, str]:
        """The configured headers on the base URL's origin; only the plain ones anywhere else."""
        headers = dict(self._headers if _origin(url) == self._origin else self._plain_headers)
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _attempt(self, method: str, target: str, body: bytes | None) -> _Attempt:
        """One attempt: the request and any redirects, all within the policy's deadline."""
        deadline_s = self.policy.attempt_deadline_s
        deadline = time.monotonic() + deadline_s
        url = target
        try:
            for _hop in range(self.policy.max_redirects + 1):
                response = self._open(method, url, body, deadline)
                try:
                    status = response.status
                    location = response.headers.get("Location")
                    if status in REDIRECT_STATUSES and location:
                        self._read_raw(response, deadline)  # drained within the deadline
                        url = urljoin(url, location)
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, body = "GET", None
                        continue
                    data = _decoded(
                        self._read_raw(response, deadline), response.headers.get("Content-Encoding", "")
                    )
                finally:
                    response.release_conn()
                if status < 400:
                    return _Attempt(status=status, data=data, ok=True, url=url)
                return _Attempt(
                    status=status,
                    detail=_vendor_error_text(data, response.reason),
                    outcome=f"HTTP {status}",
                    retryable=status in RETRYABLE_STATUSES,
                    retry_after=_retry_after_seconds(response),
                    url=url,
                )
            return _Attempt(
                status=status,
                detail=f"more than {self.policy.max_redirects} redirects (AIECON_HTTP_MAX_REDIRECTS)",
                outcome="too many redirects",
                url=url,
            )
        except _DeadlineExceeded:
            return self._deadline_hit(deadline_s, url)
        except NewConnectionError as exc:  # before the timeouts: urllib3 makes it a ConnectTimeoutError
            reason = str(getattr(exc, "reason", "") or exc).split(": ", 1)[-1]
            return _Attempt(
                detail=f"cannot connect: {reason}", outcome="unreachable", retryable=True, url=url
            )
        except (TimeoutError, TransportTimeout) as exc:
            if time.monotonic() >= deadline - 0.01:
                return self._deadline_hit(deadline_s, url)
            kind = "connect" if isinstance(exc, ConnectTimeoutError) else "read"
            detail = f"timed out ({kind}; AIECON_HTTP_TIMEOUT_S={self.policy.timeout_s:g})"
            return _Attempt(detail=detail, outcome="timeout", retryable=True, url=url)
        except SSLError as exc:
            return _Attempt(detail=f"TLS error: {exc}", outcome="unreachable", retryable=True, url=url)
        except TransportError as exc:
            # a reset connection, a body cut short (urllib3 raises on fewer bytes than Content-Length)
            return _Attempt(
                detail=f"{type(exc).__name__}: {exc}", outcome="connection broken", retryable=True, url=url
            )
        except (OSError, zlib.error, EOFError) as exc:  # a compressed body cut short, a socket error
            detail = f"{type(exc).__name__}: {exc}"
            return _Attempt(detail=detail, outcome="connection broken", retryable=True, url=url)

    def _deadline_hit(self, deadline_s: float, url: str) -> _Attempt:
        detail = f"deadline of {deadline_s:g}s for the whole request exceeded (AIECON_HTTP_DEADLINE_S)"
        return _Attempt(detail=detail, outcome="deadline exceeded", retryable=True, url=url)

    def _open(self, method: str, url: str, body: bytes | None, deadline: float) -> urllib3.BaseHTTPResponse:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineExceeded
        wait = min(self.policy.timeout_s, remaining)
        return self._pool.request(
            method,
            url,
            body=body,
            headers=self._hop_headers(url, body is not None),
            timeout=urllib3.Timeout(connect=wait, read=wait),
            preload_content=False,
            decode_content=False,
            redirect=False,
            retries=False,
        )

    def _read_raw(self, response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
        """All of the body as sent, each read waiting at most the per-read timeout or what is left of the
        deadline, whichever is less."""
        sock = _socket_of(response)
        chunks: list[bytes] = []
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _DeadlineExceeded
                if sock is not None and remaining < self.policy.timeout_s:
                    # urllib3 set the per-read timeout; near the deadline, what is left of it is less
                    try:
                        sock.settimeout(remaining)
                    except OSError:  # closed once the whole body was read (Connection: close)
                        sock = None
                chunk = response.read1(READ_CHUNK, decode_content=False)
                if not chunk:
                    break
                chunks.append(chunk)
        except BaseException:
            response.close()  # never hand a half-read connection back to the pool
            raise
        return b"".join(chunks)
