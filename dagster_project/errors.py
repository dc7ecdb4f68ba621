"""What an operator reads when a vendor's load fails: one line, the vendor's own words, never a stack of
wrappers (dlt wraps a source's error in its pipeline, extract and resource errors)."""

from __future__ import annotations

from ingestion.core.http_client import VendorAPIError

MAX_CHARS = 300


def one_line(message: str | None, fallback: str = "failed") -> str:
    """The first non-blank line of ``message`` (``fallback`` when there is none), at most ``MAX_CHARS``."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return (lines[0] if lines else fallback)[:MAX_CHARS]


def root_cause(error: BaseException) -> BaseException:
    """The innermost cause of ``error``."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return error


def root_cause_line(error: BaseException) -> str:
    """The first line of the innermost cause of ``error`` (the vendor client's one-line error, when the
    failure came from a vendor), at most ``MAX_CHARS`` characters."""
    cause = root_cause(error)
    return one_line(str(cause), type(cause).__name__)


def cause_fields(error: BaseException) -> dict[str, str | int]:
    """The vendor call that failed, as fields, when the innermost cause is the vendor client's error:
    ``endpoint`` (scheme, host and path: no query string, no credentials), ``outcome`` ("HTTP 401",
    "timeout", ...) and ``status`` (the HTTP status, when there was a response). Empty otherwise."""
    cause = root_cause(error)
    if not isinstance(cause, VendorAPIError):
        return {}
    fields: dict[str, str | int] = {"endpoint": cause.endpoint, "outcome": cause.outcome}
    if cause.status is not None:
        fields["status"] = cause.status
    return fields
