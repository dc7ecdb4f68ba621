"""``aiecon simulator`` takes every option of ``python -m simulator`` (a real start and stop, a few seconds)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from dagster_project.cli import main

KEYS = {"REVENIUM_API_KEY": "k-rev", "HELICONE_API_KEY": "k-hel", "ORQ_API_KEY": "k-orq"}


def test_simulator_options_reach_the_simulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    port_file = tmp_path / "base_url"
    seen: dict = {}
    returned = threading.Event()

    def probe_then_stop() -> None:
        try:
            deadline = time.monotonic() + 20
            while not (port_file.exists() and port_file.read_text().strip()):
                if returned.is_set() or time.monotonic() > deadline:
                    return
                time.sleep(0.05)
            base_url = port_file.read_text().strip()
            seen["world"] = requests.get(base_url + "/_sim/world", timeout=5).json()
            seen["port"] = int(base_url.rsplit(":", 1)[1])
        finally:  # stop the simulator through its SIGTERM handler (main runs in the main thread)
            if not returned.is_set():
                os.kill(os.getpid(), signal.SIGTERM)

    # main puts back the handler it found: a SIGTERM that comes late then hits this no-op, not pytest.
    outer = signal.signal(signal.SIGTERM, lambda *_: None)
    prober = threading.Thread(target=probe_then_stop, daemon=True)
    prober.start()
    try:
        code = main(
            [
                "simulator",
                "--port", "0",
                "--seed", "7",
                "--calls-per-day", "321",
                "--team-ids", "tmOne0001,tmTwo0002",
                "--start-day", "2025-01-01",
                "--no-rate-limits",
                "--port-file", str(port_file),
                "--log-level", "ERROR",
            ]
        )  # fmt: skip
    finally:
        returned.set()
        prober.join(timeout=10)
        signal.signal(signal.SIGTERM, outer)
    assert code == 0
    assert seen["port"] > 0
    world = seen["world"]
    assert (world["seed"], world["calls_per_day"]) == (7, 321)
    assert world["team_ids"] == ["tmOne0001", "tmTwo0002"]
    assert world["start_day"] == "2025-01-01"


def test_simulator_help_lists_the_simulator_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["simulator", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--seed", "--calls-per-day", "--start-day", "--port-file", "--rate-limit-scale"):
        assert option in out


def test_simulator_rejects_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["simulator", "--no-such-option"])
    assert exit_.value.code == 2
    assert "--no-such-option" in capsys.readouterr().err
