"""Revenium's request parsing, Spring Data paging, HAL links and list envelopes, and its error bodies.

Shared by the completions, media and agentic lists of the platform host and the analytics host: windows
from ``startDate``/``endDate`` (or a ``period``), ``page``/``size``/``sort``, the ``page`` block and
``_links``, the envelope ``ReveniumOptions.envelope`` picks, and ``windowed_list`` (one page of a per-day
table for one team).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import numpy as np

from simulator.responses import Request, Response, json_response
from simulator.revenium import agentic as ag
from simulator.timefmt import TimeParseError, datetime_to_ms_ceil, day_of_ms, parse_iso
from simulator.views import page_of_parts
from simulator.world import DayCalls

if TYPE_CHECKING:
    from simulator.revenium.api import ReveniumPlatform
    from simulator.revenium.options import ReveniumOptions

DEFAULT_SIZE = 20
MAX_SIZE = 100
DEFAULT_WINDOW = timedelta(hours=24)


def error_response(status: int, message: str) -> Response:
    """Revenium's error bodies: ``{"error": ...}`` for auth and rate limits, ``{"details": {...}}`` else."""
    if status in (401, 403, 429) or status >= 500:
        return json_response(status, {"error": message})
    return json_response(status, {"details": {"error": message}})


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


# -- request parsing ------------------------------------------------------------------------------------
def parse_window(req: Request, cutoff_ms: int) -> tuple[int, int]:
    """[start, end) in epoch ms from startDate/endDate (ISO-8601, ``Z`` or offset, fraction optional)."""
    bounds: dict[str, int] = {}
    for name in ("startDate", "endDate"):
        value = req.param(name)
        if value is None or value == "":
            continue
        try:
            bounds[name] = datetime_to_ms_ceil(parse_iso(value))
        except TimeParseError as exc:
            raise BadRequest(
                f"Expected ISO 8601 format (e.g. 2025-09-01T00:00:00Z) for {name}, got {value!r}"
            ) from exc
    end = bounds.get("endDate", cutoff_ms + 1)
    start = bounds.get("startDate", end - int(DEFAULT_WINDOW.total_seconds() * 1000))
    return start, end


def int_param(req: Request, name: str, default: int) -> int:
    value = req.param(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise BadRequest(f"Failed to convert value of type 'String' to 'int' for {name}: {value!r}") from exc


def paging(req: Request) -> tuple[int, int]:
    """(page, size) the Spring way: page < 0 is 0, size < 1 is the default, size > 100 is 100."""
    page = max(0, int_param(req, "page", 0))
    size = int_param(req, "size", DEFAULT_SIZE)
    size = DEFAULT_SIZE if size < 1 else min(size, MAX_SIZE)
    return page, size


def sort_desc(req: Request) -> bool:
    """True for ``timestamp,desc`` (the default); the first ``sort`` parameter decides."""
    value = req.param("sort")
    if not value:
        return True
    prop, _, direction = (part.strip() for part in value.partition(","))
    if prop not in ("timestamp", "requestTime"):
        raise BadRequest(f"No property '{prop}' found for type 'AICompletionMetricResource'")
    direction = direction.lower() or "asc"
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction {direction!r}; use asc or desc")
    return direction == "desc"


def sort_param(req: Request, props: tuple[str, ...], default_desc: bool, resource: str) -> bool:
    value = req.param("sort")
    if not value:
        return default_desc
    prop, _, direction = (part.strip() for part in value.partition(","))
    if prop not in props:
        raise BadRequest(f"No property '{prop}' found for type '{resource}'")
    direction = direction.lower() or "asc"
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction {direction!r}; use asc or desc")
    return direction == "desc"


def period_ms(req: Request, default: str | None) -> int | None:
    value = req.param("period") or default
    if value is None:
        return None
    if value.upper() not in ag.PERIODS_MS:
        raise BadRequest(f"Invalid period {value!r}; use one of {', '.join(ag.PERIODS_MS)}")
    return ag.PERIODS_MS[value.upper()]


def href(req: Request, **overrides: Any) -> str:
    pairs = [(k, v) for k, v in parse_qsl(req.query_string, keep_blank_values=True) if k not in overrides]
    pairs += [(k, str(v)) for k, v in overrides.items()]
    return f"{req.base_url}{req.path}?{urlencode(pairs, safe=':,')}"


def page_block(size: int, total: int, page: int) -> dict[str, int]:
    return {"size": size, "totalElements": total, "totalPages": math.ceil(total / size), "number": page}


def links(req: Request, page: int, size: int, total_pages: int, sort: str | None = None) -> dict[str, Any]:
    extra = {"sort": sort} if sort else {}
    links: dict[str, Any] = {}
    if page > 0:
        links["prev"] = {"href": href(req, page=min(page - 1, max(total_pages - 1, 0)), size=size, **extra)}
    links["self"] = {"href": href(req, page=page, size=size, **extra)}
    if page + 1 < total_pages:
        links["next"] = {"href": href(req, page=page + 1, size=size, **extra)}
    return links


# -- list envelopes -------------------------------------------------------------------------------------
def list_body(
    options: ReveniumOptions,
    req: Request,
    list_key: str,
    records: list[dict[str, Any]],
    block: dict[str, int],
    sort: str | None = None,
) -> Any:
    """One page of a platform list in the configured envelope."""
    if options.envelope == "bare":
        return records
    if options.envelope == "content":
        return {"content": records, "page": block}
    body: dict[str, Any] = {}
    if records:
        body["_embedded"] = {list_key: records}
    elif options.envelope == "hal_empty_embedded":
        body["_embedded"] = {}
    body["page"] = block
    body["_links"] = links(req, block["number"], block["size"], block["totalPages"], sort)
    return body


def windowed_list(
    platform: ReveniumPlatform,
    req: Request,
    table: Callable[[DayCalls], ag.DayTable],
    list_key: str,
    sort_props: tuple[str, ...],
    resource: str,
    default_desc: bool = True,
    dates: bool = True,
    period_default: str | None = None,
) -> Response:
    """A HAL list of one of the per-day tables, for one team and [startDate, endDate) (or a period)."""
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    period = period_ms(req, period_default)
    if dates and (req.param("startDate") or req.param("endDate") or period is None):
        start, end = parse_window(req, cutoff)
    elif period is not None:
        start, end = cutoff - period, cutoff + 1
    else:  # no dates and no period: everything up to now
        start, end = datetime_to_ms_ceil(datetime.combine(platform.world.start_day, time(), UTC)), cutoff + 1
    page, size = paging(req)
    desc = sort_param(req, sort_props, default_desc, resource)
    end = min(end, cutoff + 1)
    parts: list[tuple[ag.DayTable, np.ndarray]] = []
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = table(platform.world.calls(day))
            parts.append((t, t.window(team, start, end)))
    total = sum(len(rows) for _, rows in parts)
    records = [t.make(r) for t, r in page_of_parts(parts, page * size, size, desc)]
    block = page_block(size, total, page)
    sort = f"{sort_props[0]},{'desc' if desc else 'asc'}"
    return json_response(200, list_body(platform.options, req, list_key, records, block, sort))
