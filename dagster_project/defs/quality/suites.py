"""Great Expectations suites for the raw tables: the row-level rules of DESIGN §7, kept in the repo.

A suite is built per raw table and per window (the event-time rule needs the window). The rules:
required fields present, non-negative tokens and cost, event time inside the window, unique vendor ids,
and known enum values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from ingestion.raw_tables import (
    HELICONE_COST_TOTALS,
    HELICONE_REQUESTS,
    ORQ_COST_TOTALS,
    ORQ_REPORTING_BUCKETS,
    REVENIUM_COMPLETIONS,
    REVENIUM_COST_BY_PROVIDER,
    RawTable,
)
from ingestion.windows import Window

REVENIUM_STOP_REASONS = (
    "END",
    "END_SEQUENCE",
    "TIMEOUT",
    "TOKEN_LIMIT",
    "COST_LIMIT",
    "COMPLETION_LIMIT",
    "ERROR",
    "CANCELLED",
)
REVENIUM_METRIC_TYPES = ("COMPLETION", "AUDIO", "IMAGE", "VIDEO")
ORQ_GRAINS = ("minute", "hour", "day")


@dataclass(frozen=True)
class RawRules:
    """What must hold for every row of one raw table."""

    required: tuple[str, ...]
    non_negative: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)


RULES: dict[str, RawRules] = {
    "raw_revenium.completions": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost"),
        non_negative=(
            "input_token_count",
            "output_token_count",
            "total_token_count",
            "cache_read_token_count",
            "cache_creation_token_count",
            "reasoning_token_count",
            "input_token_cost",
            "output_token_cost",
            "cache_read_token_cost",
            "cache_creation_token_cost",
            "total_cost",
            "request_duration",
            "time_to_first_token",
        ),
        enums={"stop_reason": REVENIUM_STOP_REASONS, "metric_type": REVENIUM_METRIC_TYPES},
    ),
    "raw_revenium.analytics_cost_by_provider": RawRules(
        required=("group_name", "cost_usd"), non_negative=("cost_usd",)
    ),
    "raw_helicone.requests": RawRules(
        required=("request_id", "request_created_at", "provider"),
        non_negative=(
            "prompt_tokens",
            "completion_tokens",
            "prompt_cache_read_tokens",
            "prompt_cache_write_tokens",
            "reasoning_tokens",
            "total_tokens",
            "cost",
            "delay_ms",
            "time_to_first_token",
        ),
    ),
    "raw_helicone.metrics_total_cost": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
    "raw_orq.reporting_buckets": RawRules(
        required=("requested_metric", "bucket_start", "metric_key", "metric_value"),
        non_negative=("metric_value",),
        enums={"grain": ORQ_GRAINS},
    ),
    "raw_orq.reporting_cost_totals": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
}

TABLES: dict[str, RawTable] = {
    "raw_revenium.completions": REVENIUM_COMPLETIONS,
    "raw_revenium.analytics_cost_by_provider": REVENIUM_COST_BY_PROVIDER,
    "raw_helicone.requests": HELICONE_REQUESTS,
    "raw_helicone.metrics_total_cost": HELICONE_COST_TOTALS,
    "raw_orq.reporting_buckets": ORQ_REPORTING_BUCKETS,
    "raw_orq.reporting_cost_totals": ORQ_COST_TOTALS,
}


def build_suite(qualified_name: str, window: Window) -> gx.ExpectationSuite:
    table, rules = TABLES[qualified_name], RULES[qualified_name]
    suite = gx.ExpectationSuite(name=f"{qualified_name}__raw_rules")
    for column in rules.required:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    keys = list(table.primary_key)
    if len(keys) == 1:
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=keys[0]))
    else:
        suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=keys))
    for column in rules.non_negative:
        suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
    for column, values in rules.enums.items():
        suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)))
    # Event time inside the window: as the day column is derived from it, check the day is in the window.
    first_day, end_day = window.day_span
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column="_day", min_value=pd.Timestamp(first_day), max_value=pd.Timestamp(end_day), strict_max=True
        )
    )
    if table.event_time_column:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=table.event_time_column, min_value=window.start, max_value=window.end, strict_max=True
            )
        )
    return suite


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    column: str | None
    unexpected_count: int
    sample: list[str]


def validate(qualified_name: str, frame: pd.DataFrame, window: Window) -> tuple[bool, list[RuleFailure]]:
    """Run the table's suite on ``frame`` with GE's pandas engine; return success and the failing rules."""
    context = gx.get_context(mode="ephemeral")
    # GE draws a progress bar per validation; in Dagster's logs that is noise.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("raw")
        .add_dataframe_asset(qualified_name)
        .add_batch_definition_whole_dataframe("partition")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(build_suite(qualified_name, window), result_format="SUMMARY")
    failures = []
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        details = r.result or {}
        failures.append(
            RuleFailure(
                rule=config.type,
                column=config.kwargs.get("column")
                or ",".join(config.kwargs.get("column_list") or [])
                or None,
                unexpected_count=int(details.get("unexpected_count") or 0),
                sample=[str(v) for v in (details.get("partial_unexpected_list") or [])[:5]],
            )
        )
    return result.success, failures
