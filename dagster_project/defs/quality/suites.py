"""Great Expectations suites for the raw tables: the row-level rules of docs/quality-gates.md, kept in the repo.

A suite is built per raw table and per window (the event-time rule needs the window). The rules:
required fields present, non-negative tokens and cost, event time inside the window, unique vendor ids,
and known enum values. The per-table rules are declared in ``ingestion/<vendor>/row_rules.py`` and travel with
the table (``RawTable.rules``); the projection also applies them: rows breaking them are normally quarantined
before the load, so these suites are the second line (and the only one for what only a whole table shows,
unique keys).
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from ingestion.core.raw_table import RawTable
from ingestion.core.windows import Window
from ingestion.vendors import raw_tables

TABLES: dict[str, RawTable] = {f"{vendor.dataset}.{table.name}": table for vendor, table in raw_tables()}


def build_suite(qualified_name: str, window: Window) -> gx.ExpectationSuite:
    table = TABLES[qualified_name]
    rules = table.rules
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


def rule_columns(qualified_name: str, window: Window) -> list[str]:
    """The columns the table's rules read, in first-use order: all a validation needs of a raw table, so the
    gate reads and holds only these (Revenium's completions: 21 of 51 columns)."""
    _ephemeral_context()
    columns: dict[str, None] = {}
    for expectation in build_suite(qualified_name, window).expectations:
        kwargs = expectation.configuration.kwargs
        for column in [kwargs.get("column"), *(kwargs.get("column_list") or [])]:
            if column:
                columns[column] = None
    return list(columns)


def _ephemeral_context() -> gx.data_context.AbstractDataContext:
    """GE's in-memory context (a suite is built inside one); no progress bars (noise in Dagster's logs)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    column: str | None
    unexpected_count: int
    sample: list[str]


def validate(qualified_name: str, frame: pd.DataFrame, window: Window) -> tuple[bool, list[RuleFailure]]:
    """Run the table's suite on ``frame`` with GE's pandas engine; return success and the failing rules."""
    context = _ephemeral_context()
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
