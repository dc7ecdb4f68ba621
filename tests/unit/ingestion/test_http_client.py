"""The shared HTTP layer against a scripted stub server on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingestion.core.http_client import RetryPolicy, VendorAPIError, VendorClient

FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=2)


class Script:
    """Responses to hand out in order: (status, headers, body bytes)."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.seen_headers = []


@pytest.fixture
def stub():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            script.seen_headers.append(dict(self.headers))
            status, headers, body = script.responses.pop(0) if script.responses else (200, {}, b"{}")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def ok(payload):
    return (200, {"Content-Type": "application/json"}, json.dumps(payload).encode())


def test_429_waits_at_least_retry_after(stub):
    script, url = stub
    script.responses = [(429, {"Retry-After": "1"}, b'{"error":"Rate limit exceeded"}'), ok({"n": 1})]
    client = VendorClient("revenium", url, {"x-api-key": "k"}, FAST)
    started = time.monotonic()
    assert client.get("/x") == {"n": 1}
    assert time.monotonic() - started >= 1.0
    assert client.retries == 1


def test_backoff_delays_honour_retry_after_as_a_floor(stub):
    script, url = stub
    script.responses = [(429, {"Retry-After": "7"}, b""), (503, {}, b"busy"), ok([])]
    waits = []
    client = VendorClient("revenium", url, {}, FAST, sleep=waits.append)
    assert client.get("/x") == []
    assert waits[0] >= 7 and waits[1] < 1


def test_5xx_and_truncated_json_are_retried(stub):
    script, url = stub
    script.responses = [
        (500, {}, b'{"data":null,"error":"boom"}'),
        (200, {}, b'{"data": [1, 2'),
        ok({"ok": True}),
    ]
    client = VendorClient("helicone", url, {}, FAST, sleep=lambda s: None)
    assert client.get("/x") == {"ok": True}
    assert client.requests_made == 3


def test_client_errors_fail_at_once_with_the_vendor_message_and_no_key(stub):
    script, url = stub
    script.responses = [(400, {}, b'{"details":{"error":"Expected ISO 8601 format"}}')]
    client = VendorClient("revenium", url, {"x-api-key": "super-secret-key"}, FAST, sleep=lambda s: None)
    with pytest.raises(VendorAPIError) as err:
        client.get("/metrics", params={"teamId": "tm1"})
    message = str(err.value)
    assert "HTTP 400" in message and "Expected ISO 8601 format" in message and "revenium" in message
    assert "super-secret-key" not in message and "teamId" not in message
    assert client.requests_made == 1
    assert script.seen_headers[0]["x-api-key"] == "super-secret-key"


def test_persistent_faults_give_up_after_max_attempts(stub):
    script, url = stub
    script.responses = [(503, {}, b"down")] * 4
    client = VendorClient("orq", url, {}, FAST, sleep=lambda s: None)
    with pytest.raises(VendorAPIError, match="after 4 attempt"):
        client.get("/x")


def test_a_redirect_is_followed(stub):
    script, url = stub
    script.responses = [(302, {"Location": f"{url}/moved"}, b""), ok({"n": 2})]
    client = VendorClient("revenium", url, {}, FAST, sleep=lambda s: None)
    assert client.get("/x") == {"n": 2}
    assert client.retries == 0
