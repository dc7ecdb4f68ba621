"""Progress of long work: every page walk counts into its resource's ``Progress``, which logs records and
pages to the ``aiecon.ingest`` logger at most every ``AIECON_PROGRESS_EVERY_S`` seconds — and Dagster shows
those lines in the run's log (``python_logs`` in dagster_project/instance/dagster.yaml)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import yaml

from ingestion.core.http_client import RetryPolicy, VendorClient
from ingestion.core.paging import Progress
from ingestion.core.windows import Window
from ingestion.helicone.source import iter_request_pages
from tests.unit.ingestion.local_http import serve

INSTANCE_YAML = Path(__file__).resolve().parents[3] / "dagster_project" / "instance" / "dagster.yaml"
DAY = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def ingest_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "aiecon.ingest"]


def test_progress_logs_at_most_every_interval_and_once_when_done(caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="aiecon.ingest")
    monkeypatch.delenv("AIECON_PROGRESS_EVERY_S", raising=False)
    clock = Clock()
    progress = Progress("revenium", "completions", clock=clock)
    assert progress.every_s == 10
    for _ in range(123):
        clock.now += 0.05
        progress.add(100, 1, "day 2026-03-03")
    assert ingest_lines(caplog) == []  # 6 s so far
    clock.now = 10.5
    progress.add(0, 1, "day 2026-03-03")
    assert ingest_lines(caplog) == [
        "revenium completions: 12,300 records in 124 pages so far (day 2026-03-03)"
    ]
    clock.now = 12.0
    progress.add(100, 1, "day 2026-03-04")
    assert len(ingest_lines(caplog)) == 1  # not again before another 10 s
    progress.finish()
    progress.finish()
    assert ingest_lines(caplog)[1:] == ["revenium completions: done, 12,400 records in 125 pages in 12.0s"]


def test_a_page_walk_reports_to_the_progress_of_its_client(caplog):
    caplog.set_level(logging.INFO, logger="aiecon.ingest")
    pages = iter(
        [[{"request_id": f"r{i}"} for i in range(1000)], [{"request_id": f"s{i}"} for i in range(10)], []]
    )

    def answer(seen, server):
        return 200, {}, json.dumps({"data": next(pages), "error": None}).encode()

    with serve(answer) as server:
        progress = Progress("helicone", "requests", every_s=0)
        with VendorClient(
            "helicone", server.url, {}, RetryPolicy(max_attempts=1), progress=progress
        ) as client:
            assert sum(len(p) for p in iter_request_pages(client, DAY)) == 1010
    assert ingest_lines(caplog) == [
        "helicone requests: 1,000 records in 1 pages so far (day 2026-03-03)",
        "helicone requests: 1,010 records in 2 pages so far (day 2026-03-03)",
        "helicone requests: done, 1,010 records in 2 pages in "
        + ingest_lines(caplog)[2].rsplit(" in ", 1)[1],
    ]


def test_dagster_shows_the_progress_lines_in_the_run_log(tmp_path):
    settings = yaml.safe_load(INSTANCE_YAML.read_text())
    assert "aiecon.ingest" in settings["python_logs"]["managed_python_loggers"]

    @dg.asset
    def walked() -> None:
        progress = Progress("revenium", "completions", every_s=0)
        progress.add(100, 1, "day 2026-03-03")

    with dg.DagsterInstance.ephemeral(
        tempdir=str(tmp_path), settings={"python_logs": settings["python_logs"]}
    ) as instance:
        result = dg.materialize([walked], instance=instance)
        assert result.success
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert "revenium completions: 100 records in 1 pages so far (day 2026-03-03)" in messages
