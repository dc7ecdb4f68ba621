"""``python -m simulator``: serve the simulated vendors until killed.

    REVENIUM_API_KEY=... HELICONE_API_KEY=... ORQ_API_KEY=... \\
        python -m simulator --host 127.0.0.1 --port 0 --seed 42 --calls-per-day 20000 \\
        [--team-ids tmAcme01,tmBeta02] [--start-day 2024-01-01] [--no-rate-limits] \\
        [--rate-limit-scale 1.0] [--port-file PATH]

Once listening it prints the base URL (``http://HOST:PORT``) on stdout and, with ``--port-file``, writes
it to that file (atomically, so a poller never reads half a URL). SIGTERM or SIGINT stops it cleanly.
The keys the faces accept come from the environment; there are no defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path

# Only the standard library at import: ``aiecon`` builds its ``simulator`` subcommand from add_arguments
# without paying for numpy and the world on every other command.


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The simulator's options, on ``p`` (``python -m simulator`` and ``aiecon simulator`` share them)."""
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--calls-per-day", type=int, default=20_000)
    p.add_argument("--team-ids", default="tmAcme01", help="comma-separated Revenium team ids")
    p.add_argument(
        "--start-day", type=date.fromisoformat, default=date(2024, 1, 1), help="first day with calls"
    )
    p.add_argument("--no-rate-limits", action="store_true", help="turn the vendors' rate limits off")
    p.add_argument("--rate-limit-scale", type=float, default=1.0, help="multiply every rate limit")
    p.add_argument(
        "--helicone-page-overlap",
        type=int,
        default=0,
        help="Helicone quirk: each query-clickhouse page after the first repeats this many rows of the one before",
    )
    p.add_argument(
        "--clock",
        type=_utc_time,
        default=None,
        help="serve as if the time were this UTC moment (ISO, e.g. 2026-03-03T18:00:00): later calls are not "
        "served yet (default: the real clock)",
    )
    p.add_argument("--port-file", type=Path, help="also write the base URL to this file")
    p.add_argument("--log-level", default="WARNING")
    return p


def _utc_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    return add_arguments(
        argparse.ArgumentParser(prog="python -m simulator", description=__doc__.split("\n")[0])
    )


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    return serve(_parser().parse_args(argv))


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or SIGINT, with the options of ``add_arguments`` in ``args``."""
    from simulator.server import MissingKeyError, SimKeys, SimulatorServer
    from simulator.world import World

    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        keys = SimKeys.from_env()
    except MissingKeyError as exc:
        print(f"simulator: {exc}", file=sys.stderr)
        return 2
    team_ids = tuple(t.strip() for t in args.team_ids.split(",") if t.strip())
    world = World(
        seed=args.seed, calls_per_day=args.calls_per_day, team_ids=team_ids, start_day=args.start_day
    )
    stop = threading.Event()
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Outside the main thread signals cannot be caught; Ctrl-C then raises KeyboardInterrupt below.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    server = SimulatorServer(
        world,
        keys,
        host=args.host,
        port=args.port,
        rate_limits=not args.no_rate_limits,
        rate_limit_scale=args.rate_limit_scale,
        clock=(lambda: args.clock) if args.clock is not None else None,
    )
    server.faces["helicone"].page_overlap = max(0, args.helicone_page_overlap)
    server.start()
    try:
        print(server.base_url, flush=True)
        if args.port_file:
            _write_atomically(args.port_file, server.base_url + "\n")
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
