"""The HTTP layer's hardening against the simulator's transport faults (``trickle_s``, ``redirect``) and a
bad key: a trickled page is cut by the deadline and asked again (the day still complete), a redirect to
another host never receives the key, and a failed load says which setting to check."""

import json

import pytest

from ingestion.core.http_client import RetryPolicy, VendorAPIError, VendorClient
from ingestion.revenium import agentic, iter_completion_pages
from simulator.faults import FaultRule
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window
from tests.unit.ingestion.local_http import serve


def test_a_trickled_page_hits_the_deadline_is_asked_again_and_the_day_is_complete(simulator, sim_keys, world):
    # a byte every 50 ms: each read is well within the 1 s read timeout, the page would take over an hour
    simulator.add_fault(FaultRule("revenium", path_contains="/completions", trickle_s=0.05, times=1))
    policy = RetryPolicy(max_attempts=3, backoff_base_s=0.05, backoff_max_s=0.1, timeout_s=1, deadline_s=1.5)
    try:
        with VendorClient(
            "revenium", simulator.urls["revenium"], {"x-api-key": sim_keys.revenium}, policy
        ) as c:
            n = sum(len(p) for p in iter_completion_pages(c, "tmAcme01", day_window(DAY_1)))
            assert c.retries == 1
    finally:
        simulator.clear_faults()
    assert n == len(world.calls(DAY_1))


def test_a_redirect_to_another_host_never_receives_the_key(simulator, sim_keys):
    types = json.dumps(["from-the-other-host"]).encode()
    with serve(lambda seen, server: (200, {"Content-Type": "application/json"}, types)) as other:
        simulator.add_fault(FaultRule("revenium", path_contains="/jobs/types", redirect=f"{other.url}/types"))
        try:
            with VendorClient(
                "revenium",
                simulator.urls["revenium"],
                {"x-api-key": sim_keys.revenium},
                RetryPolicy(max_attempts=1),
            ) as client:
                assert agentic.job_types(client, "tmAcme01") == ["from-the-other-host"]
        finally:
            simulator.clear_faults()
    (seen,) = other.seen
    assert sim_keys.revenium not in json.dumps(seen.headers)
    assert "x-api-key" not in {k.lower() for k in seen.headers}


def test_a_bad_key_fails_the_load_naming_the_setting_to_check(simulator, sim_keys, tmp_path, monkeypatch):
    monkeypatch.setenv("HELICONE_API_KEY", "not-the-key")
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "1")
    from ingestion.helicone import helicone_source

    window = day_window(DAY_1)
    with pytest.raises(Exception) as err:  # noqa: PT011 - dlt wraps the source's error in its own
        load_source(helicone_source(window.start, window.end), tmp_path / "raw.duckdb")
    cause = err.value
    while cause is not None and not isinstance(cause, VendorAPIError):
        cause = cause.__cause__ or cause.__context__
    assert cause is not None, err.value
    message = str(cause)
    assert "\n" not in message and "not-the-key" not in message
    assert (
        message.startswith("helicone: POST ")
        and "HTTP 401" in message
        and "check HELICONE_API_KEY" in message
    )
