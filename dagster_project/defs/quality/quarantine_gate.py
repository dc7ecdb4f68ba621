"""The quarantine share of a raw table over a partition: small enough to proceed, or the gate fails.

Rows that broke a row rule were split off at projection time into ``raw_<vendor>.quarantine``
(``ingestion.core.quarantine``). The partition proceeds while they stay at most ``AIECON_QUARANTINE_MAX_SHARE``
(default 1%) of what the vendor served for the table (landed + quarantined); above it, the table's
``raw_rules`` check fails naming each rule, its count and a sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.warehouse import WarehouseReader, as_reader
from ingestion.core.quarantine import QUARANTINE_TABLE, max_share
from ingestion.core.windows import Window

SAMPLE_CHARS = 2000  # a sample payload is cut here: metadata is for reading, the table has the rest


@dataclass(frozen=True)
class QuarantinedRule:
    rule: str
    column: str | None
    count: int
    sample_reason: str
    sample_payload: str

    @property
    def label(self) -> str:
        return f"quarantine[{self.rule}:{self.column or '-'}]"

    def describe(self) -> str:
        return f"{self.count} row(s); e.g. {self.sample_reason}; payload {self.sample_payload[:SAMPLE_CHARS]}"


def read_quarantine(
    con: WarehouseReader, schema: str, raw_table: str, window: Window
) -> list[QuarantinedRule]:
    """Quarantined rows of ``raw_table`` in the window's days, by rule, with one sample each (``con``: a
    warehouse reader, or a DuckDB connection)."""
    con = as_reader(con)
    if not con.table_exists(
        schema, QUARANTINE_TABLE
    ):  # nothing was ever quarantined under this vendor's code
        return []
    rows = con.rows(
        f"select rule, column_name, count(*), min(reason), min(payload) from {schema}.{QUARANTINE_TABLE} "
        "where raw_table = ? and _day >= ? and _day < ? group by 1, 2 order by 3 desc, 1, 2",
        [raw_table, *window.day_span],
    )
    return [QuarantinedRule(r, c, int(n), reason, payload) for r, c, n, reason, payload in rows]


def judge_quarantine(
    landed: int, quarantined: list[QuarantinedRule]
) -> tuple[bool, dict[str, str | int | float]]:
    """Whether the quarantined share is within the threshold, and metadata naming every rule (pure)."""
    total = sum(q.count for q in quarantined)
    served = landed + total
    share = total / served if served else 0.0
    passed = share <= max_share()
    metadata: dict[str, str | int | float] = {
        "quarantined": total,
        "quarantined_share": round(share, 6),
        "quarantine_max_share": max_share(),
    }
    for q in quarantined:
        metadata[q.label] = q.describe()
    if not passed:
        rules = ", ".join(f"{q.rule}[{q.column or '-'}] {q.count}" for q in quarantined)
        metadata["quarantine_verdict"] = (
            f"{total} of {served} rows quarantined ({share:.2%} > {max_share():.2%}, "
            f"AIECON_QUARANTINE_MAX_SHARE): {rules}"
        )
    return passed, metadata
