"""UTC time windows: the unit a partition run pulls, and the days inside it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_z(value: datetime) -> str:
    """ISO-8601 with milliseconds and a Z, the form every vendor here accepts."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.") + f"{as_utc(value).microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start))
        object.__setattr__(self, "end", as_utc(self.end))
        if self.end <= self.start:
            raise ValueError(f"empty window: {self.start.isoformat()} .. {self.end.isoformat()}")

    @classmethod
    def for_days(cls, first: date, last_exclusive: date) -> Window:
        return cls(datetime.combine(first, time(), UTC), datetime.combine(last_exclusive, time(), UTC))

    def days(self) -> Iterator[Window]:
        """The window cut at UTC midnights: one sub-window per day it touches."""
        cursor = self.start
        while cursor < self.end:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), UTC)
            end = min(midnight, self.end)
            yield Window(cursor, end)
            cursor = end

    def halves(self, align: timedelta) -> tuple[Window, Window] | None:
        """Split in two at a multiple of ``align`` from the start, or None when it cannot be split."""
        steps = int((self.end - self.start) / align)
        if steps < 2:
            return None
        middle = self.start + align * (steps // 2)
        return Window(self.start, middle), Window(middle, self.end)

    @property
    def day_span(self) -> tuple[date, date]:
        """[first day, day after the last) of the UTC days the window touches."""
        last = self.end.date() if self.end.time() == time() else self.end.date() + timedelta(days=1)
        return self.start.date(), last

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
