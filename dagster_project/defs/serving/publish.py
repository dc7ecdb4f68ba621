"""Publishing the marts where BI reads them, without ever sharing a file with the pipeline.

DuckDB allows one writing process and a reader blocks a writer, so BI never opens the pipeline's
warehouse. After a partition's checks pass, the marts are published two ways, each as a new version that a
stable path is switched to in one atomic rename (versions.py: the layout, why a symlink, the grace period):

* ``serving.duckdb`` — the ``marts`` schema copied into a new DuckDB file, written in storage version
  ``SERVING_STORAGE_VERSION`` so that DuckDB clients from 1.1 on (what many BI tools bundle) open it, and made
  read-only on disk (0444). A reader that has an older copy open keeps reading it and never blocks the
  pipeline; a new connection opens the newest publish (docs/serving.md: DuckDB 1.x in a long-lived process).
* Parquet — ``<table>/day=YYYY-MM-DD/data.parquet`` for every mart with a ``day`` column, ``<table>/data.parquet``
  for the others. A publish writes the window's days and the undated marts; every other day of the previous
  version is hard-linked into the new one (no copy), so all tables switch to the new publish together.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from dagster_project.defs.serving.versions import GRACE, current_version, staging_folder, switch_to

PUBLISHED_SCHEMA = "marts"
# The catalog name of the serving copy: DuckDB names a database after its file, ``serving.duckdb``.
SERVING_CATALOG = "serving"
# Storage format of the serving copy: 'v1.1.0' files are read by DuckDB 1.1 and every later version; DuckDB
# 2.0's own format is not read by any 1.x client. A constant, not a setting: the copy is plain tables and
# loses nothing in the older format, so no reader needs a newer one.
SERVING_STORAGE_VERSION = "v1.1.0"
READ_ONLY = 0o444


# A mart with this column is restated across days when the price book changes (docs/pricing.md): when its set
# of versions differs from the previous Parquet version's (recorded in VERSIONS_MARKER beside its days), its
# days outside the run's window may have changed, so all of them are written again instead of linked.
RESTATED_COLUMN = "price_book_version"
VERSIONS_MARKER = ".price_book_versions"


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, list[str]]]:
    rows = con.execute(
        "select table_name, list(column_name order by ordinal_position) from information_schema.columns "
        "where table_catalog = ? and table_schema = ? group by table_name order by table_name",
        [catalog, PUBLISHED_SCHEMA],
    ).fetchall()
    return [(name, list(columns)) for name, columns in rows]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_serving_copy(warehouse: Path, serving: Path, *, grace: timedelta = GRACE) -> dict[str, int]:
    """Write the marts into a new version of the serving copy and point ``serving`` at it; rows per table."""
    with staging_folder(serving) as staged:
        counts = _write_serving_copy(warehouse, staged / serving.name)
        switch_to(serving, staged, is_file=True, grace=grace)
    return counts


def export_parquet(
    warehouse: Path, out_dir: Path, first_day: date, end_day: date, *, grace: timedelta = GRACE
) -> int:
    """Publish a new Parquet version: the days [first_day, end_day) of every daily mart and every other mart
    whole are written, the other days are linked from the previous version; return the files written."""
    with staging_folder(out_dir) as staged:
        written = _write_parquet(warehouse, staged, _previous_parquet(out_dir), first_day, end_day)
        switch_to(out_dir, staged, is_file=False, grace=grace)
    return written


def publish_marts(
    warehouse: Path, serving: Path, out_dir: Path, first_day: date, end_day: date, *, grace: timedelta = GRACE
) -> tuple[dict[str, int], int]:
    """The serving copy and the Parquet version written in full first, then both switched: a failure while
    writing either (a full disk) leaves both as they were. Rows per table and Parquet files written."""
    with staging_folder(serving) as staged_copy, staging_folder(out_dir) as staged_parquet:
        counts = _write_serving_copy(warehouse, staged_copy / serving.name)
        written = _write_parquet(warehouse, staged_parquet, _previous_parquet(out_dir), first_day, end_day)
        switch_to(serving, staged_copy, is_file=True, grace=grace)
        switch_to(out_dir, staged_parquet, is_file=False, grace=grace)
    return counts, written


def _write_serving_copy(warehouse: Path, path: Path) -> dict[str, int]:
    """The marts copied into a new DuckDB file ``path`` (in a staging folder), read-only; rows per table."""
    counts: dict[str, int] = {}
    spill = path.parent / "spill"
    # in memory, tables bigger than memory spill into the staging folder (not into the working directory)
    with duckdb.connect(config={"temp_directory": str(spill)}) as con:
        con.execute(f"attach {_literal(warehouse)} as warehouse (read_only)")
        con.execute(f"attach {_literal(path)} as published (storage_version '{SERVING_STORAGE_VERSION}')")
        con.execute(f"create schema published.{PUBLISHED_SCHEMA}")
        for table, _ in _relations(con, "warehouse"):
            target = f"published.{PUBLISHED_SCHEMA}.{_quote(table)}"
            con.execute(
                f"create table {target} as select * from warehouse.{PUBLISHED_SCHEMA}.{_quote(table)}"
            )
            counts[table] = con.execute(f"select count(*) from {target}").fetchone()[0]
        con.execute("detach published")  # checkpoints: the file is complete, no WAL beside it
    shutil.rmtree(spill, ignore_errors=True)
    path.chmod(READ_ONLY)
    return counts


def _previous_parquet(out_dir: Path) -> Path | None:
    return current_version(out_dir) or (out_dir if out_dir.is_dir() else None)


def _write_parquet(
    warehouse: Path, staged: Path, previous: Path | None, first_day: date, end_day: date
) -> int:
    """The Parquet files of a new version into ``staged``; return the files written."""
    written = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        for table, columns in _relations(con, catalog):
            source = f"{PUBLISHED_SCHEMA}.{_quote(table)}"
            if "day" not in columns:
                _copy(con, f"select * from {source}", staged / table / "data.parquet")
                written += 1
                continue
            days = [first_day + timedelta(days=n) for n in range((end_day - first_day).days)]
            if RESTATED_COLUMN in columns and _restated_since(con, source, previous, staged / table):
                days = [d for (d,) in con.execute(f"select distinct day from {source} order by 1").fetchall()]
            elif previous is not None:
                _link_days_outside(previous / table, staged / table, first_day, end_day)
            for day in days:
                query = f"select * from {source} where day = date '{day.isoformat()}'"
                if con.execute(f"select count(*) from ({query})").fetchone()[0]:
                    _copy(con, query, staged / table / f"day={day.isoformat()}" / "data.parquet")
                    written += 1
                # an empty day has no folder in the new version
    return written


def _restated_since(con: duckdb.DuckDBPyConnection, source: str, previous: Path | None, target: Path) -> bool:
    """Whether a restated mart's price-book versions differ from those of the previous Parquet version (then
    its past days may have changed: all are written again); records them beside the new version's days."""
    versions = "\n".join(
        v
        for (v,) in con.execute(f"select distinct {RESTATED_COLUMN} from {source} order by 1").fetchall()
        if v
    )
    marker = previous / target.name / VERSIONS_MARKER if previous is not None else None
    unchanged = marker is not None and marker.is_file() and marker.read_text() == versions
    target.mkdir(parents=True, exist_ok=True)
    (target / VERSIONS_MARKER).write_text(versions)
    return not unchanged


def _link_days_outside(previous: Path, target: Path, first_day: date, end_day: date) -> None:
    """Hard-link the previous version's day folders outside the window: published files are never modified
    (0444, each publish writes new files), so sharing them between versions is safe and costs no copy."""
    if not previous.is_dir():
        return
    for folder in previous.glob("day=*"):
        try:
            day = date.fromisoformat(folder.name.removeprefix("day="))
        except ValueError:
            continue
        if first_day <= day < end_day:
            continue
        (target / folder.name).mkdir(parents=True)
        for file in folder.iterdir():
            if file.name.startswith("."):  # a temporary file the layout before versioning may have left
                continue
            try:
                os.link(file, target / folder.name / file.name)
            except OSError:  # a file system without hard links: copy
                shutil.copy2(file, target / folder.name / file.name)


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to {_literal(target)} (format parquet, compression zstd)")
    target.chmod(READ_ONLY)
