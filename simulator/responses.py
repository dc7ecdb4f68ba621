"""The HTTP request and response values the vendor faces work with (no sockets here).

Faces are plain functions from a ``Request`` to a ``Response``, so they can be tested and reasoned about
without a server; ``server.py`` does the socket work. JSON is encoded compactly, with keys in insertion
order, so the same data always gives the same bytes. orjson encodes (about 8x faster than the json module
on a page of completions, which matters to the benchmark's serving rate); what it refuses (integers beyond
64 bits, non-string keys) goes through the json module. ``orjson.Fragment`` embeds JSON already encoded
(a face's cache of rendered records).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs

import orjson


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # the vendor's own path (after the simulator prefix), without the query string
    query_string: str
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes
    base_url: str  # scheme://host[:port] + prefix, as the client addressed us (for HAL links)

    @cached_property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def bearer_token(self) -> str | None:
        value = self.header("authorization")
        if value is None:
            return None
        scheme, _, token = value.strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is missing or malformed."""
        if not self.body:
            raise ValueError("request body is empty")
        return json.loads(self.body)


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"
    trickle_s: float = 0.0  # > 0: the server sends the body one byte every trickle_s seconds (a fault)


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON; a NaN or infinity raises ValueError (no vendor sends them; orjson would write
    null)."""
    try:
        body = orjson.dumps(payload)
    except TypeError:
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    if b"null" in body and _has_non_finite(payload):
        raise ValueError("Out of range float values are not JSON compliant")
    return body


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Mapping):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(v) for v in value)
    return False


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, encode_json(payload), list(headers or []))
