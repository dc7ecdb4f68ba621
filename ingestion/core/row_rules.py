"""Row rules: what must hold for every row of one raw table (docs/quality-gates.md).

Each vendor declares its tables' rules in ``ingestion/<vendor>/row_rules.py``; they travel with the table
(``RawTable.rules``). They are applied twice: at projection time (``ingestion.core.arrow_pages``), where a
row that breaks one goes to the quarantine table instead of the raw table, and after the load by the Great
Expectations suites (``dagster_project/defs/quality/suites.py``), which also check what only a whole table
shows (unique keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawRules:
    """What must hold for every row of one raw table."""

    required: tuple[str, ...]
    non_negative: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Money columns (USD, cast to DECIMAL(18,9) downstream): out of range at ``raw_table.MONEY_LIMIT``.
    money: tuple[str, ...] = ()


# A table without declared rules still has its key and event time checked.
NO_RULES = RawRules(required=())
