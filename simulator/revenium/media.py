"""Revenium's media metrics: audio, image and video calls, derived from the world's completions.

Media calls are drawn from their own random stream, ``default_rng([seed, day.toordinal(), STREAM_MEDIA])``,
so the completions never change. Each media call hangs off a completion of the same day: it is that
call's child (``parentTransactionId``), in the same trace, squad, job, organization, product and team,
and starts a short gap after the parent's response (calls that would spill into the next day are
dropped). Which agents make media calls, and how often, is in ``MEDIA_AGENTS``.

Read paths (analytics bucket, HAL, ``startDate``/``endDate`` on ``requestTime``) [I: the read schemas
and list keys are NOT FOUND in the vendor docs; fields mirror the metering payloads of §3.2-§3.4]:

* ``/sources/metrics/ai/audio`` (``aIAudioMetricResourceList``): ``durationSeconds``, ``characterCount``,
  ``billingUnit`` (``PER_MINUTE`` for transcription, ``PER_CHARACTER`` for speech), ``language``,
  ``voice``, ``audioFormat``;
* ``/sources/metrics/ai/images`` (``aIImageMetricResourceList``): ``requestedImageCount``,
  ``actualImageCount``, ``resolution``, ``quality``, ``billingUnit`` ``PER_IMAGE``;
* ``/sources/metrics/ai/video`` (``aIVideoMetricResourceList``): ``durationSeconds``,
  ``requestedDurationSeconds``, ``creditsConsumed``, ``creditRate``, ``fps``, ``resolution``,
  ``billingUnit`` ``CREDITS``, ``completionStatus``;
* ``/sources/metrics/ai`` (``aIMetricResourceList``): every modality, common fields only, with
  ``metricType`` (``COMPLETION``, ``AUDIO``, ``IMAGE``, ``VIDEO``) and a ``metricType`` filter.

Cost: per billing unit, in integer nano-dollars (``MEDIA_MODELS``); failed media calls cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator.timefmt import DAY_MS, day_start_ms, iso_ms
from simulator.world import DayCalls

STREAM_MEDIA = 303
MODALITIES = ("AUDIO", "IMAGE", "VIDEO")


@dataclass(frozen=True)
class MediaModel:
    name: str
    provider: str
    modality: str
    billing_unit: str
    nanos_per_unit: int  # nano-USD per billing unit (minute, character, image, credit)


MEDIA_MODELS: tuple[MediaModel, ...] = (
    MediaModel("whisper-1", "OPENAI", "AUDIO", "PER_MINUTE", 6_000_000),
    MediaModel("gpt-4o-mini-tts", "OPENAI", "AUDIO", "PER_CHARACTER", 15_000),
    MediaModel("gpt-image-1", "OPENAI", "IMAGE", "PER_IMAGE", 42_000_000),
    MediaModel("imagen-4", "GOOGLE", "IMAGE", "PER_IMAGE", 40_000_000),
    MediaModel("veo-3", "GOOGLE", "VIDEO", "CREDITS", 50_000_000),
)
# agent -> (media calls per completion, media model indexes it uses)
MEDIA_AGENTS: dict[str, tuple[float, tuple[int, ...]]] = {
    "support-triage": (0.04, (0, 1)),
    "billing-assistant": (0.03, (1,)),
    "research-writer": (0.06, (2, 3)),
    "sales-qualifier": (0.03, (2, 4)),
    "translator": (0.05, (0, 1)),
}
_RATE = np.array([MEDIA_AGENTS.get(a.name, (0.0, ()))[0] for a in cat.AGENTS])
LANGUAGES = ("en", "de", "fr", "es", "ja")
VOICES = ("alloy", "verse", "sage")
RESOLUTIONS_IMAGE = ("1024x1024", "1536x1024")
RESOLUTIONS_VIDEO = ("1280x720", "1920x1080")
MEDIA_ERROR_RATE = 0.02


@dataclass
class MediaCalls:
    parent: np.ndarray  # completion row
    model: np.ndarray
    request_ms: np.ndarray
    duration_ms: np.ndarray
    units: np.ndarray  # float: minutes, characters, images, credits (what is billed)
    amount: np.ndarray  # audio seconds or characters, requested images, video seconds
    actual: np.ndarray  # images delivered, video seconds delivered
    cost: np.ndarray  # int64 nano-USD
    is_error: np.ndarray
    option: np.ndarray  # language / resolution / voice index
    ident: np.ndarray  # uint64: metric id
    txn: np.ndarray  # uint64: transaction id

    def modality(self, j: int) -> str:
        return MEDIA_MODELS[int(self.model[j])].modality


def media_of(c: DayCalls) -> MediaCalls:
    def build(c: DayCalls) -> MediaCalls:
        rng = np.random.default_rng([c.seed, c.day.toordinal(), STREAM_MEDIA])
        count = rng.poisson(np.where(c.is_error, 0.0, _RATE[c.agent]))
        parent = np.repeat(np.arange(c.n), count)
        m = len(parent)
        pick = rng.random(m)
        model = np.zeros(m, dtype=np.int64)
        for a, agent in enumerate(cat.AGENTS):
            choices = MEDIA_AGENTS.get(agent.name, (0.0, ()))[1]
            sel = c.agent[parent] == a
            if choices and sel.any():
                model[sel] = np.array(choices)[(pick[sel] * len(choices)).astype(np.int64)]
        unit = np.array([MEDIA_MODELS[k].billing_unit for k in range(len(MEDIA_MODELS))])[model]
        gap = rng.lognormal(np.log(150), 0.6, m).astype(np.int64)
        start = c.request_ms[parent] + c.duration_ms[parent] + gap
        seconds = np.round(rng.lognormal(np.log(40), 0.8, m), 1)  # audio / video length
        chars = rng.lognormal(np.log(600), 0.7, m).astype(np.int64) + 1
        images = rng.integers(1, 5, m)
        delivered = np.where(rng.random(m) < 0.05, np.maximum(images - 1, 0), images)
        video_req = rng.choice([5.0, 8.0, 10.0], m)
        video_got = np.where(rng.random(m) < 0.1, np.floor(video_req * 0.6), video_req)
        is_error = rng.random(m) < MEDIA_ERROR_RATE
        amount = np.select(
            [unit == "PER_MINUTE", unit == "PER_CHARACTER", unit == "PER_IMAGE"],
            [seconds, chars.astype(float), images.astype(float)],
            video_req,
        )
        actual = np.select([unit == "PER_IMAGE", unit == "CREDITS"], [delivered, video_got], amount)
        units = np.select(
            [unit == "PER_MINUTE", unit == "PER_CHARACTER", unit == "PER_IMAGE"],
            [seconds / 60.0, chars.astype(float), delivered.astype(float)],
            video_got,  # one credit per delivered second
        )
        price = np.array([mm.nanos_per_unit for mm in MEDIA_MODELS], dtype=np.int64)[model]
        cost = np.where(is_error, 0, np.rint(units * price)).astype(np.int64)
        duration = np.select(
            [unit == "PER_MINUTE", unit == "PER_CHARACTER", unit == "PER_IMAGE"],
            [seconds * 80, chars * 2.0, images * 6000.0],
            video_req * 9000,
        ).astype(np.int64) + rng.integers(50, 400, m)
        option = rng.integers(0, 5, m)
        ident = rng.integers(0, np.iinfo(np.uint64).max, size=m, dtype=np.uint64, endpoint=True)
        txn = rng.integers(0, np.iinfo(np.uint64).max, size=m, dtype=np.uint64, endpoint=True)
        keep = start < day_start_ms(c.day) + DAY_MS
        order = np.flatnonzero(keep)[np.lexsort((ident[keep], start[keep]))]
        return MediaCalls(
            parent=parent[order],
            model=model[order],
            request_ms=start[order],
            duration_ms=duration[order],
            units=units[order],
            amount=amount[order],
            actual=actual[order],
            cost=cost[order],
            is_error=is_error[order],
            option=option[order],
            ident=ident[order],
            txn=txn[order],
        )

    return c.view("revenium:media", build)


def media_cost(c: DayCalls, rows: np.ndarray | None = None) -> np.ndarray:
    """Nano-USD of the day's media calls (all, or those at ``rows``)."""
    media = media_of(c)
    return media.cost if rows is None else media.cost[rows]


