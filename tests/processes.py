"""Linux process helpers for the tests that kill runs and services: children read from /proc, liveness
(a zombie counts as dead: an orphan's zombie waits for an init that may not reap it), waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name (state, parent pid, ...); raises OSError when gone."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2 :].split()


def alive(pid: int) -> bool:
    try:
        return _stat_fields(pid)[0] not in ("Z", "X")
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(entry.name)[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str, every_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout_s:.0f}s waiting for {what}")
        time.sleep(every_s)
