"""Retention: raw rows, quarantined records and run history older than their settings allow are deleted.

One function, ``prune_retention``, does it; the Dagster job ``prune_retention`` (daily, ``AIECON_RETENTION_CRON``)
and ``aiecon prune`` both call it. What it may touch is fixed here, not configurable:

* the raw tables the vendor registry declares (``raw_<vendor>.<table>``, every vendor of ``ingestion.vendors``,
  enabled or not): rows whose ``_day`` is older than ``AIECON_RAW_RETENTION_DAYS`` (default 400);
* each vendor's quarantine table (``raw_<vendor>.quarantine``): ``AIECON_QUARANTINE_RETENTION_DAYS`` (90);
* run history, ``AIECON_RUN_HISTORY_RETENTION_DAYS`` (90): finished Dagster runs created before the cutoff
  (``instance.delete_run``: the run and its event log), lines of ``ops/run_failures.jsonl`` and files under
  ``logs/`` of the data directory.

0 keeps that kind for ever. Staging, intermediate and marts are never touched: the marts are incremental
(each run replaces only its window), so the days they hold outlive the raw rows they were built from; only a
``--full-refresh`` would rebuild them from what raw still holds (docs/conventions.md, Retention). The raw
retention is 0 or at least ``RAW_RETENTION_MIN_DAYS``: a daily run re-reads the late-data look-back and the trace marts
read ``trace_span_days`` (7) around a window, so a shorter retention would change marts of retained days.

In Dagster the job takes the warehouse pool (one writer); both paths hold the warehouse writer lock. (No
``from __future__ import annotations`` here: Dagster checks the op's context annotation as a type.)
"""

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import dagster as dg

from dagster_project.defs.dlt.assets import WAREHOUSE_POOL
from dagster_project.warehouse import DuckDBReader, PostgresReader, to_pyformat
from ingestion.core.quarantine import QUARANTINE_TABLE
from ingestion.core.setting_registry import RAW_RETENTION_MIN_DAYS, SettingError, value
from ingestion.vendors import VENDORS

DAY_COLUMN = "_day"
JOB_NAME = "prune_retention"


@dataclass(frozen=True)
class RetentionPolicy:
    """Days kept of each kind (0: for ever)."""

    raw_days: int
    quarantine_days: int
    run_history_days: int

    def __post_init__(self) -> None:
        if 0 < self.raw_days < RAW_RETENTION_MIN_DAYS:
            raise SettingError(
                "AIECON_RAW_RETENTION_DAYS",
                f"AIECON_RAW_RETENTION_DAYS={self.raw_days}: expected 0 (keep for ever) or at least "
                f"{RAW_RETENTION_MIN_DAYS} (the daily run and the trace marts re-read recent raw days)",
            )

    @classmethod
    def from_settings(cls) -> "RetentionPolicy":
        return cls(
            raw_days=value("AIECON_RAW_RETENTION_DAYS"),
            quarantine_days=value("AIECON_QUARANTINE_RETENTION_DAYS"),
            run_history_days=value("AIECON_RUN_HISTORY_RETENTION_DAYS"),
        )


def cutoff_day(today: date, days: int) -> date | None:
    """The first day kept: rows of earlier days go. None when ``days`` is 0 (keep for ever)."""
    return None if days == 0 else today - timedelta(days=days)


def retained_relations(policy: RetentionPolicy, today: date) -> list[tuple[str, str, date]]:
    """(schema, table, first day kept) of every relation the policy prunes: raw tables and quarantine tables
    of every registry vendor, nothing else."""
    raw, quarantine = cutoff_day(today, policy.raw_days), cutoff_day(today, policy.quarantine_days)
    relations = []
    for vendor in VENDORS:
        if raw is not None:
            relations += [(vendor.dataset, t.name, raw) for t in vendor.raw_tables]
        if quarantine is not None:
            relations.append((vendor.dataset, QUARANTINE_TABLE, quarantine))
    return relations


class WarehouseWriter(Protocol):
    def has_table(self, schema: str, table: str) -> bool: ...

    def delete_before(self, schema: str, table: str, first_kept: date) -> int: ...


