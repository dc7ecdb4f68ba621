"""``aiecon demo``: the main job for the last N complete days, against the simulator, then a summary.

dagster-dbt copies every dbt log line to stdout (two per node: START and the result, so about a thousand
for a ``dbt build``). The demo keeps them off the console: ``console_to_log`` copies the whole console
(stdout and stderr) to a log file under the data directory and holds back the lines of each dbt
invocation (from ``Running with dbt=`` to its ``Done.`` line), which ``DbtSummary`` reads; the demo then
prints the counts per status and every failure and warning with dbt's own message.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import duckdb

from dagster_project.settings import warehouse_path

SUMMARY_SQL = """
with ours as (
    select day, dimension_value as provider, cast(cost_usd as double) as cost_usd
    from marts.cost_by_dimension_daily
    where source_system = 'revenium' and dimension_name = 'provider' and day >= ? and day < ?
),
vendor as (
    select _day as day, sum(cost_usd) as revenium_figure
    from raw_revenium.analytics_cost_by_provider
    where _day >= ? and _day < ?
    group by _day
)
select o.day, o.provider, o.cost_usd, t.day_total, v.revenium_figure
from ours o
join (select day, sum(cost_usd) as day_total from ours group by day) t using (day)
left join vendor v using (day)
order by o.day, o.cost_usd desc
"""


def demo_days(days: int, today: date | None = None) -> tuple[date, date]:
    """The last ``days`` complete UTC days: [first, last]."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=days), today - timedelta(days=1)


