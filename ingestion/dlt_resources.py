"""What every raw resource shares: how a partition run writes its days."""

from __future__ import annotations

from typing import Any

from ingestion.raw_tables import RawTable


def windowed_merge_args(table: RawTable) -> dict[str, Any]:
    """dlt resource arguments that make a load replace the days it carries.

    ``delete-insert`` with ``merge_key="_day"`` deletes every destination row of each day present in the
    load, then inserts the load de-duplicated by the primary key — in one transaction, so a crash leaves
    the previous rows of that day in place. Source deletions therefore vanish on a re-run of their day.
    """
    return {
        "name": table.name,
        "primary_key": list(table.primary_key),
        "merge_key": "_day",
        "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
    }
