"""Running a real source against the stub: one resource iterated directly (fast), or a whole source loaded
into DuckDB with dlt as the ingest assets do (``append_into_empty_windows`` then ``pipeline.run``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa

from ingestion.core.dlt_resources import append_into_empty_windows
from ingestion.core.vendor import Vendor
from ingestion.helicone.settings import HeliconeSettings
from ingestion.orq.settings import OrqSettings
from ingestion.revenium.settings import ReveniumSettings

API_KEY = "property-test-key"


def settings_for(vendor: Vendor, base_url: str, team_ids: tuple[str, ...] = ("tmProp01",)) -> Any:
    """The vendor's settings with every host pointed at the stub."""
    if vendor.settings is ReveniumSettings:
        return ReveniumSettings(
            base_url=f"{base_url}/revenium",
            analytics_base_url=f"{base_url}/revenium-app",
            api_key=API_KEY,
            team_ids=team_ids,
        )
    if vendor.settings in (HeliconeSettings, OrqSettings):
        return vendor.settings(base_url=f"{base_url}/{vendor.name}", api_key=API_KEY)
    raise KeyError(vendor.name)


@dataclass
class Outcome:
    raw: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    error: BaseException | None = None


def run_resource(vendor: Vendor, settings: Any, start: datetime, end: datetime, name: str) -> Outcome:
    """Iterate one resource of the real source (``vendor.make_source``): its raw pages and quarantine rows,
    or the exception it raised."""
    source = vendor.make_source(start, end, settings=settings)
    out = Outcome()
    try:
        for item in source.resources[name]:
            table = item if isinstance(item, pa.Table) else None
            if table is None:
                raise AssertionError(f"{name} yielded {type(item).__name__}, not an Arrow table")
            if "quarantine_id" in table.column_names:
                out.quarantine += [r for r in table.to_pylist() if not r.get("_marker")]
            else:
                out.raw += table.to_pylist()
    except Exception as exc:  # judged by the test: only transport and envelope errors may raise
        out.error = exc
    return out


def error_text(exc: BaseException) -> str:
    """The messages of an exception and of every exception it was raised from."""
    seen, parts = set(), []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def load(vendor: Vendor, settings: Any, start: datetime, end: datetime, path: Path) -> None:
    """Load the whole source into the DuckDB file ``path`` (dataset ``raw_<vendor>``), as the ingest assets
    and tests/integration/pipeline.py's ``load_source`` do."""
    source = vendor.make_source(start, end, settings=settings)
    pipeline = dlt.pipeline(
        pipeline_name=f"property_{vendor.name}",
        pipelines_dir=str(path.parent / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(path)),
        dataset_name=vendor.dataset,
    )
    append_into_empty_windows(pipeline, source)
    pipeline.run(source).raise_on_failed_jobs()


def read_tables(path: Path, dataset: str, names: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of each table (timestamps as UTC datetimes), [] for a table that was never created."""
    out: dict[str, list[dict[str, Any]]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        existing = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ?", [dataset]
            ).fetchall()
        }
        for name in names:
            if name not in existing:
                out[name] = []
                continue
            cursor = con.execute(f'select * from "{dataset}"."{name}"')
            columns = [d[0] for d in cursor.description]
            out[name] = [{c: _utc(v) for c, v in zip(columns, row, strict=True)} for row in cursor.fetchall()]
    return out


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value