def cost_by_provider_table(first: date, last: date) -> str:
    """Cost by provider per day (Revenium source) beside Revenium's own daily figure, as text."""
    end = last + timedelta(days=1)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        rows = con.execute(SUMMARY_SQL, [first, end, first, end]).fetchall()
    providers = sorted({r[1] for r in rows})
    by_day: dict[date, dict] = {}
    for day, provider, cost, total, figure in rows:
        entry = by_day.setdefault(day, {"total": total, "figure": figure})
        entry[provider] = cost
    header = ["day", *providers, "total", "revenium", "diff"]
    lines = [header]
    for day in sorted(by_day):
        e = by_day[day]
        # round before formatting so a difference of a fraction of a cent prints as 0.00, not -0.00
        diff = round(e["total"] - e["figure"], 2) + 0.0 if e["figure"] is not None else None
        lines.append(
            [
                day.isoformat(),
                *(f"{e.get(p, 0.0):,.2f}" for p in providers),
                f"{e['total']:,.2f}",
                "-" if e["figure"] is None else f"{e['figure']:,.2f}",
                "-" if diff is None else f"{diff:+.2f}",
            ]
        )
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(header))]
    out = []
    for n, row in enumerate(lines):
        out.append(
            "  ".join(
                str(c).rjust(w) if i else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


# -- the dbt output: summarised on the console, in full in a log file ----------------------------------
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "12 of 529 OK created sql view model staging.stg_x ...... [OK in 0.05s]", "3 of 9 FAIL 2 not_null_x [FAIL 2]"
RESULT_LINE = re.compile(r"^\s*(\d+) of (\d+) ([A-Z][A-Z-]*) (.*?)\s*\[[^\]]*\]\s*$")
STATUS = {"OK": "PASS", "PASS": "PASS", "SUCCESS": "PASS", "WARN": "WARN", "ERROR": "ERROR", "FAIL": "ERROR"}
STATUS |= {"SKIP": "SKIP", "NO-OP": "NO-OP"}
SHOWN = ("PASS", "WARN", "ERROR", "SKIP")  # always printed, in this order; other statuses when non-zero


@dataclass
class DbtSummary:
    """What the dbt invocations of a run said, read line by line from their console output."""

    counts: Counter[str] = field(default_factory=Counter)  # per status, from dbt's "Done." lines
    counted: Counter[str] = field(default_factory=Counter)  # per status, from the result lines
    problems: list[tuple[str, str]] = field(default_factory=list)  # (status, node) of WARN and ERROR
    details: list[str] = field(default_factory=list)  # dbt's own account of them (node and message)
    invocations: int = 0
    finished: int = 0
    _inside: bool = False
    _in_details: bool = False

    def feed(self, raw: str) -> bool:
        """Read one console line; True when it is dbt's (so the console need not show it)."""
        line = ANSI.sub("", raw).rstrip()
        if line.startswith("Running with dbt="):  # a new invocation (it also ends one that never finished)
            self.invocations += 1
            self._inside, self._in_details = True, False
            return True
        if not self._inside:
            return False
        if line.startswith("Done. ") and "TOTAL=" in line:
            for key, _, value in (part.partition("=") for part in line[len("Done. ") :].split()):
                if value.isdigit():
                    self.counts[key] += int(value)
            self.finished += 1
            self._inside = self._in_details = False
            return True
        if line.startswith("Completed with "):  # dbt's failure section follows, up to "Done."
            self._in_details = True
            return True
        if self._in_details:
            if line.strip():
                self.details.append(line)
            return True
        match = RESULT_LINE.match(line)
        if match and match.group(3) != "START":
            status = STATUS.get(match.group(3), match.group(3))
            self.counted[status] += 1
            if status in ("WARN", "ERROR"):
                words = match.group(4).rstrip(" .").split()
                self.problems.append((match.group(3), words[-1] if words else match.group(4)))
        return True

    def render(self, log_path: Path | None = None) -> str:
        where = f" (full dbt output: {log_path})" if log_path else ""
        if not self.invocations:
            return f"dbt: did not run{where}"
        counts = self.counts if self.finished == self.invocations else self.counted
        total = counts.get("TOTAL", sum(counts.values()))
        shown = [*SHOWN, *sorted(k for k in counts if k not in (*SHOWN, "TOTAL") and counts[k])]
        line = f"dbt: {total} nodes: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in shown) + where
        out = [line]
        if self.finished < self.invocations:
            out.append("dbt did not finish (it stopped before its summary): see the full output")
        if self.problems:
            out.append("dbt nodes that warned or failed:")
            out += [f"  {status:<5} {node}" for status, node in self.problems]
        if self.details:
            out.append("dbt's messages for them:")
            out += [f"  {d}" for d in self.details]
        return "\n".join(out)


class _ConsoleTee(io.TextIOBase):
    """A console stream that copies every line to a log file and shows those ``hide`` does not claim."""

    def __init__(self, console: IO[str], log: IO[str], lock: threading.Lock, hide: Any = None) -> None:
        self._console, self._log, self._lock, self._hide = console, log, lock, hide
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._buffer += text
            while "\n" in self._buffer:
                line, self._buffer = self._buffer.split("\n", 1)
                self._line(line)
        return len(text)

    def _line(self, line: str) -> None:
        self._log.write(line + "\n")
        if self._hide is None or not self._hide(line):
            self._console.write(line + "\n")
            self._console.flush()

    def flush(self) -> None:
        with self._lock:
            self._log.flush()
            self._console.flush()

    def close_buffer(self) -> None:
        with self._lock:
            if self._buffer:
                self._line(self._buffer)
                self._buffer = ""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:  # a library that writes to the descriptor reaches the console, not the log
        return self._console.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._console, "encoding", "utf-8")


@contextmanager
def console_to_log(log_path: Path) -> Iterator[DbtSummary]:
    """Copy stdout and stderr to ``log_path``; hold dbt's lines back from the console and summarise them."""
    summary = DbtSummary()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()
    with log_path.open("a", encoding="utf-8") as log:
        out = _ConsoleTee(sys.stdout, log, lock, hide=summary.feed)
        err = _ConsoleTee(sys.stderr, log, lock)
        previous = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            yield summary
        finally:
            sys.stdout, sys.stderr = previous
            out.close_buffer()
            err.close_buffer()


def demo_log_path(data: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return data / "logs" / f"demo-{stamp}.log"
