"""The transport fault switches: ``trickle_s`` (a body one byte at a time) and ``redirect`` (a 3xx)."""

from __future__ import annotations

import socket
import time

import pytest

from simulator.faults import FaultRule

from .conftest import KEYS, bearer, revenium_headers

REPORTING = "/v2/reporting"
JOBS_TYPES = "/profitstream/v2/api/jobs/types"


def test_trickle_sends_the_body_one_byte_at_a_time_so_a_read_timeout_never_fires(sim, http):
    # A 503 from orq: a short body (about 60 bytes), sent one byte every 20 ms.
    sim.add_fault(FaultRule("orq", path_contains=REPORTING, status=503, trickle_s=0.02))
    try:
        started = time.monotonic()
        # a 0.5 s read timeout: every byte arrives well within it, so only the whole response is slow
        r = http.post(sim.urls["orq"] + REPORTING, json={}, headers=bearer(KEYS.orq), timeout=(5, 0.5))
        elapsed = time.monotonic() - started
        assert r.status_code == 503 and r.json()["code"]
        assert elapsed >= 0.02 * (len(r.content) - 1) * 0.9
        assert elapsed >= 0.5  # longer than the read timeout, which never fired
    finally:
        sim.clear_faults()


def test_trickle_bytes_arrive_one_by_one_on_the_socket(sim):
    sim.add_fault(FaultRule("orq", path_contains=REPORTING, status=404, trickle_s=0.1))
    try:
        with socket.create_connection((sim.host, sim.port), timeout=5) as conn:
            conn.sendall(
                f"POST /orq{REPORTING} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                f"Authorization: Bearer {KEYS.orq}\r\n\r\n".encode()
            )
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(1)
            conn.settimeout(0.05)  # less than the trickle: the next byte is not there yet
            first = conn.recv(10)
            assert len(first) == 1
            with pytest.raises(TimeoutError):
                conn.recv(10)
    finally:
        sim.clear_faults()


def test_redirect_answers_a_3xx_with_the_location_and_is_followed(sim, http):
    target = sim.base_url + "/_sim/health"
    sim.add_fault(FaultRule("revenium", path_contains=JOBS_TYPES, redirect=target))
    sim.add_fault(FaultRule("revenium", path_contains=JOBS_TYPES, redirect=target, status=307))
    sim.add_fault(FaultRule("revenium", path_contains=JOBS_TYPES, redirect=target))
    try:
        url = sim.urls["revenium"] + JOBS_TYPES
        params = {"teamId": "tmAcme01"}
        r = http.get(url, params=params, headers=revenium_headers(), allow_redirects=False)
        assert r.status_code == 302 and r.headers["Location"] == target and r.content == b""
        r = http.get(url, params=params, headers=revenium_headers(), allow_redirects=False)
        assert r.status_code == 307 and r.headers["Location"] == target
        followed = http.get(url, params=params, headers=revenium_headers())
        assert followed.status_code == 200 and followed.json() == {"status": "ok"}
        assert [h.status_code for h in followed.history] == [302]
        assert http.get(url, params=params, headers=revenium_headers()).status_code == 200  # rules used up
    finally:
        sim.clear_faults()


def test_the_new_switches_go_through_the_control_endpoint(sim, http):
    try:
        rules = [
            {"vendor": "helicone", "trickle_s": 0.5},
            {"vendor": "orq", "redirect": "https://elsewhere/"},
        ]
        r = http.post(sim.base_url + "/_sim/faults", json=rules)
        assert r.status_code == 200
        assert [(f["trickle_s"], f["redirect"]) for f in r.json()["faults"]] == [
            (0.5, None),
            (0.0, "https://elsewhere/"),
        ]
    finally:
        sim.clear_faults()


@pytest.mark.parametrize(
    "bad",
    [
        {"vendor": "orq", "trickle_s": -1},
        {"vendor": "orq", "redirect": ""},
        {"vendor": "orq", "redirect": "https://x/", "status": 500},
        {"vendor": "orq", "redirect": "https://x/", "truncate": True},
        {"vendor": "orq", "redirect": "https://x/", "empty": True},
    ],
)
def test_malformed_transport_rules_are_refused(bad):
    with pytest.raises(ValueError):
        FaultRule.from_dict(bad)
