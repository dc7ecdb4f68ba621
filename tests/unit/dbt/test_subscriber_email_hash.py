"""Subscriber e-mails reach the marts hashed by default (macros/subscriber_email.sql, docs/conventions.md).

Hand-made Revenium calls: one with an address in mixed case and padded with spaces, one without an address,
one with a blank one. The expected hash is computed here with hashlib from the address as a person would
normalise it (trimmed, lower case), never by the SQL under test. With the var off, the address passes
through unchanged (the opt-out works and the hash above is not an accident of the data).
"""

from __future__ import annotations

import hashlib

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, utc

pytestmark = pytest.mark.slow

DAY = "2024-03-01"
PADDED = "  Ann.Smith@ACME.test "


def _call(id_: str, at: str, email: str | None) -> dict:
    return {
        "team_id": "team-1",
        "id": id_,
        "metric_type": "COMPLETION",
        "request_time": utc(DAY, at),
        "provider": "OPENAI",
        "model": "gpt-4o",
        "total_cost": 0.5,
        "subscriber_email": email,
    }


def _build(tmp_path, name: str, vars: dict | None = None) -> dict[str, str | None]:
    work = tmp_path / name
    work.mkdir()
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [_call("r1", "09:00", PADDED), _call("r2", "10:00", None), _call("r3", "11:00", "   ")],
    )
    run_dbt(wh, work, "build", "--select", "+cost_by_user_daily", vars=vars)
    calls = dict(query(wh, "select vendor_call_id, subscriber_email from marts.fct_ai_calls"))
    users = {row[0] for row in query(wh, "select subscriber_email from marts.cost_by_user_daily")}
    return {**calls, "users": users}


def test_marts_hold_the_sha256_of_the_normalised_address_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("AIECON_HASH_SUBSCRIBER_EMAIL", raising=False)
    expected = hashlib.sha256(b"ann.smith@acme.test").hexdigest()
    built = _build(tmp_path, "hashed")
    assert built["r1"] == expected, (
        f"fct_ai_calls.subscriber_email is {built['r1']!r}, not the address's hash"
    )
    assert (built["r2"], built["r3"]) == (None, "   "), "a missing or blank address must stay as it is"
    assert expected in built["users"], f"cost_by_user_daily shows {built['users']}, not the hash"
    assert not any("@" in str(user) for user in built["users"]), f"an address reached the marts: {built}"


def test_hashing_can_be_switched_off(tmp_path):
    built = _build(tmp_path, "plain", vars={"hash_subscriber_email": False})
    assert built["r1"] == PADDED, "with hash_subscriber_email false the address passes through as served"
