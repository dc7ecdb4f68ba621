"""The raw-table GE suites on hand-made partitions: each rule catches what it is for, and names it."""

from datetime import UTC, date, datetime

import pandas as pd

from dagster_project.defs.quality.suites import rule_columns, validate
from ingestion.core.windows import Window

WINDOW = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))


def helicone_rows(**overrides) -> pd.DataFrame:
    rows = {
        "request_id": ["r1", "r2", "r3"],
        "request_created_at": pd.to_datetime(
            ["2026-03-03T00:00:00.000Z", "2026-03-03T12:00:00.000Z", "2026-03-03T23:59:59.999Z"],
            format="ISO8601",
        ),
        "provider": ["OPENAI", "ANTHROPIC", "GOOGLE"],
        "prompt_tokens": [10, 20, 30],
        "completion_tokens": [1, 2, 3],
        "prompt_cache_read_tokens": [0, 0, 0],
        "prompt_cache_write_tokens": [0, 0, 0],
        "reasoning_tokens": [0, 0, 0],
        "total_tokens": [11, 22, 33],
        "cost": [0.1, 0.2, 0.3],
        "delay_ms": [100, 200, 300],
        "time_to_first_token": [50, 60, 70],
        "_day": pd.to_datetime([date(2026, 3, 3)] * 3),
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


def failed_rules(frame: pd.DataFrame) -> dict[str, int]:
    passed, failures = validate("raw_helicone.requests", frame, WINDOW)
    assert passed == (not failures)
    return {f"{f.rule}[{f.column}]": f.unexpected_count for f in failures}


def test_a_clean_partition_passes():
    assert failed_rules(helicone_rows()) == {}


def test_each_broken_rule_is_named_with_its_count():
    frame = helicone_rows(
        request_id=["r1", "r1", None],
        prompt_tokens=[10, -5, 30],
        cost=[0.1, 0.2, -0.01],
        request_created_at=pd.to_datetime(
            ["2026-03-03T00:00:00Z", "2026-03-03T12:00:00Z", "2026-03-04T00:00:00Z"]
        ),
    )
    failures = failed_rules(frame)
    assert failures["expect_column_values_to_not_be_null[request_id]"] == 1
    assert failures["expect_column_values_to_be_unique[request_id]"] == 2
    assert failures["expect_column_values_to_be_between[prompt_tokens]"] == 1
    assert failures["expect_column_values_to_be_between[cost]"] == 1
    # the window's end is exclusive: a request at the next midnight is outside it
    assert failures["expect_column_values_to_be_between[request_created_at]"] == 1


def test_unknown_enum_values_fail_the_revenium_suite():
    frame = pd.DataFrame(
        {
            "team_id": ["t", "t"],
            "id": ["a", "b"],
            "model": ["m", "m"],
            "provider": ["OPENAI", "OPENAI"],
            "request_time": pd.to_datetime(["2026-03-03T01:00:00Z", "2026-03-03T02:00:00Z"]),
            "total_cost": [0.1, 0.2],
            "stop_reason": ["END", "EXPLODED"],
            "metric_type": ["COMPLETION", "COMPLETION"],
            "_day": pd.to_datetime([date(2026, 3, 3)] * 2),
        }
    )
    for column in (
        "input_token_count", "output_token_count", "total_token_count", "cache_read_token_count",
        "cache_creation_token_count", "reasoning_token_count", "input_token_cost", "output_token_cost",
        "cache_read_token_cost", "cache_creation_token_cost", "request_duration", "time_to_first_token",
    ):  # fmt: skip
        frame[column] = [1, 2]
    passed, failures = validate("raw_revenium.completions", frame, WINDOW)
    assert not passed
    assert [(f.rule, f.column, f.sample) for f in failures] == [
        ("expect_column_values_to_be_in_set", "stop_reason", ["EXPLODED"])
    ]


def test_the_gate_reads_only_the_columns_its_rules_read():
    # helicone's requests: required request_id, request_created_at, provider; nine non-negative counts and
    # amounts; the day (window rule); the event time is request_created_at, already listed
    assert rule_columns("raw_helicone.requests", WINDOW) == [
        "request_id", "request_created_at", "provider", "prompt_tokens", "completion_tokens",
        "prompt_cache_read_tokens", "prompt_cache_write_tokens", "reasoning_tokens", "total_tokens", "cost",
        "delay_ms", "time_to_first_token", "_day",
    ]  # fmt: skip
