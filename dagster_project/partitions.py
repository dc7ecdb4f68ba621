"""One UTC day is one partition (docs/partitions.md); today's partition exists and is refreshed intraday."""

from __future__ import annotations

import dagster as dg

from dagster_project.settings import partitions_start

# end_offset=1 makes today's (still growing) day a partition, so the hourly schedule can refresh it.
daily_partitions = dg.DailyPartitionsDefinition(start_date=partitions_start(), timezone="UTC", end_offset=1)
