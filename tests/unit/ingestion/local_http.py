"""A scriptable HTTP server on 127.0.0.1 for the HTTP-layer tests: each request is recorded (method, raw
path, headers, body) and answered by a function of it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str  # as sent on the request line, query included
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    url: str
    port: int
    seen: list[Seen] = field(default_factory=list)


# An answer: (status, headers, body), or a callable that writes the response itself.
Answer = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serve(answer: Callable[[Seen, Server], Answer]) -> Iterator[Server]:
    holder: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(
                self.command, self.path, dict(self.headers), self.rfile.read(length) if length else b""
            )
            server = holder["server"]
            server.seen.append(seen)
            result = answer(seen, server)
            if callable(result):
                with contextlib.suppress(OSError):  # the client gave up (a deadline): nothing more to send
                    result(self)
                return
            status, headers, body = result
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    holder["server"] = Server(f"http://127.0.0.1:{port}", port)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()
