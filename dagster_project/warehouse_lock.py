"""One writer of the warehouse at a time, across processes: a second writer is refused at once.

DuckDB takes one writing process, and two runs of the same day would each replace the other's rows. The
Dagster pool ``duckdb_warehouse`` serialises the steps of runs of one Dagster instance only; ``aiecon build``,
a second instance or a test harness would not wait for it. So every writer (``aiecon build`` for its whole
run; the Dagster ingest, dbt and publish steps) holds an exclusive ``flock`` on a lock file beside the
warehouse. The lock is non-blocking: a second writer fails at once with one line naming the holder (pid,
host, command, start time), written into the lock file by the holder. The kernel releases a ``flock`` when
its process dies, ``kill -9`` included, so a crashed run never leaves the lock behind; the holder line it
leaves is overwritten by the next holder.

With ``AIECON_DESTINATION=postgres`` the lock file lives in the data directory: it guards the writers of one
machine only (docs/operations.md, Crashes and concurrent runs).
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.destination import destination_name
from dagster_project.settings import data_dir, warehouse_path


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse writer lock."""


def lock_path() -> Path:
    """``<warehouse>.writer.lock`` beside the DuckDB file; for PostgreSQL, ``warehouse-postgres.writer.lock``
    in the data directory."""
    if destination_name() == "postgres":
        return data_dir() / "warehouse-postgres.writer.lock"
    warehouse = warehouse_path()
    return warehouse.with_name(warehouse.name + ".writer.lock")


def _warehouse_label() -> str:
    return (
        str(warehouse_path()) if destination_name() != "postgres" else "PostgreSQL (this machine's writers)"
    )


def _command_line() -> str:
    return " ".join(shlex.quote(a) for a in [Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:]])


# This process's holds: path -> (file, depth). flock conflicts between two open files even within one
# process, so a nested hold (a Dagster step inside `aiecon build`'s, a test) re-uses the first.
_held: dict[Path, tuple[int, int]] = {}
_guard = threading.Lock()


BUSY_PHRASE = "is being written by another run"


def busy_message(path: Path, holder: dict) -> str:
    """The one line a refused writer prints."""
    who = (
        f"pid {holder.get('pid', '?')} on host {holder.get('host', '?')}, `{holder.get('command', '?')}`, "
        f"since {holder.get('since', '?')}"
        if holder
        else f"holder unknown: see {path}"
    )
    return f"the warehouse {_warehouse_label()} {BUSY_PHRASE} ({who}): wait for it or stop it"


def read_holder(path: Path) -> dict:
    """What the holder wrote into the lock file ({} when unreadable)."""
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


@contextmanager
def warehouse_writer(command: str | None = None) -> Iterator[Path]:
    """Hold the warehouse writer lock for the block; raise ``WarehouseBusy`` at once if another process holds
    it. ``command``: what the holder line says this process is doing (default: its command line)."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            nested = True
        else:
            nested = False
    if not nested:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WarehouseBusy(busy_message(path, read_holder(path))) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command or _command_line(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode(), 0)
        except OSError:  # a full disk: never keep a lock nobody will release
            _release(fd)
            raise
        with _guard:
            _held[path] = (fd, 1)
    try:
        yield path
    finally:
        with _guard:
            fd, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                del _held[path]
                try:
                    os.ftruncate(fd, 0)  # no holder line left behind by a finished run
                finally:
                    _release(fd)


def _release(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# A Dagster step that finds the warehouse busy (``aiecon build``, ``aiecon prune``, another instance) waits
# and tries again, rather than fail as if its vendor or dbt had failed.
STEP_BUSY_RETRIES = 10
STEP_BUSY_WAIT_S = 60


@contextmanager
def step_warehouse_writer(command: str) -> Iterator[Path]:
    """``warehouse_writer`` for a Dagster step: a busy warehouse asks Dagster to retry the step (up to
    ``STEP_BUSY_RETRIES`` times, ``STEP_BUSY_WAIT_S`` apart); when the retries run out the step fails with the
    busy line, which ``is_busy_failure`` recognises (the failure sensor then asks for no partial run)."""
    import dagster as dg

    stack = ExitStack()
    try:
        path = stack.enter_context(warehouse_writer(command))
    except WarehouseBusy as busy:
        raise dg.RetryRequested(max_retries=STEP_BUSY_RETRIES, seconds_to_wait=STEP_BUSY_WAIT_S) from busy
    with stack:
        yield path


def is_busy_failure(message: str) -> bool:
    """Whether a step failed because another writer held the warehouse (``busy_message``)."""
    return BUSY_PHRASE in message
