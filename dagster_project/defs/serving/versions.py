"""Versioned publishing: each publish is a new, immutable version, and one stable path (a symlink) is switched
to it atomically; versions retired longer than a grace period are pruned.

For a stable path ``<dir>/<name>`` the versions live in ``<dir>/<stem>-versions/<stamp>/``; the stable path is
a relative symlink to ``<stamp>/<name>`` (a file: the serving copy) or to ``<stamp>`` itself (a folder: the
Parquet tree). Why a symlink and not a rename of the file itself:

* one rename of the link switches everything a publish wrote (every Parquet table) at once;
* DuckDB 2.0 keeps one database instance per process for each *resolved* path: with a plain rename, a
  second connection opened in a process that still had the old copy open got the old copy (same path, cached
  instance). Each version has its own resolved path, so every new connection opens the newest publish, and
  every version of the serving copy keeps the file name ``<name>`` (DuckDB names the catalog after it).
  DuckDB 1.x keys its cache on the path as given: there, ATTACH opens the newest (docs/serving.md).

A version stops being reachable when the next one is switched in (its stamp is taken just before the
switch); it is deleted ``grace`` later, so a query that resolved it just before the switch can finish. On
Linux an open file stays readable after it is deleted, so a connection holding an old copy keeps it anyway.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

GRACE = timedelta(hours=1)
_STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"  # sorts by time; 23 characters
_STAGING_PREFIX = ".staging-"


def versions_dir(stable: Path) -> Path:
    return stable.with_name(f"{stable.stem}-versions")


def current_version(stable: Path) -> Path | None:
    """The version folder the stable path points at, or None before the first versioned publish."""
    if not stable.is_symlink():
        return None
    target = Path(os.path.realpath(stable))
    folder = target if target.is_dir() else target.parent
    return folder if folder.parent == Path(os.path.realpath(versions_dir(stable))) else None


@contextmanager
def staging_folder(stable: Path) -> Iterator[Path]:
    """An empty folder inside the versions folder to write the next version into; removed if the block fails."""
    folder = versions_dir(stable) / f"{_STAGING_PREFIX}{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def switch_to(stable: Path, staged: Path, *, is_file: bool, grace: timedelta = GRACE) -> Path:
    """Make ``staged`` the newest version, point the stable path at it in one rename, prune; return the version."""
    root = versions_dir(stable)
    legacy = None
    if stable.is_dir() and not stable.is_symlink():
        # The layout before versioning (a real folder): it becomes a retired version, so it stays readable for
        # the grace period. A folder cannot be replaced by a link in one rename: this one-time move leaves the
        # stable path missing for a moment.
        legacy = root / _stamp()
        os.rename(stable, legacy)
    version = root / _stamp()
    while legacy is not None and version.name <= legacy.name:
        version = root / _stamp()
    os.rename(staged, version)
    target = version / stable.name if is_file else version
    link = stable.with_name(f".{stable.name}.{uuid.uuid4().hex}.link")
    os.symlink(os.path.relpath(target, stable.parent), link)
    os.replace(link, stable)  # the switch: atomic, a reader resolves either the old or the new version
    prune(stable, now=datetime.now(UTC), grace=grace)
    return version


def prune(stable: Path, *, now: datetime, grace: timedelta = GRACE) -> list[Path]:
    """Delete the versions that stopped being reachable more than ``grace`` before ``now``, and staging folders
    of publishes that crashed; return what was deleted. Never the current version."""
    root = versions_dir(stable)
    if not root.is_dir():
        return []
    current = current_version(stable)
    versions = sorted(p for p in root.iterdir() if _stamp_time(p.name) is not None)
    removed: list[Path] = []
    for i, version in enumerate(versions):
        if current is not None and version.name == current.name:
            continue
        # reachable until its successor was switched in; one with no successor was never switched in
        retired = _stamp_time(versions[i + 1].name if i + 1 < len(versions) else version.name)
        if retired is not None and retired <= now - grace:
            shutil.rmtree(version, ignore_errors=True)
            removed.append(version)
    for staging in root.glob(f"{_STAGING_PREFIX}*"):
        started = datetime.fromtimestamp(staging.stat().st_mtime, UTC)
        if started <= now - grace:
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    return removed


def _stamp() -> str:
    return datetime.now(UTC).strftime(_STAMP_FORMAT) + "-" + uuid.uuid4().hex[:6]


def _stamp_time(name: str) -> datetime | None:
    try:
        return datetime.strptime(name[:23], _STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
