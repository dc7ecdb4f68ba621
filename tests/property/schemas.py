"""Hypothesis strategies for vendor records and envelopes, generated from the vendors' own schemas.

Helicone and orq.ai: the OpenAPI documents in ``simulator/specs/`` (their ``$ref``s inlined, OpenAPI 3.0
``nullable`` turned into JSON Schema types, then ``hypothesis_jsonschema.from_schema``). Revenium
publishes no read schema (simulator/specs/README.md, Gaps); its records are generated from the SDK
transcription in ``revenium-schemas.json`` (the metering payloads the read records mirror) extended by the
read-side fields docs/vendor-apis/revenium.md §2.2–§2.3 lists, as JSON Schema written out below.

Two things are drawn by the tests rather than by the schema, as ``overrides``:

* event times (and the other fields landed as timestamps): ISO-8601 text in the many forms vendors send
  (``Z``, ``+00:00``, other offsets, a space for ``T``, 0–9 fraction digits, now and then no zone or text
  that is no time at all), mostly inside the requested window (those outside must quarantine as
  ``outside_window``);
* ``tight`` records: half of the records are drawn from the schema with every number made ``>= 0``, so
  that most pages hold records that land, not only records that quarantine for a negative count.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from ingestion.core.raw_table import RawTable

SPECS = Path(__file__).resolve().parents[2] / "simulator" / "specs"
ABSENT = object()  # an optional field left out of a record


@cache
def spec(name: str) -> dict[str, Any]:
    return json.loads((SPECS / name).read_text())


def _resolve(ref: str, root: Mapping[str, Any]) -> Any:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def inline(schema: Any, root: Mapping[str, Any], openapi30: bool = False, depth: int = 0) -> Any:
    """``schema`` with every local ``$ref`` inlined, OpenAPI ``nullable`` made a JSON Schema type and the
    annotations hypothesis-jsonschema has no use for (``x-*``, descriptions, examples) dropped."""
    if depth > 40:
        raise RecursionError("schema nests too deep to inline")
    if isinstance(schema, list):
        return [inline(s, root, openapi30, depth + 1) for s in schema]
    if not isinstance(schema, Mapping):
        return schema
    if "$ref" in schema:
        target = inline(_resolve(schema["$ref"], root), root, openapi30, depth + 1)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        if not rest:
            return target
        schema = {**rest, "allOf": [target]}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-") or key in ("description", "examples", "example", "title", "deprecated"):
            continue
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = {k: inline(v, root, openapi30, depth + 1) for k, v in value.items()}
        elif isinstance(value, Mapping | list):
            out[key] = inline(value, root, openapi30, depth + 1)
        else:
            out[key] = value
    if openapi30 and out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    if out.get("format") in ("double", "float", "int32", "int64", "uint32"):
        out.pop("format")  # numeric formats: no bound hypothesis-jsonschema could use (and none asserted)
    return out


TIGHT_MAX = 10**12


def tighten(schema: Any, integral: frozenset[str] = frozenset(), path: str = "") -> Any:
    """``schema`` narrowed to what a faithful vendor sends: every number and integer in [0, TIGHT_MAX], and
    a ``number`` at a path in ``integral`` (a field the raw table declares as an integer, e.g. Helicone's
    token counts, ``number`` in its schema) a whole number. Still a subset of the vendor's schema."""
    if isinstance(schema, list):
        return [tighten(s, integral, path) for s in schema]
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {
                name: tighten(sub, integral, f"{path}.{name}" if path else name)
                for name, sub in value.items()
            }
        elif isinstance(value, Mapping | list):
            out[key] = tighten(value, integral, path)
        else:
            out[key] = value
    kind = out.get("type")
    types = {kind} if isinstance(kind, str) else set(kind or ())
    if types & {"integer", "number"} and "enum" not in out:
        out.setdefault("minimum", 0)
        out.setdefault("maximum", TIGHT_MAX)
        if path in integral and "number" in types:
            out["type"] = [("integer" if t == "number" else t) for t in sorted(types)]
            if len(out["type"]) == 1:
                out["type"] = out["type"][0]
    return out


