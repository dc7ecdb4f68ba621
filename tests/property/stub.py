"""A local stub of the vendors' HTTP APIs for the property-based tests.

One threaded HTTP server on 127.0.0.1, started per test module. Each Hypothesis example installs a
``responder``: a function of the request (method, path, query, JSON body) returning a ``Reply``. The
stub knows nothing about any vendor; the test modules build responders from responses generated from the
vendors' own schemas (``tests/property/schemas.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]  # the last value of each parameter
    body: Any  # the decoded JSON body of a POST, else None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless ``raw`` is given
    raw: bytes | None = None
    ensure_ascii: bool = True
    # Announce more bytes than are sent: the client sees a body cut short (a transport fault).
    truncate: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, ensure_ascii=self.ensure_ascii).encode("utf-8", "surrogatepass")


Responder = Callable[[Request], Reply]


def _not_found(request: Request) -> Reply:
    return Reply(404, {"error": f"stub: no route for {request.method} {request.path}"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the vendors' hosts

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _serve(self, method: str) -> None:
        stub: StubServer = self.server.stub  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        body = json.loads(data) if data else None
        request = Request(method, parts.path, query, body)
        try:
            reply = stub.respond(request)
        except Exception as exc:  # a bug in a responder: make it loud, never a silent empty page
            stub.errors.append(exc)
            reply = Reply(599, {"error": f"stub responder failed: {exc!r}"})
        payload = reply.payload()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload) + (64 if reply.truncate else 0)))
        if reply.truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        if reply.truncate:
            self.wfile.flush()
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


class StubServer:
    """``with StubServer() as stub: stub.responder = ...; stub.base_url``"""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.stub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="property-stub", daemon=True)
        self._lock = threading.Lock()
        self.responder: Responder = _not_found
        self.requests: list[Request] = []
        self.errors: list[Exception] = []

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def respond(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        return self.responder(request)

    def reset(self, responder: Responder) -> None:
        with self._lock:
            self.responder = responder
            self.requests = []
            self.errors = []

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