def media_record(c: DayCalls, media: MediaCalls, j: int, common_only: bool = False) -> dict[str, Any]:
    """One media metric record; ``common_only`` gives the ``/ai`` all-modality shape."""
    p = int(media.parent[j])
    mm = MEDIA_MODELS[int(media.model[j])]
    req, dur = int(media.request_ms[j]), int(media.duration_ms[j])
    agent = cat.AGENTS[c.agent[p]]
    org, prod = cat.ORGANIZATIONS[c.organization[p]], cat.PRODUCTS[c.product[p]]
    error = bool(media.is_error[j])
    record: dict[str, Any] = {
        "id": ids.metric_id(int(media.ident[j]) % 62**8),
        "transactionId": ids.hex16(media.txn[j]),
        "metricType": mm.modality,
        "model": mm.name,
        "provider": mm.provider,
        "modelSource": "DIRECT",
        "operationType": {"AUDIO": "AUDIO", "IMAGE": "IMAGE", "VIDEO": "VIDEO"}[mm.modality],
        "totalCost": int(media.cost[j]) / 1e9,
        "requestTime": iso_ms(req),
        "responseTime": iso_ms(req + dur),
        "requestDuration": dur,
        "errorReason": "upstream generation failed" if error else None,
        "traceId": c.trace_id_str(p),
        "parentTransactionId": c.transaction_id_str(p),
        "traceType": cat.TRACE_TYPES[c.trace_type[p]].name,
        "traceName": cat.TRACE_NAMES[c.trace_name[p]],
        "taskType": agent.task_type,
        "agent": agent.name,
        "squadId": c.squad_id_str(p),
        "agenticJobId": c.job_id_str(p),
        "environment": cat.ENVIRONMENTS[c.environment[p]][0],
        "region": cat.REGIONS[c.region[p]][0],
        "organization": {"id": org.id, "label": org.name},
        "product": {"id": prod.id, "label": prod.name},
        "subscriber": {
            "id": cat.SUBSCRIBERS[c.subscriber[p]].id,
            "email": cat.SUBSCRIBERS[c.subscriber[p]].email,
        },
        "subscriberCredential": {
            "id": cat.CREDENTIALS[c.credential[p]].id,
            "label": cat.CREDENTIALS[c.credential[p]].label,
        },
        "billingUnit": mm.billing_unit,
    }
    if common_only:
        return record
    opt = int(media.option[j])
    if mm.modality == "AUDIO":
        speech = mm.billing_unit == "PER_CHARACTER"
        record |= {
            "durationSeconds": None if speech else float(media.amount[j]),
            "characterCount": int(media.amount[j]) if speech else None,
            "language": LANGUAGES[opt % len(LANGUAGES)],
            "voice": VOICES[opt % len(VOICES)] if speech else None,
            "audioFormat": "mp3" if speech else "wav",
        }
    elif mm.modality == "IMAGE":
        record |= {
            "requestedImageCount": int(media.amount[j]),
            "actualImageCount": 0 if error else int(media.actual[j]),
            "resolution": RESOLUTIONS_IMAGE[opt % 2],
            "quality": "high" if opt % 2 else "standard",
        }
    else:
        record |= {
            "durationSeconds": 0.0 if error else float(media.actual[j]),
            "requestedDurationSeconds": float(media.amount[j]),
            "creditsConsumed": 0.0 if error else float(media.units[j]),
            "creditRate": mm.nanos_per_unit / 1e9,
            "fps": 24,
            "resolution": RESOLUTIONS_VIDEO[opt % 2],
            "completionStatus": "FAILED"
            if error
            else ("PARTIAL_TIMEOUT" if media.actual[j] < media.amount[j] else "SUCCESS"),
        }
    return record


def media_table(c: DayCalls, modality: str) -> Any:
    """The day's media calls of one modality as a per-day table (see ``agentic.DayTable``)."""
    from simulator.revenium.agentic import DayTable

    m = media_of(c)

    def build(c: DayCalls) -> DayTable:
        rows = np.flatnonzero(np.array([MEDIA_MODELS[k].modality == modality for k in m.model], dtype=bool))
        return DayTable(
            m.request_ms[rows], c.team[m.parent[rows]], lambda j: media_record(c, m, int(rows[j]))
        )

    return c.view(("revenium:media_table", modality), build)