def without(schema: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    """An object schema without the properties ``names`` (a strategy overrides them)."""
    out = copy.deepcopy(dict(schema))
    out["properties"] = {k: v for k, v in out.get("properties", {}).items() if k not in names}
    if "required" in out:
        out["required"] = [r for r in out["required"] if r not in names]
    return out


# -- timestamps --------------------------------------------------------------------------------------------
OFFSETS_MIN = (0, 0, 0, 0, 330, -570, 60, -60, 840, -720, 345)


@st.composite
def iso_timestamp(draw: Any, lo: datetime, hi: datetime) -> str:
    """An ISO-8601 text for a moment in [lo, hi] (UTC), in one of the forms vendors send."""
    moment = draw(st.datetimes(min_value=lo.replace(tzinfo=None), max_value=hi.replace(tzinfo=None))).replace(
        tzinfo=UTC
    )
    offset = draw(st.sampled_from(OFFSETS_MIN))
    local = moment + timedelta(minutes=offset)
    digits = draw(st.sampled_from((3, 0, 6, 3, 1, 2, 4, 5, 7, 8, 9)))
    if digits <= 6:
        fraction = f"{moment.microsecond:06d}"[:digits]  # the text is the moment (tests parse the text)
    else:
        fraction = f"{moment.microsecond:06d}" + "".join(
            draw(st.sampled_from("0123456789")) for _ in range(digits - 6)
        )
    sep = draw(st.sampled_from("TTTT "))
    text = local.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + (f".{fraction}" if digits else "")
    if offset == 0:
        zone = draw(st.sampled_from(("Z", "Z", "+00:00", "", "z")))
    else:
        sign = "+" if offset > 0 else "-"
        zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    return text + zone


def event_times(start: datetime, end: datetime, outside: bool = True, garbage: bool = True) -> Any:
    """Event times: mostly inside [start, end), some just outside, now and then text that is no time."""
    inside = iso_timestamp(start, end - timedelta(microseconds=1))
    options = [inside] * 8
    if outside:
        options += [
            iso_timestamp(start - timedelta(days=1), start - timedelta(microseconds=1)),
            iso_timestamp(end, end + timedelta(days=1)),
        ]
    if garbage:
        options.append(st.text(max_size=12))
    return st.integers(0, len(options) - 1).flatmap(lambda i: options[i])


def any_times() -> Any:
    """A timestamp field that is not the event time: any moment, now and then text that is no time."""
    good = iso_timestamp(datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    return st.integers(0, 7).flatmap(lambda i: st.text(max_size=12) if i == 7 else good)


# -- records -----------------------------------------------------------------------------------------------
ANY_JSON = from_schema({})
EXTRA_NAME = st.text(max_size=10)


def strategy(schema: Any) -> Any:
    """Values of ``schema``. Objects with declared properties are drawn field by field (each optional one
    present or not, and — unless ``additionalProperties`` is false — up to two undeclared fields of any
    JSON value, as a vendor's schema drift); everything else by ``hypothesis_jsonschema.from_schema``.
    (from_schema's own object strategy gives up on most draws of an object whose few optional properties
    are all taken, which made three in four examples invalid.)"""
    plain = {"type", "properties", "required", "additionalProperties"}
    if not isinstance(schema, Mapping) or "properties" not in schema or set(schema) - plain:
        return from_schema(schema)
    if schema.get("type", "object") != "object":
        return from_schema(schema)
    props = schema["properties"]
    required = set(schema.get("required", ()))
    fields = st.fixed_dictionaries(
        {k: strategy(v) for k, v in props.items() if k in required},
        optional={k: strategy(v) for k, v in props.items() if k not in required},
    )
    extra_schema = schema.get("additionalProperties", True)
    if extra_schema is False:
        return fields
    values = ANY_JSON if extra_schema is True else from_schema(extra_schema)
    extras = st.dictionaries(EXTRA_NAME.filter(lambda k: k not in props), values, max_size=2)
    return st.tuples(extras, fields).map(lambda t: {**t[0], **t[1]})


def record_strategy(
    schema: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    table: RawTable | None = None,
    absent_weight: int = 9,
) -> Any:
    """Records of an object ``schema``: loose (as the schema says) or tight (``tighten``: what a faithful
    vendor sends, with ``table``'s integer columns whole numbers), with the fields of ``overrides`` drawn
    from their strategies (an optional one left out 1 time in ``absent_weight``)."""
    overrides = dict(overrides or {})
    required = set(schema.get("required", ()))
    base = without(schema, set(overrides))
    integral = frozenset(
        c.path for c in (table.columns if table else ()) if c.path and pa.types.is_integer(c.type)
    )
    loose, tight = strategy(base), strategy(tighten(base, integral))

    @st.composite
    def records(draw: Any) -> dict[str, Any]:
        record = dict(draw(loose if draw(st.booleans()) else tight))
        for name, strategy in overrides.items():
            if name not in required and draw(st.integers(0, absent_weight - 1)) == absent_weight - 1:
                record.pop(name, None)
                continue
            record[name] = draw(strategy)
        return record

    return records()


@st.composite
def with_duplicates(draw: Any, records: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """``records`` with now and then a record repeated (a page overlap) or a second record given another's
    key (a conflicting duplicate: the vendor changed the record between two pages)."""
    out = list(records)
    if len(out) >= 1 and draw(st.integers(0, 3)) == 3:
        out.append(copy.deepcopy(out[draw(st.integers(0, len(out) - 1))]))
    if len(out) >= 1 and draw(st.integers(0, 3)) == 3:
        i = draw(st.integers(0, len(out) - 1))
        if all(k in out[i] for k in key):
            # The same record with one text field changed: when the first lands, so would this one.
            twin = copy.deepcopy(out[i])
            texts = sorted(k for k, v in twin.items() if isinstance(v, str) and k not in key)
            if texts:
                field = draw(st.sampled_from(texts))
                twin[field] = twin[field] + "~changed"
            else:  # another record under this one's key
                twin = {
                    **copy.deepcopy(out[draw(st.integers(0, len(out) - 1))]),
                    **{k: out[i][k] for k in key},
                }
            out.append(twin)
    return out


@st.composite
def chunks(draw: Any, items: list[Any], max_chunks: int = 3) -> list[list[Any]]:
    """``items`` cut into 1..max_chunks consecutive non-empty pages (one page when there are none)."""
    if len(items) <= 1:
        return [list(items)]
    cuts = sorted(draw(st.sets(st.integers(1, len(items) - 1), max_size=max_chunks - 1)))
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


# -- the vendors' record schemas ---------------------------------------------------------------------------
def helicone_schema(name: str) -> dict[str, Any]:
    root = spec("helicone-openapi.json")
    schema = copy.deepcopy(root["components"]["schemas"][name])
    if name == "HeliconeRequest":
        # llmSchema is a recursive tree of chat messages (never landed: a denied field); an arbitrary object
        # of the same nullability keeps generation finite without changing what the source may see there.
        schema["properties"]["llmSchema"] = {"type": "object", "nullable": True}
    return inline(schema, root, openapi30=True)


def orq_schema(name: str) -> dict[str, Any]:
    root = spec("orq-openapi.json")
    return inline(root["components"]["schemas"][name], root)


def revenium_def(name: str) -> dict[str, Any]:
    root = spec("revenium-schemas.json")
    return inline(root["$defs"][name], root)


_LABELLED = {"type": "object", "properties": {"id": {"type": "string"}, "label": {"type": "string"}}}


def revenium_completion_schema() -> dict[str, Any]:
    """A completions record (``AICompletionMetricResource``): the metering payload as the read side returns
    it (docs/vendor-apis/revenium.md §2.2: an ``id``, ``organization``/``product``/``subscriberCredential``
    as ``{id, label}`` objects, ``squadId``, ``agenticJobId``, ``metricType``, ``tokensPerMinute``)."""
    schema = revenium_def("AICompletionMeteringRequest")
    props = schema["properties"]
    props.update(
        {
            "id": {"type": "string"},
            "organization": _LABELLED,
            "product": _LABELLED,
            "subscriberCredential": _LABELLED,
            "squadId": {"type": "string"},
            "agenticJobId": {"type": "string"},
            "metricType": {"type": "string", "enum": ["COMPLETION", "AUDIO", "IMAGE", "VIDEO"]},
            "tokensPerMinute": {"type": "number"},
        }
    )
    # The read side always carries the id and the cost Revenium computed (§2.2; "derive totalCost").
    schema["required"] = [*schema.get("required", []), "id", "totalCost"]
    return schema


def revenium_tool_event_schema() -> dict[str, Any]:
    """A tool event as read back: the metering payload ``ToolEventPayload`` with the event's ``id`` and the
    tool's name, type and provider (docs/vendor-apis/revenium.md §2.1, tool events)."""
    schema = revenium_def("ToolEventPayload")
    schema["properties"].update(
        {
            "id": {"type": "string"},
            "toolName": {"type": "string"},
            "toolType": {"type": "string"},
            "toolProvider": {"type": "string"},
        }
    )
    schema["required"] = [*schema.get("required", []), "id"]
    return schema


def revenium_trace_schema() -> dict[str, Any]:
    """A traces record (no vendor schema exists; docs/vendor-apis/revenium.md §2.3 and the fields the CLI
    reads): aggregated per ``traceId``."""
    integer, number, string = {"type": "integer"}, {"type": "number"}, {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "traceId": string,
            "traceType": string,
            "traceName": string,
            "startTime": string,
            "endTime": string,
            "traceDuration": integer,
            "transactionCount": integer,
            "errorCount": integer,
            "agentCount": integer,
            "rootAgent": string,
            "inputTokenCount": integer,
            "outputTokenCount": integer,
            "totalTokenCount": integer,
            "totalCost": number,
            "squadId": string,
            "agenticJobId": string,
            "environment": string,
            "organization": _LABELLED,
            "product": _LABELLED,
            "model": string,
            "source": string,
        },
        "required": ["traceId", "startTime", "totalCost"],
    }
