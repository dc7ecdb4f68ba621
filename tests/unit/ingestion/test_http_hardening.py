"""Hardening of the shared HTTP layer, against local servers on 127.0.0.1 only (tests/unit/ingestion/local_http.py):
ids escaped into URL paths, a deadline per request, credentials never sent to another host, redirects
bounded, and a final error that is one actionable line."""

from __future__ import annotations

import importlib
import json
import time

import pytest

from ingestion.core.http_client import RetryPolicy, VendorAPIError, VendorClient
from ingestion.orq.source import trace_spans
from ingestion.revenium import agentic
from ingestion.vendors import VENDORS
from tests.unit.ingestion.local_http import serve

NASTY_ID = "a/b?c=1#d%2F..;e f"
ESCAPED = "a%2Fb%3Fc%3D1%23d%252F..%3Be%20f"


def quick(**overrides) -> RetryPolicy:
    return RetryPolicy(
        **{"max_attempts": 1, "backoff_base_s": 0.01, "backoff_max_s": 0.02, "timeout_s": 2, **overrides}
    )


def ok(payload) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


# -- 1. ids are one path segment ---------------------------------------------------------------------------
def test_path_segment_escapes_everything_that_would_leave_the_segment():
    from ingestion.core.http_client import path_segment

    assert path_segment(NASTY_ID) == ESCAPED
    assert path_segment("tr_01HX") == "tr_01HX"
    for bad in ("", ".", ".."):
        with pytest.raises(ValueError, match="path segment"):
            path_segment(bad)


def test_an_orq_trace_id_is_one_segment_of_the_spans_path():
    empty = {"object": "list", "data": [], "has_more": False}
    with (
        serve(lambda seen, server: ok(empty)) as server,
        VendorClient("orq", server.url, {}, quick()) as client,
    ):
        trace_spans(client, NASTY_ID)
    assert [s.path for s in server.seen] == [f"/v3/traces/{ESCAPED}/spans?limit=1000"]


def test_revenium_job_and_squad_ids_are_one_segment_of_their_paths():
    def answer(seen, server):
        if seen.path.startswith("/profitstream/v2/api/squads?"):
            return ok({"_embedded": {"squads": [{"id": NASTY_ID, "startTime": "2026-03-03T01:00:00Z"}]}})
        return ok({})

    from datetime import UTC, datetime

    from ingestion.core.windows import Window

    window = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))
    with serve(answer) as server, VendorClient("revenium", server.url, {}, quick()) as client:
        agentic.job_roi(client, "tm1", NASTY_ID)
        agentic.job_transactions(client, "tm1", NASTY_ID)
        agentic.job_outcome_history(client, "tm1", NASTY_ID)
        agentic.squad_timeline(client, "tm1", NASTY_ID)
        agentic.squad_executions(client, "tm1", window, "HOUR")
    paths = [s.path.split("?")[0] for s in server.seen]
    assert paths == [
        f"/profitstream/v2/api/jobs/{ESCAPED}/roi",
        f"/profitstream/v2/api/jobs/{ESCAPED}/transactions",
        f"/profitstream/v2/api/jobs/{ESCAPED}/outcome/history",
        f"/profitstream/v2/api/squads/{ESCAPED}/timeline",
        "/profitstream/v2/api/squads",
        f"/profitstream/v2/api/squads/{ESCAPED}",
    ]