class _Pruning:
    """Counts and deletes on a warehouse reader's connection (``rows`` and ``table_exists`` from the reader;
    subclasses add ``_run``, a statement without results, ``?`` placeholders)."""

    rows: Callable[..., list[tuple]]
    table_exists: Callable[[str, str], bool]

    def _run(self, sql: str, params: list[Any]) -> None:
        raise NotImplementedError

    def has_table(self, schema: str, table: str) -> bool:
        return self.table_exists(schema, table)

    def delete_before(self, schema: str, table: str, first_kept: date) -> int:
        if schema not in {v.dataset for v in VENDORS}:  # a guard, not a setting: marts are never pruned
            raise ValueError(f"retention prunes raw schemas only, not {schema}")
        relation = f'"{schema}"."{table}"'
        count = self.rows(f"select count(*) from {relation} where {DAY_COLUMN} < ?", [first_kept])[0][0]
        if count:
            self._run(f"delete from {relation} where {DAY_COLUMN} < ?", [first_kept])
        return int(count)


class _DuckDBWriter(_Pruning, DuckDBReader):
    # On the connection itself: a DuckDB cursor is a second connection, outside this one's transaction.
    def _run(self, sql: str, params: list[Any]) -> None:
        self._con.execute(sql, params)


class _PostgresWriter(_Pruning, PostgresReader):
    def _run(self, sql: str, params: list[Any]) -> None:
        with self._con.cursor() as cur:
            cur.execute(to_pyformat(sql), params)


class _SparkWriter(_DuckDBWriter):
    """The landing file's raw rows, and the same days' folders of the lake Spark reads (spark_lake.py)."""

    def delete_before(self, schema: str, table: str, first_kept: date) -> int:
        from dagster_project.spark_lake import delete_lake_days_before

        count = super().delete_before(schema, table, first_kept)
        delete_lake_days_before(schema, table, first_kept)
        return count


def duckdb_writer(con: Any) -> WarehouseWriter:
    """A writer on an open DuckDB connection (the caller commits)."""
    return _DuckDBWriter(con)


@contextmanager
def open_warehouse_writer() -> Iterator[WarehouseWriter]:
    """The configured warehouse opened for writing, committed and closed on exit."""
    from dagster_project.destination import destination_name, postgres_settings

    if destination_name() == "postgres":
        settings = postgres_settings()  # first: it names the postgres extra when that is missing
        import psycopg2

        con = psycopg2.connect(**settings.psycopg_kwargs())
        try:
            with con:  # one transaction: committed on success, rolled back on an error
                yield _PostgresWriter(con)
        finally:
            con.close()
        return
    import duckdb

    from dagster_project.settings import warehouse_path

    with duckdb.connect(str(warehouse_path())) as con:
        con.begin()
        yield _SparkWriter(con) if destination_name() == "spark" else duckdb_writer(con)
        con.commit()


@dataclass
class PruneReport:
    rows_deleted: dict[str, int] = field(default_factory=dict)  # "raw_<vendor>.<table>" -> rows
    runs_deleted: int = 0
    failure_lines_deleted: int = 0
    log_files_deleted: int = 0

    def lines(self) -> list[str]:
        pruned = [f"{relation}: {n} rows" for relation, n in sorted(self.rows_deleted.items()) if n]
        return [
            *pruned,
            f"rows deleted: {sum(self.rows_deleted.values())} in {len(pruned)} tables",
            f"Dagster runs deleted: {self.runs_deleted}",
            f"run_failures.jsonl lines deleted: {self.failure_lines_deleted}",
            f"log files deleted: {self.log_files_deleted}",
        ]


def prune_run_history(instance: dg.DagsterInstance, before: datetime) -> int:
    """Delete finished runs created before ``before`` with their event logs; runs in progress stay."""
    from dagster._core.storage.dagster_run import FINISHED_STATUSES

    records = instance.get_run_records(
        filters=dg.RunsFilter(created_before=before, statuses=FINISHED_STATUSES)
    )
    for record in records:
        instance.delete_run(record.dagster_run.run_id)
    return len(records)


