"""The simulator's own page-serving rate, and the ``read_json`` ceiling over the same records.

Pages are fetched over HTTP from a simulator with rate limits off, by several threads, and kept as raw
bytes (no JSON parsing): what is measured is the simulator and the loopback HTTP stack. The simulator
renders a record the first time it serves it and keeps it with its day, so the first read of a day is
slower than every later one; the benchmark reports both, and ingests after the first. The page bodies are
then turned into newline-delimited JSON records (untimed) for DuckDB's ``read_json``, the machine's ceiling
for "JSON records into a DuckDB table".
"""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ingestion.core.arrow_pages import utc_day_start
from ingestion.core.windows import iso_z
from ingestion.revenium.source import COMPLETIONS_PATH

PAGE_SIZE = 100


def _page_params(day: date, page: int) -> dict[str, Any]:
    start = utc_day_start(day)
    return {
        "teamId": os.environ["REVENIUM_TEAM_IDS"].split(",")[0],
        "startDate": iso_z(start),
        "endDate": iso_z(start + timedelta(days=1)),
        "sort": "timestamp,asc",
        "page": page,
        "size": PAGE_SIZE,
    }


def serve_pages(day: date, out_file: Path, threads: int = 4) -> dict[str, Any]:
    """Fetch every completions page of ``day`` (bytes only) into ``out_file``, one page body per line,
    through the project's own HTTP client (``VendorClient.get_bytes``: no pacing, no decoding)."""
    from ingestion.core.http_client import VendorClient
    from ingestion.core.paging import prefetched

    client = VendorClient(
        "revenium", os.environ["REVENIUM_BASE_URL"], {"x-api-key": os.environ["REVENIUM_API_KEY"]}
    )

    def fetch(page: int) -> bytes:
        return client.get_bytes(COMPLETIONS_PATH, _page_params(day, page))

    started = time.perf_counter()
    first = fetch(0)
    total = json.loads(first)["page"]
    n_pages, n_records = int(total["totalPages"]), int(total["totalElements"])
    size = len(first)
    with out_file.open("wb") as out, client:
        out.write(first.replace(b"\n", b" ") + b"\n")
        for body in prefetched(fetch, range(1, n_pages), threads):
            size += len(body)
            # A newline inside JSON text is always whitespace (strings escape it): one page per line.
            out.write(body.replace(b"\n", b" ") + b"\n")
    seconds = time.perf_counter() - started
    return {
        "records": n_records,
        "pages": n_pages,
        "seconds": seconds,
        "records_per_s": n_records / seconds,
        "mb_per_s": size / 1e6 / seconds,
        "bytes_per_record": size / max(n_records, 1),
        "threads": threads,
    }


def pages_to_ndjson(pages_file: Path, out_dir: Path, files: int = 8) -> int:
    """The records of every page as newline-delimited JSON, spread over ``files`` files (untimed prep)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outs = [(out_dir / f"part-{i:02d}.ndjson").open("w") for i in range(files)]
    n = 0
    try:
        with pages_file.open("rb") as pages:
            for i, line in enumerate(pages):
                records = json.loads(line)["_embedded"]["aICompletionMetricResourceList"]
                outs[i % files].write("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
                n += len(records)
    finally:
        for f in outs:
            f.close()
    return n


def read_json_ceiling(ndjson_dir: Path, warehouse: Path) -> dict[str, Any]:
    """Seconds for DuckDB to read the records into a table of a fresh database file."""
    warehouse.unlink(missing_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        started = time.perf_counter()
        con.execute(
            "create table records as select * from "
            f"read_json('{ndjson_dir}/*.ndjson', format = 'newline_delimited')"
        )
        con.execute("checkpoint")
        seconds = time.perf_counter() - started
        (rows,) = con.execute("select count(*) from records").fetchone()
    return {"rows": rows, "seconds": seconds, "records_per_s": rows / seconds}


def client_costs(pages_file: Path, batch_pages: int = 200) -> dict[str, Any]:
    """Where the client's CPU goes, without HTTP, on the same page bodies, in batches as the source takes
    them: the columnar path the completions source runs (``decode_pages`` + ``project_columnar``), and the
    per-record path it falls back to (``decode_json`` + ``records_to_table``)."""
    from datetime import UTC, datetime

    from ingestion.core.arrow_pages import project_columnar, records_to_table
    from ingestion.core.http_client import decode_json
    from ingestion.core.windows import Window
    from ingestion.revenium.paged_tables import decode_pages
    from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS

    window = Window(datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
    list_key = "aICompletionMetricResourceList"
    seconds = dict.fromkeys(("decode", "project", "columnar_decode", "columnar_project"), 0.0)
    n = 0
    with pages_file.open("rb") as pages:
        while True:
            lines = [line.rstrip(b"\n") for _, line in zip(range(batch_pages), pages, strict=False)]
            if not lines:
                break
            t0 = time.perf_counter()
            records = [r for line in lines for r in decode_json(line)["_embedded"][list_key]]
            t1 = time.perf_counter()
            records_to_table(REVENIUM_COMPLETIONS, records, window, {"team_id": "t"})
            t2 = time.perf_counter()
            decoded = decode_pages(lines, REVENIUM_COMPLETIONS, list_key)
            t3 = time.perf_counter()
            if (
                decoded is None
                or project_columnar(REVENIUM_COMPLETIONS, decoded[1], window, {"team_id": "t"}) is None
            ):
                raise RuntimeError("the simulator's pages did not take the columnar path")
            t4 = time.perf_counter()
            for name, spent in zip(seconds, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                seconds[name] += spent
            n += len(records)
    return {
        "records": n,
        "json_decode_s": round(seconds["decode"], 2),
        "json_decode_records_per_s": round(n / seconds["decode"]),
        "arrow_projection_s": round(seconds["project"], 2),
        "arrow_projection_records_per_s": round(n / seconds["project"]),
        "columnar_decode_s": round(seconds["columnar_decode"], 2),
        "columnar_decode_records_per_s": round(n / seconds["columnar_decode"]),
        "columnar_projection_s": round(seconds["columnar_project"], 2),
        "columnar_projection_records_per_s": round(n / seconds["columnar_project"]),
    }