# -- 3. a deadline per request -----------------------------------------------------------------------------
def trickle(body: bytes, every_s: float):
    """An answer that sends the headers at once and then the body a byte every ``every_s`` seconds."""

    def write(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        for i in range(len(body)):
            time.sleep(every_s)
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()

    return write


def test_a_trickled_body_hits_the_deadline_and_says_so(monkeypatch):
    body = json.dumps({"data": "x" * 20}).encode()  # 34 bytes: 10 s at a byte every 0.3 s
    for name, value in {"TIMEOUT_S": "1", "DEADLINE_S": "1.5", "MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(f"AIECON_HTTP_{name}", value)
    with serve(lambda seen, server: trickle(body, 0.3)) as server:
        # every read gets a byte well within the 1 s read timeout: only the deadline can end this
        client = VendorClient("helicone", server.url, {}, RetryPolicy.from_env())
        started = time.monotonic()
        with pytest.raises(VendorAPIError) as err:
            client.get("/slow")
        elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 3.0
    assert "deadline" in str(err.value) and "AIECON_HTTP_DEADLINE_S" in str(err.value)
    assert err.value.status is None and err.value.outcome == "deadline exceeded"


def test_the_deadline_is_retried_like_a_timeout_and_never_below_the_read_timeout(monkeypatch):
    body = json.dumps({"n": 1}).encode()
    answers = iter([trickle(body, 0.4), ok({"n": 1})])
    with serve(lambda seen, server: next(answers)) as server:
        client = VendorClient("helicone", server.url, {}, quick(max_attempts=2, timeout_s=1, deadline_s=1))
        assert client.get("/slow") == {"n": 1}
    assert client.retries == 1
    assert RetryPolicy(timeout_s=5, deadline_s=1).attempt_deadline_s == 5
    monkeypatch.setenv("AIECON_HTTP_DEADLINE_S", "42")
    assert RetryPolicy.from_env().deadline_s == 42
    assert RetryPolicy().deadline_s == 300


# -- 4. credentials stay on the vendor's host; redirects are bounded ------------------------------------------
CREDENTIALS = {
    "x-api-key": "rev-secret-1",
    "Authorization": "Bearer tok-secret-2",
    "X-Team-Token": "t-secret-3",
}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_port_carries_none_of_the_configured_headers(status):
    with serve(lambda seen, server: ok({"where": "hostile"})) as hostile:

        def vendor(seen, server):
            if seen.path.startswith("/moved"):
                return ok({"where": "vendor"})
            return status, {"Location": f"{hostile.url}/steal{seen.path}"}, b""

        with serve(vendor) as api, VendorClient("revenium", api.url, CREDENTIALS, quick()) as client:
            assert client.get("/x", {"teamId": "tm1"}) == {"where": "hostile"}
            assert client.post("/y", {"q": 1}) == {"where": "hostile"}
    assert len(hostile.seen) == 2
    for seen in hostile.seen:
        received = {k.lower(): v for k, v in seen.headers.items()}
        assert not {k.lower() for k in CREDENTIALS} & set(received)
        assert not any(secret in json.dumps(received) for secret in CREDENTIALS.values())
        assert received["accept"] == "application/json"
    # the vendor itself got the credentials
    assert api.seen[0].headers["x-api-key"] == "rev-secret-1"


def test_a_redirect_on_the_same_host_keeps_the_credentials():
    def vendor(seen, server):
        if seen.path.startswith("/moved"):
            return ok({"n": 2})
        return 302, {"Location": "/moved"}, b""

    with serve(vendor) as api, VendorClient("revenium", api.url, CREDENTIALS, quick()) as client:
        assert client.get("/x") == {"n": 2}
    assert api.seen[1].headers["x-api-key"] == "rev-secret-1"


def test_redirects_are_bounded(monkeypatch):
    monkeypatch.setenv("AIECON_HTTP_MAX_REDIRECTS", "4")
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "3")
    with serve(lambda seen, server: (302, {"Location": f"/again{len(server.seen)}"}, b"")) as api:
        client = VendorClient("orq", api.url, {}, RetryPolicy.from_env(), sleep=lambda s: None)
        with pytest.raises(VendorAPIError, match="more than 4 redirects") as err:
            client.get("/x")
    assert len(api.seen) == 5  # the request and 4 redirects, once: a redirect loop is not retried
    assert "\n" not in str(err.value)


# -- 5. the final error is one actionable line -------------------------------------------------------------
def settings_of(vendor_name: str, attr: str = "SETTINGS"):
    return getattr(importlib.import_module(f"ingestion.{vendor_name}.source"), attr)


def test_a_401_names_vendor_endpoint_status_and_the_key_setting_without_the_key():
    key = "hc-live-secret-key"
    body = json.dumps({"data": None, "error": f"Invalid API key\n{key} is not\tknown"}).encode()
    with serve(lambda seen, server: (401, {}, body)) as api:
        client = VendorClient(
            "helicone", api.url, {"Authorization": f"Bearer {key}"}, quick(), settings=settings_of("helicone")
        )
        with pytest.raises(VendorAPIError) as err:
            client.post("/v1/request/query-clickhouse", {"offset": 0})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"helicone: POST {api.url}/v1/request/query-clickhouse failed")
    assert "HTTP 401" in message and "Invalid API key" in message and "check HELICONE_API_KEY" in message
    assert key not in message


@pytest.mark.parametrize(
    ("answer", "outcome", "setting"),
    [
        ((404, {}, b"<html>\n<h1>Not Found</h1>\n</html>"), "HTTP 404", "check REVENIUM_BASE_URL"),
        ((503, {}, b'{"message": "maintenance"}'), "HTTP 503", "AIECON_HTTP_MAX_ATTEMPTS"),
        ((200, {}, b"<html>login</html>"), "not JSON", "check REVENIUM_BASE_URL"),
    ],
)
def test_other_failures_name_the_setting_to_check(answer, outcome, setting):
    with serve(lambda seen, server: answer) as api:
        client = VendorClient(
            "revenium",
            api.url,
            {"x-api-key": "k-123456"},
            quick(),
            settings=settings_of("revenium", "PLATFORM_SETTINGS"),
        )
        with pytest.raises(VendorAPIError) as err:
            client.get("/profitstream/v2/api/jobs", {"teamId": "tmSecretTeam"})
    message = str(err.value)
    assert "\n" not in message and "tmSecretTeam" not in message
    assert f"{api.url}/profitstream/v2/api/jobs " in message
    assert err.value.outcome == outcome and setting in message


def test_an_unreachable_host_names_the_base_url_setting():
    with serve(lambda seen, server: ok({})) as api:
        url = api.url  # closed once the block ends: nothing listens there any more
    client = VendorClient(
        "orq", url, {}, quick(max_attempts=2), sleep=lambda s: None, settings=settings_of("orq")
    )
    with pytest.raises(VendorAPIError) as err:
        client.post("/v2/reporting", {})
    message = str(err.value)
    assert "\n" not in message and err.value.outcome == "unreachable"
    assert message.startswith(f"orq: POST {url}/v2/reporting failed after 2 attempt(s): unreachable")
    assert "check ORQ_BASE_URL" in message


def test_a_read_timeout_says_timeout():
    def slow(handler):
        time.sleep(1.5)

    with serve(lambda seen, server: slow) as api:
        client = VendorClient("orq", api.url, {}, quick(timeout_s=0.5), settings=settings_of("orq"))
        with pytest.raises(VendorAPIError) as err:
            client.get("/v3/traces/x/spans")
    assert err.value.outcome == "timeout" and "ORQ_BASE_URL" in str(err.value)


def test_each_source_names_the_settings_its_vendor_descriptor_lists():
    for vendor in VENDORS:
        module = importlib.import_module(f"ingestion.{vendor.name}.source")
        names = [v for v in vars(module).values() if type(v).__name__ == "SettingNames"]
        assert names, vendor.name
        for setting in names:
            assert setting.api_key == vendor.api_key_env
            assert setting.base_url in vendor.simulator_paths
