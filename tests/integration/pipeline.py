"""Loading a dlt source, running the main job for a partition, and fingerprinting a warehouse's tables."""

import hashlib
from pathlib import Path

import dagster as dg
import dlt
import duckdb

from dagster_project.definitions import defs
from dagster_project.defs.schedules import MAIN_JOB_NAME
from ingestion.core.dlt_resources import append_into_empty_windows

# Columns that legitimately differ between two loads of the same data: dlt's load id.
LOAD_COLUMNS = {"_dlt_load_id", "_dlt_id"}


def raw_pipeline(name: str, path: Path) -> dlt.Pipeline:
    """A dlt pipeline into the DuckDB file ``path`` (dataset ``raw_<name>``), its state beside it."""
    return dlt.pipeline(
        pipeline_name=f"test_{name}",
        pipelines_dir=str(path.parent / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(path)),
        dataset_name=f"raw_{name}",
    )


def load_source(source, path: Path) -> Path:
    """Run a dlt source into the DuckDB file ``path`` as the ingest assets do (a window not loaded yet is
    appended, see ``append_into_empty_windows``); return the path."""
    pipeline = raw_pipeline(source.name, path)
    append_into_empty_windows(pipeline, source)
    pipeline.run(source).raise_on_failed_jobs()
    return path


def run_partition(day, expect_success: bool = True) -> dg.ExecuteInProcessResult:
    result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
        partition_key=day.isoformat(), instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    if expect_success:
        assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def table_fingerprints(path, include_views: bool = False) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the sorted rows of every table (and view, if asked: the serving copy
    publishes the marts' views as tables), without dlt's bookkeeping tables."""
    fingerprints = {}
    types = "('BASE TABLE', 'VIEW')" if include_views else "('BASE TABLE')"
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_type in {types} and table_name not like '_dlt_%' and table_schema not like '%_staging'"
        ).fetchall()
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if c not in LOAD_COLUMNS
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {quoted} from "{schema}"."{table}"').fetchall()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            fingerprints[f"{schema}.{table}"] = (len(rows), digest)
    return fingerprints
