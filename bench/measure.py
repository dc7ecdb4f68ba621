"""Timing and peak memory of one step, run in a child process so that its RSS is its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StepResult:
    seconds: float  # wall time of the child, start to exit
    peak_rss_mb: float  # the child's peak resident set (ru_maxrss), MiB
    output: dict[str, Any]  # the JSON object the step printed last on stdout (empty if none)


def run_step(argv: Sequence[str], env: Mapping[str, str] | None = None, label: str = "") -> StepResult:
    """Run ``argv`` to completion; fail loudly (with its stderr tail) when it exits non-zero.

    ``os.wait4`` gives the rusage of exactly this child (and not of earlier ones, as RUSAGE_CHILDREN would).
    Peak RSS covers the child's own process only: a step that starts grandchildren must not (ours don't).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Peak RSS is the child's own VmHWM, polled: ``ru_maxrss`` from wait4 also counts the memory image the
    # child was forked from (Linux records the pre-exec high-water mark), i.e. this parent's size.
    hwm = _HighWaterMark(proc.pid)
    # Read both pipes to the end before reaping, so a chatty child never blocks on a full pipe.
    stdout, stderr = _drain(proc)
    hwm.stop()
    _, status, _usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join((stdout + "\n" + stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"step {label or argv[:4]} exited with {proc.returncode}:\n{tail}")
    output: dict[str, Any] = {}
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            output = json.loads(line)
            break
    return StepResult(seconds, hwm.peak_kb / 1024, output)


class _HighWaterMark:
    """Polls ``VmHWM`` of one process (its peak resident set since exec) until stopped."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        import threading

        self.pid, self.interval_s, self.peak_kb = pid, interval_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass

    def _poll(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._read()

    def stop(self) -> None:
        self._read()  # the child has closed its pipes but is not reaped yet: its status is still readable
        self._stop.set()
        self._thread.join()


def _drain(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Read stdout and stderr to EOF without reaping the process (``communicate`` would reap it)."""
    import threading

    chunks: dict[str, str] = {}

    def read(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    threads = [
        threading.Thread(target=read, args=("out", proc.stdout)),
        threading.Thread(target=read, args=("err", proc.stderr)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return chunks.get("out", ""), chunks.get("err", "")


def python_step(module: str, *args: str, env: Mapping[str, str] | None = None) -> StepResult:
    """``python -m module args...`` with this interpreter (the project's venv)."""
    return run_step([sys.executable, "-m", module, *args], env=env, label=module)


def emit(payload: Mapping[str, Any]) -> None:
    """What a step prints last: one JSON line its parent reads."""
    print(json.dumps(payload), flush=True)
