"""Retention on PostgreSQL: the same hand-made tables and cutoffs as tests/unit/dagster/test_retention.py
(raw kept from 2024-05-26, quarantine from 2025-04-01, today 2025-06-30), pruned through the writer the
``prune_retention`` job opens for ``AIECON_DESTINATION=postgres``, in a database of its own on the session's
cluster: one row per raw and quarantine table goes; marts, intermediate, staging, dlt's own tables and an
unregistered schema are unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dagster_project.defs.retention import open_warehouse_writer, prune_retention
from dagster_project.local_postgres import connect, provision_warehouse
from ingestion.vendors import VENDORS
from tests.postgres.conftest import postgres_environment
from tests.unit.dagster.test_retention import POLICY, TODAY, UNTOUCHED, make_warehouse_tables

pytestmark = pytest.mark.postgres


def test_prune_retention_deletes_only_rows_before_each_cutoff(postgres_cluster, tmp_path, monkeypatch):
    writer = replace(postgres_cluster.writer, database="aiecon_retention")
    provision_warehouse(postgres_cluster.server.admin(), writer)

    def query(sql: str) -> list[tuple]:
        with connect(writer) as con, con.cursor() as cur:
            cur.execute(sql)
            return sorted(cur.fetchall(), key=repr)

    with connect(writer) as con, con.cursor() as cur:
        make_warehouse_tables(lambda sql, params: cur.execute(sql.replace("?", "%s"), params))
    before = {relation: query(f"select * from {relation}") for relation in UNTOUCHED}
    loads = {v.dataset: query(f"select * from {v.dataset}._dlt_loads") for v in VENDORS}

    for name, value in postgres_environment(writer, tmp_path).items():
        monkeypatch.setenv(name, value)
    with open_warehouse_writer() as warehouse:
        report = prune_retention(POLICY, TODAY, warehouse, None, tmp_path)

    for vendor in VENDORS:
        for table in [t.name for t in vendor.raw_tables] + ["quarantine"]:
            ids = [row[0] for row in query(f'select id from {vendor.dataset}."{table}"')]
            assert ids == ["first-kept", "today"], f"{vendor.dataset}.{table}: {ids}"
            assert report.rows_deleted[f"{vendor.dataset}.{table}"] == 1
        assert query(f"select * from {vendor.dataset}._dlt_loads") == loads[vendor.dataset], "dlt's state"
    for relation in UNTOUCHED:
        assert query(f"select * from {relation}") == before[relation], f"{relation} changed"
