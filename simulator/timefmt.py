"""Time on the wire and inside the world.

Inside the world every instant is an integer number of milliseconds since the Unix epoch (UTC): numpy can
sort, search and bucket those without any datetime objects. These helpers turn them into the vendors'
ISO-8601 strings and back.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

DAY_MS = 86_400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = date(1970, 1, 1)
# A '+' in an unencoded query string arrives as a space: "…T00:00:00 00:00" means "+00:00".
_SPACE_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


class TimeParseError(ValueError):
    pass


def day_start_ms(day: date) -> int:
    return (day - _EPOCH_DATE).days * DAY_MS


def day_of_ms(ms: int) -> date:
    return _EPOCH_DATE + timedelta(days=ms // DAY_MS)


def iso_ms(ms: int) -> str:
    """``2024-01-01T12:34:56.789Z`` (Revenium, Helicone)."""
    ms = int(ms)
    dt = _EPOCH + timedelta(milliseconds=ms)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def iso_seconds(ms: int) -> str:
    """``2024-01-01T12:00:00Z`` (orq bucket starts, RFC 3339 without fractions)."""
    return f"{_EPOCH + timedelta(milliseconds=int(ms)):%Y-%m-%dT%H:%M:%S}Z"


def datetime_to_ms_ceil(value: datetime) -> int:
    """Milliseconds of an aware datetime, rounded up: a bound of 10:00:00.0005 excludes a call at 10:00:00.000.

    Calls happen on whole milliseconds, so ``t >= bound`` and ``t >= ceil(bound)`` select the same calls.
    """
    delta = value - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return -(-micros // 1000)


def datetime_to_ms_floor(value: datetime) -> int:
    delta = value - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros // 1000


def parse_iso(text: str, *, assume_utc: bool = True) -> datetime:
    """Parse ISO-8601 / RFC 3339 (``Z`` or an offset, any fraction) into an aware datetime.

    A value without a zone is taken as UTC, as the Revenium CLI does when it appends ``Z``.
    """
    if not isinstance(text, str) or not text.strip():
        raise TimeParseError(f"not a timestamp: {text!r}")
    s = _SPACE_OFFSET.sub(r"+\1", text.strip())
    if s.endswith(("z", "Z")):
        s = s[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(s)
    except ValueError as exc:
        raise TimeParseError(f"not an ISO-8601 timestamp: {text!r}") from exc
    if value.tzinfo is None:
        if not assume_utc:
            raise TimeParseError(f"timestamp has no time zone: {text!r}")
        value = value.replace(tzinfo=UTC)
    return value


def now_ms(clock_value: datetime) -> int:
    """The visibility cut-off for a clock reading: calls at or before this millisecond are visible."""
    if clock_value.tzinfo is None:
        clock_value = clock_value.replace(tzinfo=UTC)
    return datetime_to_ms_floor(clock_value)
