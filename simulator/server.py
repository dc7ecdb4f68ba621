"""The simulator's HTTP server: one ``ThreadingHTTPServer`` in a daemon thread, four vendor faces.

Everything after a prefix is the vendor's real path, so a client switches between the simulator and the
vendor by base URL alone:

=====================  ==========================  ===========================
prefix                 face                        real host
=====================  ==========================  ===========================
``/revenium``          Revenium platform           https://api.revenium.ai
``/revenium-app``      Revenium analytics          https://app.revenium.ai
``/helicone``          Helicone                    https://api.helicone.ai
``/orq``               orq.ai                      https://my.orq.ai
``/_sim``              control: health, faults     (simulator only, no auth)
=====================  ==========================  ===========================

Control endpoints: ``GET /_sim/health`` -> ``{"status": "ok"}``; ``GET /_sim/faults`` lists active fault
rules; ``POST /_sim/faults`` adds rules (a JSON list of ``FaultRule`` objects, or one object);
``DELETE /_sim/faults`` clears them; ``GET /_sim/world`` describes the world being served.

Which calls exist is decided by ``clock()`` (default: the real UTC time): calls requested after it are not
served and not counted, so today is partial and grows as the clock moves.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from simulator.faults import FaultInjector, FaultRule, truncated
from simulator.helicone import api as helicone_api
from simulator.orq import api as orq_api
from simulator.ratelimit import FixedWindowLimiter, scaled
from simulator.responses import Request, Response, json_response
from simulator.revenium import api as revenium_api
from simulator.revenium.options import ReveniumOptions
from simulator.revenium.paging import error_response as revenium_error_response
from simulator.timefmt import now_ms
from simulator.world import World

log = logging.getLogger(__name__)

# Longest prefix first: "/revenium-app" must not be taken for "/revenium".
PREFIXES: tuple[tuple[str, str], ...] = (
    ("/revenium-app", "revenium_analytics"),
    ("/revenium", "revenium"),
    ("/helicone", "helicone"),
    ("/orq", "orq"),
)
ERROR_BODIES: dict[str, Callable[[int, str], Response]] = {
    "revenium": revenium_error_response,
    "revenium_analytics": revenium_error_response,
    "helicone": helicone_api.error_response,
    "orq": orq_api.error_response,
}
ENV_KEYS = {"revenium": "REVENIUM_API_KEY", "helicone": "HELICONE_API_KEY", "orq": "ORQ_API_KEY"}


class MissingKeyError(RuntimeError):
    pass


@dataclass(frozen=True)
class SimKeys:
    """The API key each vendor face accepts. There are no default keys: they come from the caller."""

    revenium: str
    helicone: str
    orq: str

    def __post_init__(self) -> None:
        for vendor in ENV_KEYS:
            if not getattr(self, vendor):
                raise MissingKeyError(f"the {vendor} key must not be empty")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SimKeys:
        """Keys from REVENIUM_API_KEY, HELICONE_API_KEY and ORQ_API_KEY (all three required)."""
        env = os.environ if environ is None else environ
        missing = [name for name in ENV_KEYS.values() if not env.get(name)]
        if missing:
            raise MissingKeyError(f"set {', '.join(missing)} to the keys the simulator should accept")
        return cls(**{vendor: env[name] for vendor, name in ENV_KEYS.items()})

    def __repr__(self) -> str:  # keys never reach a log line
        return "SimKeys(revenium=***, helicone=***, orq=***)"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SimulatorServer:
    """Serves one ``World`` as Revenium, Helicone and orq.ai on a local port.

    ``with SimulatorServer(world, keys) as sim: requests.get(sim.urls["revenium"] + ...)``. Port 0 picks
    a free port. ``rate_limits=False`` turns the vendors' rate limits off; ``rate_limit_scale`` scales
    them (0.01 makes Revenium allow 1 request/s per bucket and Helicone 2/minute, for tests).
    """

    def __init__(
        self,
        world: World,
        keys: SimKeys,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: bool = True,
        rate_limit_scale: float = 1.0,
        clock: Callable[[], datetime] | None = None,
        revenium_options: ReveniumOptions | None = None,
    ) -> None:
        self.world = world
        self.host = host
        self.requested_port = port
        self.clock = clock or _utc_now
        self.faults = FaultInjector()
        cutoff = self.cutoff_ms
        limits = revenium_api.ReveniumLimits(
            analytics=FixedWindowLimiter(scaled(revenium_api.ANALYTICS_RATE, rate_limit_scale), 1.0)
            if rate_limits
            else None,
            platform=FixedWindowLimiter(scaled(revenium_api.PLATFORM_RATE, rate_limit_scale), 1.0)
            if rate_limits
            else None,
        )
        helicone_limiter = (
            FixedWindowLimiter(scaled(helicone_api.RATE_PER_MINUTE, rate_limit_scale), 60.0)
            if rate_limits
            else None
        )
        self.faces: dict[str, Any] = {
            "revenium": revenium_api.ReveniumPlatform(world, keys.revenium, cutoff, limits, revenium_options),
            "revenium_analytics": revenium_api.ReveniumAnalytics(world, keys.revenium, cutoff, limits),
            "helicone": helicone_api.Helicone(world, keys.helicone, cutoff, helicone_limiter),
            "orq": orq_api.Orq(world, keys.orq, cutoff),
        }
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> SimulatorServer:
        if self._httpd is not None:
            return self
        httpd = ThreadingHTTPServer((self.host, self.requested_port), _Handler)
        httpd.daemon_threads = True
        httpd.simulator = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="simulator-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd, self._thread = None, None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the simulator is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        base = self.base_url
        return {
            "revenium": base + "/revenium",
            "revenium_analytics": base + "/revenium-app",
            "helicone": base + "/helicone",
            "orq": base + "/orq",
        }

    # -- faults ---------------------------------------------------------------------------------------
    def add_fault(self, rule: FaultRule) -> None:
        self.faults.add(rule)

    def clear_faults(self) -> None:
        self.faults.clear()

    def cutoff_ms(self) -> int:
        """Calls requested at or before this millisecond are visible."""
        return now_ms(self.clock())

    # -- dispatch (no sockets: the handler below only moves bytes) ------------------------------------
    def dispatch(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, host: str
    ) -> Response:
        path, _, query = target.partition("?")
        if path == "/_sim" or path.startswith("/_sim/"):
            return self._control(method, path, body)
        match = next(((p, v) for p, v in PREFIXES if path == p or path.startswith(p + "/")), None)
        if match is None:
            return json_response(
                404, {"error": f"no vendor at {path}; use one of {[p for p, _ in PREFIXES]}"}
            )
        prefix, vendor = match
        vendor_path = path[len(prefix) :] or "/"
        req = Request(
            method=method,
            path=vendor_path,
            query_string=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
            base_url=f"http://{host}{prefix}",
        )
        rule = self.faults.take(vendor, vendor_path + ("?" + query if query else ""))
        if rule is None:
            return self.faces[vendor].handle(req)
        if rule.delay_s:
            time.sleep(rule.delay_s)
        if rule.redirect is not None:
            status = rule.status or 302
            response = Response(status, b"", [("Location", rule.redirect)], content_type="text/plain")
        elif rule.status is not None:
            response = ERROR_BODIES[vendor](rule.status, _reason(rule.status))
            if rule.retry_after is not None:
                response.headers.append(("Retry-After", str(rule.retry_after)))
            if vendor.startswith("revenium") and rule.status == 429:
                response.headers.append(("X-RateLimit-Limited-Reason", "bucket-rate"))
        else:
            response = self.faces[vendor].handle(req)
            if rule.changes_records and 200 <= response.status < 300:
                response.body = rule.change_records(response.body)
        if rule.truncate:
            response.body = truncated(response.body)
        response.trickle_s = rule.trickle_s
        return response

    def _control(self, method: str, path: str, body: bytes) -> Response:
        path = path.rstrip("/")
        if path == "/_sim/health" and method == "GET":
            return json_response(200, {"status": "ok"})
        if path == "/_sim/world" and method == "GET":
            w = self.world
            return json_response(
                200,
                {
                    "seed": w.seed,
                    "calls_per_day": w.calls_per_day,
                    "team_ids": list(w.team_ids),
                    "start_day": w.start_day.isoformat(),
                    "helicone_products": list(w.helicone_products),
                    "orq_organizations": list(w.orq_organizations),
                },
            )
        if path == "/_sim/faults":
            if method == "GET":
                return json_response(200, {"faults": self.faults.active()})
            if method == "DELETE":
                self.faults.clear()
                return json_response(200, {"faults": []})
            if method == "POST":
                try:
                    payload = json.loads(body or b"null")
                    items = payload if isinstance(payload, list) else [payload]
                    rules = [FaultRule.from_dict(item) for item in items]
                except (ValueError, TypeError) as exc:
                    return json_response(400, {"error": f"invalid fault rules: {exc}"})
                self.faults.add(rules)
                return json_response(200, {"faults": self.faults.active()})
            return json_response(405, {"error": f"{method} not allowed on {path}"})
        return json_response(404, {"error": f"no control endpoint at {path}"})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection for a whole paged read
    # Headers and body go out as two writes: with Nagle on, a keep-alive client waits ~40 ms (delayed ACK)
    # for the body of every small response. Many small requests (orq's spans, one per trace) need it off.
    disable_nagle_algorithm = True
    server_version = "AIEconSimulator/1.0"

    def _serve(self) -> None:
        simulator: SimulatorServer = self.server.simulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        host = self.headers.get("Host") or f"{simulator.host}:{simulator.port}"
        try:
            response = simulator.dispatch(self.command, self.path, dict(self.headers.items()), body, host)
        except Exception:  # a bug must answer 500, not drop the connection and hang the client
            log.exception("simulator error on %s %s", self.command, self.path.partition("?")[0])
            response = json_response(500, {"error": "simulator internal error"})
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if response.trickle_s > 0:
                self._trickle(simulator, response.body, response.trickle_s)
            else:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its timeout fired)
            self.close_connection = True

    def _trickle(self, simulator: SimulatorServer, body: bytes, every_s: float) -> None:
        """The body one byte at a time (the trickle fault); a stopped server stops it mid-body."""
        for i in range(len(body)):
            if simulator._httpd is None:
                self.close_connection = True
                return
            self.wfile.write(body[i : i + 1])
            time.sleep(every_s)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s - %s", self.address_string(), format % args)
