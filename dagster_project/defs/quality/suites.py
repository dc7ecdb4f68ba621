"""Great Expectations suites for the raw tables: the row-level rules of docs/quality-gates.md, kept in the repo.

A suite is built per raw table and per window (the event-time rule needs the window). The rules:
required fields present, non-negative tokens and cost, event time inside the window, unique vendor ids,
and known enum values. The per-table rules are declared in ``ingestion/<vendor>/row_rules.py`` and travel with
the table (``RawTable.rules``); the projection also applies them: rows breaking them are normally quarantined
before the load, so these suites are the second line (and the only one for what only a whole table shows,
unique keys).

GE reads a day's *candidates*, not the whole day (``candidates_query``): one SQL query, written from the same
suite, selects every row that breaks one of its expectations as SQL reads it, plus the day's first
``AIECON_GATE_SAMPLE_ROWS`` rows. A row that passes every rule adds nothing to a failing rule's count or sample,
so GE's verdict, counts and samples on the candidates are those it would give on the whole day, at the cost of
one scan in the warehouse instead of a frame of the day in memory (a 1M-row day: seconds and about 2 GB in
pandas). The trade-off: a value SQL and pandas would read differently (a NaN, which pandas counts as
missing; the projection already quarantines non-finite floats) is seen by GE only in the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def candidates_query(qualified_name: str, window: Window, sample_rows: int) -> tuple[str, list[Any]]:
    """SQL and parameters for the rows of the window's days GE must read: every row breaking one of the
    suite's expectations (as SQL reads it; all rows of a repeated key), and the first ``sample_rows`` rows.

    Written from the suite itself, so a rule added there without a SQL reading here raises at once."""
    columns = rule_columns(qualified_name, window)
    conditions: list[str] = []
    params: list[Any] = []
    keys: list[str] = []
    for expectation in build_suite(qualified_name, window).expectations:
        kind, kwargs = expectation.configuration.type, expectation.configuration.kwargs
        column = _quoted(kwargs["column"]) if kwargs.get("column") else None
        if kind == "expect_column_values_to_not_be_null":
            conditions.append(f"{column} is null")
        elif kind == "expect_column_values_to_be_unique":
            keys = [column]
        elif kind == "expect_compound_columns_to_be_unique":
            keys = [_quoted(c) for c in kwargs["column_list"]]
        elif kind == "expect_column_values_to_be_between":
            if kwargs.get("min_value") is not None:
                conditions.append(f"{column} {'<=' if kwargs.get('strict_min') else '<'} ?")
                params.append(_bindable(kwargs["min_value"]))
            if kwargs.get("max_value") is not None:
                conditions.append(f"{column} {'>=' if kwargs.get('strict_max') else '>'} ?")
                params.append(_bindable(kwargs["max_value"]))
        elif kind == "expect_column_values_to_be_in_set":
            values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in kwargs["value_set"])
            conditions.append(f"{column} not in ({values})" if values else f"{column} is not null")
        else:
            raise ValueError(f"{qualified_name}: no SQL reading of the expectation {kind}")
    listed = ", ".join(_quoted(c) for c in columns)
    repeated = f"count(*) over (partition by {', '.join(keys)})" if keys else "1"
    sql = (
        f"select {listed} from ("
        f"select {listed}, {repeated} as _key_rows, row_number() over () as _row_number "
        f"from {qualified_name} where _day >= ? and _day < ?"
        f") as day_rows where _row_number <= ? or _key_rows > 1 or {' or '.join(conditions) or 'false'}"
    )
    return sql, [*window.day_span, sample_rows, *params]


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _bindable(value: Any) -> Any:
    """A suite's bound as a database driver binds it (a pandas Timestamp as a Python datetime)."""
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


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