def prune_failure_records(path: Path, before: datetime) -> int:
    """Drop lines of ``run_failures.jsonl`` whose ``failed_at`` is before ``before``; a line without a
    readable time is kept (deleting what cannot be dated would lose it silently). Rewritten atomically."""
    if not path.exists():
        return 0
    kept, dropped = [], 0
    for line in path.read_text().splitlines(keepends=True):
        try:
            failed_at = datetime.fromisoformat(json.loads(line)["failed_at"])
        except (ValueError, KeyError, TypeError):
            kept.append(line)
            continue
        if failed_at.tzinfo is None:
            failed_at = failed_at.replace(tzinfo=UTC)
        if failed_at < before:
            dropped += 1
        else:
            kept.append(line)
    if dropped:
        partial = path.with_name(path.name + ".partial")
        partial.write_text("".join(kept))
        os.replace(partial, path)
    return dropped


def prune_log_files(folder: Path, before: datetime) -> int:
    """Delete files under ``folder`` last modified before ``before``."""
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in sorted(folder.rglob("*")):
        if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
            path.unlink()
            deleted += 1
    return deleted


def prune_retention(
    policy: RetentionPolicy,
    today: date,
    warehouse: WarehouseWriter,
    instance: dg.DagsterInstance | None,
    data_dir: Path,
) -> PruneReport:
    """Apply ``policy`` as of ``today`` (UTC): the raw and quarantine tables through ``warehouse``, the run
    history in ``instance`` (None: no Dagster instance to prune) and under ``data_dir``."""
    report = PruneReport()
    for schema, table, first_kept in retained_relations(policy, today):
        if warehouse.has_table(schema, table):  # a vendor never loaded has no tables yet
            report.rows_deleted[f"{schema}.{table}"] = warehouse.delete_before(schema, table, first_kept)
    runs_cutoff = cutoff_day(today, policy.run_history_days)
    if runs_cutoff is not None:
        before = datetime.combine(runs_cutoff, time(0), UTC)
        if instance is not None:
            report.runs_deleted = prune_run_history(instance, before)
        report.failure_lines_deleted = prune_failure_records(data_dir / "ops" / "run_failures.jsonl", before)
        report.log_files_deleted = prune_log_files(data_dir / "logs", before)
    return report


def prune_now(instance: dg.DagsterInstance | None) -> PruneReport:
    """Both entry points: the settings' policy as of today (UTC), holding the warehouse writer lock."""
    from dagster_project.settings import data_dir
    from dagster_project.warehouse_lock import warehouse_writer

    policy = RetentionPolicy.from_settings()
    with warehouse_writer(JOB_NAME), open_warehouse_writer() as warehouse:
        return prune_retention(policy, datetime.now(UTC).date(), warehouse, instance, data_dir())


@dg.op(
    pool=WAREHOUSE_POOL,
    description="Delete raw, quarantine and run history older than the retention settings.",
)
def prune_expired_data(context: dg.OpExecutionContext) -> dg.Output[None]:
    report = prune_now(context.instance)
    for line in report.lines():
        context.log.info(line)
    return dg.Output(
        None,
        metadata={
            "rows_deleted": sum(report.rows_deleted.values()),
            "runs_deleted": report.runs_deleted,
            "failure_lines_deleted": report.failure_lines_deleted,
            "log_files_deleted": report.log_files_deleted,
        },
    )


@dg.job(
    name=JOB_NAME,
    description="Retention: raw rows, quarantined records and run history past their settings (never the marts).",
)
def prune_retention_job() -> None:
    prune_expired_data()


def _retention_schedule() -> dg.ScheduleDefinition:
    from dagster_project.defs.schedules import schedule_cron, schedule_status

    return dg.ScheduleDefinition(
        name="daily_retention",
        job=prune_retention_job,
        cron_schedule=schedule_cron("AIECON_RETENTION_CRON"),
        execution_timezone="UTC",
        default_status=schedule_status(),
        description="Daily: delete what the retention settings no longer keep (prune_retention).",
    )


daily_retention = _retention_schedule()


def prune_cli() -> int:
    """``aiecon prune``: the same pruning as the job, on the instance under ``DAGSTER_HOME`` (default
    ``$AIECON_DATA_DIR/dagster_home``) when there is one."""
    from dagster_project.local_stack import prepare_dagster_home
    from dagster_project.settings import data_dir

    home = Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home")
    if home.is_dir():
        prepare_dagster_home()
        with dg.DagsterInstance.get() as instance:
            report = prune_now(instance)
    else:
        report = prune_now(None)
        print(f"no Dagster instance at {home}: its run history was not pruned")
    print("\n".join(report.lines()))
    return 0
