"""The raw-table GE suites on hand-made partitions: each rule catches what it is for, and names it."""

from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from dagster_project.defs.quality.suites import candidates_query, rule_columns, validate
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


def broken_rows() -> pd.DataFrame:
    """Three requests breaking five rules: a repeated id, a missing id, a negative token count and cost, and a
    request at the next midnight (the window's end is exclusive)."""
    return helicone_rows(
        request_id=["r1", "r1", None],
        prompt_tokens=[10, -5, 30],
        cost=[0.1, 0.2, -0.01],
        request_created_at=pd.to_datetime(
            ["2026-03-03T00:00:00Z", "2026-03-03T12:00:00Z", "2026-03-04T00:00:00Z"]
        ),
    )


def test_a_clean_partition_passes():
    assert failed_rules(helicone_rows()) == {}


def test_each_broken_rule_is_named_with_its_count():
    frame = broken_rows()
    failures = failed_rules(frame)
    assert failures["expect_column_values_to_not_be_null[request_id]"] == 1
    assert failures["expect_column_values_to_be_unique[request_id]"] == 2
    assert failures["expect_column_values_to_be_between[prompt_tokens]"] == 1
    assert failures["expect_column_values_to_be_between[cost]"] == 1
    # the window's end is exclusive: a request at the next midnight is outside it
    assert failures["expect_column_values_to_be_between[request_created_at]"] == 1


def revenium_rows(stop_reasons: list[str]) -> pd.DataFrame:
    n = len(stop_reasons)
    frame = pd.DataFrame(
        {
            "team_id": ["t"] * n,
            "id": [f"c{i}" for i in range(n)],
            "model": ["m"] * n,
            "provider": ["OPENAI"] * n,
            "request_time": pd.to_datetime(["2026-03-03T01:00:00Z"] * n),
            "total_cost": [0.1] * n,
            "stop_reason": stop_reasons,
            "metric_type": ["COMPLETION"] * n,
            "_day": pd.to_datetime([date(2026, 3, 3)] * n),
        }
    )
    for column in (
        "input_token_count", "output_token_count", "total_token_count", "cache_read_token_count",
        "cache_creation_token_count", "reasoning_token_count", "input_token_cost", "output_token_cost",
        "cache_read_token_cost", "cache_creation_token_cost", "request_duration", "time_to_first_token",
    ):  # fmt: skip
        frame[column] = 1
    return frame


def test_unknown_enum_values_fail_the_revenium_suite():
    passed, failures = validate("raw_revenium.completions", revenium_rows(["END", "EXPLODED"]), WINDOW)
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


# -- the rows GE reads: the suite's SQL candidates ----------------------------------------------------------
def candidates(frame: pd.DataFrame, sample_rows: int, table: str = "raw_helicone.requests") -> pd.DataFrame:
    """The day's candidates as the gate reads them, from ``frame`` stored as the raw table in DuckDB."""
    con = duckdb.connect()
    con.execute(f"create schema {table.split('.')[0]}")
    con.register("frame", frame)
    con.execute(f"create table {table} as select * replace (cast(_day as date) as _day) from frame")
    sql, params = candidates_query(table, WINDOW, sample_rows)
    return con.execute(sql, params).df()


def clean_rows(n: int) -> pd.DataFrame:
    frame = pd.concat([helicone_rows()] * (n // 3 + 1), ignore_index=True).head(n)
    frame["request_id"] = [f"ok{i}" for i in range(n)]
    return frame


def test_a_clean_day_gives_only_its_sample_to_ge():
    assert len(candidates(clean_rows(50), sample_rows=0)) == 0
    assert len(candidates(clean_rows(50), sample_rows=7)) == 7
    assert len(candidates(clean_rows(5), sample_rows=1000)) == 5


def test_ge_on_the_candidates_fails_each_rule_as_on_the_whole_day():
    day = pd.concat(
        [clean_rows(40), broken_rows(), clean_rows(40).assign(request_id=lambda f: "b" + f.request_id)]
    )
    read = candidates(day, sample_rows=0)
    # the three broken rows, none of the 80 clean ones
    assert sorted(read["request_id"].fillna("-")) == ["-", "r1", "r1"]
    assert (
        failed_rules(read)
        == failed_rules(day)
        == {
            "expect_column_values_to_not_be_null[request_id]": 1,
            "expect_column_values_to_be_unique[request_id]": 2,
            "expect_column_values_to_be_between[prompt_tokens]": 1,
            "expect_column_values_to_be_between[cost]": 1,
            "expect_column_values_to_be_between[request_created_at]": 1,
        }
    )


def test_an_unknown_enum_value_is_a_candidate():
    frame = revenium_rows(["END"] * 4 + ["IT'S OVER"] + ["END"] * 5)  # a quote the SQL literal must escape
    read = candidates(frame, sample_rows=0, table="raw_revenium.completions")
    assert list(read["id"]) == ["c4"]
    passed, failures = validate("raw_revenium.completions", read, WINDOW)
    assert [(f.rule, f.column, f.unexpected_count) for f in failures] == [
        ("expect_column_values_to_be_in_set", "stop_reason", 1)
    ]
