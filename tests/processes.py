"""Linux process helpers for the tests that kill runs and services: children read from /proc, liveness
(a zombie counts as dead: an orphan's zombie waits for an init that may not reap it), waiting for a condition
or a Dagster webserver."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests


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


def wait_until(
    condition: Callable[[], bool],
    timeout_s: float,
    what: str,
    every_s: float = 0.1,
    detail: Callable[[], str] | None = None,
) -> None:
    """Poll ``condition``; fail the test after ``timeout_s`` naming ``what`` (and ``detail()``, e.g. a log)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(
                f"gave up after {timeout_s:.0f}s waiting for {what}" + (f":\n{detail()}" if detail else "")
            )
        time.sleep(every_s)


def webserver_up(url: str) -> bool:
    """Whether the Dagster webserver at ``url`` answers."""
    try:
        return requests.get(f"{url}/server_info", timeout=2).ok
    except requests.RequestException:
        return False


def graphql(url: str, query: str, variables: dict) -> dict:
    """One query to the Dagster webserver's GraphQL API; its data (a GraphQL error fails the test)."""
    response = requests.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]
