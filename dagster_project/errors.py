"""What an operator reads when a vendor's load fails: one line, the vendor's own words, never a stack of
wrappers (dlt wraps a source's error in its pipeline, extract and resource errors)."""

from __future__ import annotations

MAX_CHARS = 300


def root_cause_line(error: BaseException) -> str:
    """The first line of the innermost cause of ``error`` (the vendor client's one-line error, when the
    failure came from a vendor), at most ``MAX_CHARS`` characters."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:MAX_CHARS]
