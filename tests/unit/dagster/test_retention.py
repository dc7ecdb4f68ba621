"""Retention (dagster_project/defs/retention.py) on hand-made tables: what is older than the cutoff goes, what is
newer stays, and nothing outside the registry's raw and quarantine tables changes.

Today is fixed at 2025-06-30. Raw retention 400 days keeps _day >= 2024-05-26 (2025-06-30 minus 400 days:
35 days back to 2025-05-26, then 365 more); quarantine retention 90 days keeps _day >= 2025-04-01 (30 days
of June, 31 of May, 29 of April back to 2025-04-01).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.retention import (
    RetentionPolicy,
    duckdb_writer,
    prune_retention,
    prune_retention_job,
)
from ingestion.core.setting_registry import SettingError
from ingestion.vendors import VENDORS

TODAY = date(2025, 6, 30)
POLICY = RetentionPolicy(raw_days=400, quarantine_days=90, run_history_days=90)
RAW_FIRST_KEPT, QUARANTINE_FIRST_KEPT = date(2024, 5, 26), date(2025, 4, 1)
OLD_DAY = date(2020, 1, 1)  # far outside every retention: must survive only where pruning never reaches
UNTOUCHED = ("marts.fct_ai_calls", "intermediate.int_calls", "staging.stg_calls", "raw_other.things")


def make_warehouse_tables(execute: Callable[[str, list], object]) -> None:
    """Every registry raw table and quarantine table with three rows (the day before the cutoff, the cutoff,
    today), dlt's own _dlt_loads, and old rows in marts, intermediate, staging and an unregistered schema.
    ``execute(sql, params)`` runs one statement (``?`` placeholders) on the warehouse under test."""
    for vendor in VENDORS:
        execute(f"create schema {vendor.dataset}", [])
        for table, first_kept in [(t.name, RAW_FIRST_KEPT) for t in vendor.raw_tables] + [
            ("quarantine", QUARANTINE_FIRST_KEPT)
        ]:
            execute(f'create table {vendor.dataset}."{table}" (id varchar, _day date)', [])
            for row in (
                ["before", first_kept - timedelta(days=1)],
                ["first-kept", first_kept],
                ["today", TODAY],
            ):
                execute(f'insert into {vendor.dataset}."{table}" values (?, ?)', row)
        execute(f"create table {vendor.dataset}._dlt_loads (load_id varchar, inserted_at date)", [])
        execute(f"insert into {vendor.dataset}._dlt_loads values ('1', ?)", [OLD_DAY])
    for relation in UNTOUCHED:
        execute(f"create schema if not exists {relation.split('.')[0]}", [])
        execute(f"create table {relation} (id varchar, _day date, cost_usd double precision)", [])
        for row in (["old", OLD_DAY, 0.5], ["new", TODAY, 0.25]):
            execute(f"insert into {relation} values (?, ?, ?)", row)


def _make_warehouse(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        make_warehouse_tables(con.execute)


def _snapshot(path: Path, relation: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return sorted(con.execute(f"select * from {relation}").fetchall(), key=repr)


def _ids(path: Path, relation: str) -> list[str]:
    return sorted(row[0] for row in _snapshot(path, relation))


def _prune(path: Path, policy: RetentionPolicy, data_dir: Path, instance=None):
    with duckdb.connect(str(path)) as con:
        report = prune_retention(policy, TODAY, duckdb_writer(con), instance, data_dir)
    return report


def test_rows_before_the_cutoff_go_newer_rows_and_everything_else_stay(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    _make_warehouse(wh)
    before = {relation: _snapshot(wh, relation) for relation in UNTOUCHED}
    before_loads = {v.dataset: _snapshot(wh, f"{v.dataset}._dlt_loads") for v in VENDORS}

    report = _prune(wh, POLICY, tmp_path)

    for vendor in VENDORS:
        for table in [t.name for t in vendor.raw_tables] + ["quarantine"]:
            relation = f'{vendor.dataset}."{table}"'
            assert _ids(wh, relation) == ["first-kept", "today"], f"{relation}: wrong rows pruned"
            assert report.rows_deleted[f"{vendor.dataset}.{table}"] == 1, relation
        assert _snapshot(wh, f"{vendor.dataset}._dlt_loads") == before_loads[vendor.dataset], "dlt's state"
    for relation in UNTOUCHED:
        assert _snapshot(wh, relation) == before[relation], f"{relation} changed: retention must not touch it"
    tables = sum(len(v.raw_tables) + 1 for v in VENDORS)
    assert sum(report.rows_deleted.values()) == tables


def test_zero_keeps_everything(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    _make_warehouse(wh)
    report = _prune(wh, RetentionPolicy(0, 0, 0), tmp_path)
    assert report.rows_deleted == {}
    table = VENDORS[0].raw_tables[0].name
    assert _ids(wh, f'{VENDORS[0].dataset}."{table}"') == ["before", "first-kept", "today"]


def test_a_vendor_never_loaded_is_skipped(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(wh)).close()  # no raw schema at all
    assert _prune(wh, POLICY, tmp_path).rows_deleted == {}


def test_a_raw_retention_shorter_than_the_rebuild_window_is_refused():
    with pytest.raises(SettingError, match="AIECON_RAW_RETENTION_DAYS=10"):
        RetentionPolicy(raw_days=10, quarantine_days=90, run_history_days=90)


def test_the_writer_refuses_a_schema_outside_the_raw_ones(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    _make_warehouse(wh)
    with duckdb.connect(str(wh)) as con, pytest.raises(ValueError, match="raw schemas only"):
        duckdb_writer(con).delete_before("marts", "fct_ai_calls", TODAY)
    assert _ids(wh, "marts.fct_ai_calls") == ["new", "old"]


def test_failure_records_and_log_files_past_the_run_history_retention_go(tmp_path):
    # run history 90 days before 2025-06-30: kept from 2025-04-01T00:00Z
    ops = tmp_path / "ops"
    ops.mkdir()
    lines = [
        json.dumps({"failed_at": "2025-03-31T23:59:00+00:00", "run_id": "old"}),
        json.dumps({"failed_at": "2025-04-01T00:00:00+00:00", "run_id": "kept"}),
        "not json: kept, since it cannot be dated\n".rstrip("\n"),
    ]
    (ops / "run_failures.jsonl").write_text("\n".join(lines) + "\n")
    logs = tmp_path / "logs"
    logs.mkdir()
    for name, when in (
        ("old.log", datetime(2025, 3, 1, tzinfo=UTC)),
        ("new.log", datetime(2025, 6, 1, tzinfo=UTC)),
    ):
        (logs / name).write_text("x")
        os.utime(logs / name, (when.timestamp(), when.timestamp()))
    wh = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(wh)).close()

    report = _prune(wh, POLICY, tmp_path)

    assert (report.failure_lines_deleted, report.log_files_deleted) == (1, 1)
    assert (ops / "run_failures.jsonl").read_text().splitlines() == lines[1:]
    assert sorted(p.name for p in logs.iterdir()) == ["new.log"]


@dg.op
def _noop() -> None:
    pass


@dg.job
def _tiny_job() -> None:
    _noop()


def test_finished_runs_created_before_the_cutoff_are_deleted_runs_in_progress_stay(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(wh)).close()
    with dg.DagsterInstance.ephemeral() as instance:
        finished = _tiny_job.execute_in_process(instance=instance).run_id
        in_progress = instance.create_run_for_job(_tiny_job, status=dg.DagsterRunStatus.STARTED).run_id
        now = datetime.now(UTC).date()
        with duckdb.connect(str(wh)) as con:
            # today: the runs were created now, after the cutoff 90 days back, so they stay
            kept = prune_retention(POLICY, now, duckdb_writer(con), instance, tmp_path)
            assert kept.runs_deleted == 0 and instance.get_run_by_id(finished) is not None
            # 100 days on, the cutoff (10 days from now) is after their creation
            later = prune_retention(POLICY, now + timedelta(days=100), duckdb_writer(con), instance, tmp_path)
        assert later.runs_deleted == 1
        assert instance.get_run_by_id(finished) is None, "the finished run was not deleted"
        assert not instance.all_logs(finished), "the deleted run's event log is still there"
        assert instance.get_run_by_id(in_progress) is not None, "a run in progress must never be deleted"


def test_the_dagster_job_and_the_cli_prune_the_configured_warehouse(tmp_path, monkeypatch, capsys):
    wh = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIECON_WAREHOUSE", str(wh))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("AIECON_DESTINATION", "duckdb")
    # Against the real date: rows 401 days old go, rows 399 days old stay (raw retention 400 by default).
    today = datetime.now(UTC).date()
    vendor, table = VENDORS[0], VENDORS[0].raw_tables[0].name
    relation = f'{vendor.dataset}."{table}"'

    def seed() -> None:
        with duckdb.connect(str(wh)) as con:
            con.execute(f"create schema if not exists {vendor.dataset}")
            con.execute(f"create or replace table {relation} (id varchar, _day date)")
            con.executemany(
                f"insert into {relation} values (?, ?)",
                [["old", today - timedelta(days=401)], ["kept", today - timedelta(days=399)]],
            )

    seed()
    with dg.DagsterInstance.ephemeral() as instance:
        result = prune_retention_job.execute_in_process(instance=instance)
    assert result.success
    assert _ids(wh, relation) == ["kept"], "the Dagster job did not prune the configured warehouse"

    from dagster_project.cli import main

    seed()
    assert main(["prune"]) == 0
    assert _ids(wh, relation) == ["kept"], "aiecon prune did not prune the configured warehouse"
    assert f"{vendor.dataset}.{table}: 1 rows" in capsys.readouterr().out
