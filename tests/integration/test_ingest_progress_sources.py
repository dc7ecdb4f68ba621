"""Every vendor source reports its page walks: with ``AIECON_PROGRESS_EVERY_S=0`` each walking resource logs
a progress line per page to ``aiecon.ingest`` and a "done" line whose counts are the pages and records it
read, against the simulator."""

import logging
import re

import duckdb
import pytest

from ingestion.vendors import VENDORS
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window

DONE = re.compile(r"^(\S+) (\S+): done, ([\d,]+) records in ([\d,]+) pages in [\d.]+s$")


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_each_walking_resource_reports_its_pages_and_records(
    vendor, simulator, tmp_path, caplog, monkeypatch
):
    monkeypatch.setenv("AIECON_PROGRESS_EVERY_S", "0")
    caplog.set_level(logging.INFO, logger="aiecon.ingest")
    window = day_window(DAY_1)
    path = load_source(vendor.make_source(window.start, window.end), tmp_path / "raw.duckdb")
    lines = [r.getMessage() for r in caplog.records if r.name == "aiecon.ingest"]
    done = {
        m[2]: (int(m[3].replace(",", "")), int(m[4].replace(",", ""))) for m in map(DONE.match, lines) if m
    }
    assert all(line.startswith(f"{vendor.name} ") for line in lines)
    assert any(" so far (day 2026-03-03" in line for line in lines)
    assert done and all(pages >= 1 for _, pages in done.values())
    if vendor.volume_table in done:  # its records are read once each: what was read is what landed
        with duckdb.connect(str(path), read_only=True) as con:
            landed = con.execute(f"select count(*) from {vendor.dataset}.{vendor.volume_table}").fetchone()[0]
        assert done[vendor.volume_table][0] == landed
