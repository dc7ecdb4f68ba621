"""One deterministic, seeded synthetic world of AI calls, generated a UTC day at a time.

``World(seed, calls_per_day, team_ids, start_day).calls(day)`` returns that day's calls as columns of numpy
arrays (``DayCalls``). A day depends only on (seed, day, parameters): its generator is
``numpy.random.default_rng([seed, day.toordinal()])``, so any day can be made on its own, in any order, by
any process, and is the same every time. Recent days are kept in an LRU bounded by a number of calls.

How a day is made (the choices, so that analysts know what the demo data means):

* **Volume.** The expected number of calls is ``calls_per_day`` x a weekday factor (weekends are 40% lower
  than weekdays; the factors average to 1 over a week) x a small day-to-day noise (lognormal, mean 1).
  Calls come in traces, and the number of traces is Poisson, so the daily count varies around that mean.
* **Rhythm.** Traces start on a diurnal curve in UTC that peaks 13:00-17:00 (European afternoon and
  American morning) and bottoms out around 03:00-04:00.
* **Traces.** A trace is one run of a workflow (``catalogue.TRACE_TYPES``): 1-8 calls on the same day.
  The first call is the root (no ``parentTransactionId``); the others hang off it as a *chain* (each
  call's parent is the previous one), a *fan-out* (all children of the root, in parallel) or a *tree*
  (parent drawn among earlier calls). A child starts a short gap after its parent's response. Some
  chains ping-pong between two agents (A -> B -> A: circular agent patterns; no other trace has a
  cycle), about 1% of traces are anomalous (5-15x the tokens and a runaway root prompt): both planted
  on purpose (``planted.py`` says which). About 5% of the pairs of calls of a trace 2-8 s apart are planted
  look-alikes: the later makes the same model call with the same tokens and cost (``planted.py``). A share belongs to a squad run (``squadId``: the squad's traces
  of the same hour form one run) and a share to an agentic job (``agenticJobId``, one job per trace).
* **Who.** Each trace has one organization (customer), one subscriber of that organization, one
  environment (production 88%), a credential (API key alias) per (organization, environment), a region
  (the organization's home region 85% of the time), a product (the workflow's product, 10% any other)
  and a team: organization i belongs to ``team_ids[i % len(team_ids)]``.
* **Models and tokens.** Each agent picks among its preferred models. Prompt sizes are lognormal per
  agent and grow along a trace (context accumulates); outputs are lognormal per agent. Reasoning models
  (o3, o4-mini, deepseek-reasoner, gemini-2.5-pro) add lognormal reasoning tokens, counted inside output.
  Prompts of 1,024+ tokens on providers with prompt caching read part of the prompt from cache on 30%
  of root calls and 55% of later calls; Anthropic calls that do not read may write the cache (30%).
* **Token convention (all faces).** ``input_tokens`` EXCLUDES cache-read and cache-write tokens (the
  prompt is ``input + cache_read + cache_write``); ``output_tokens`` INCLUDES reasoning tokens.
* **Costs.** Per component ``tokens x price / 1e6`` (prices in ``prices.py``), kept as integer
  nano-dollars: exactly the 9-decimal rounding, and sums never drift. Total = sum of the components.
* **Failures.** ``error_rate`` (2%) of calls fail, more often on providers with a higher error weight:
  stop reason ERROR, an error reason (rate limit, upstream error or timeout), no output, no cache
  tokens; the prompt is still billed as input.
* **Latency.** Time to first token = the model's base latency + prefill + reasoning time; duration adds
  decoding at the model's speed. Non-streamed calls report TTFT = duration. Failed calls have no TTFT.
* **Vendors.** Revenium meters every call. Helicone (a gateway) logs the calls of the products routed
  through it (``helicone_products``: support-copilot, code-assist, docs-ai, about 60% of calls); orq.ai
  (a router) the calls of the organizations that route through it (``orq_organizations``: globex and
  stark-industries, about 30%). The two subsets overlap and whole traces stay together.

Visibility (calls after the server clock are not served) is the server's business, not the world's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids, planted
from simulator.prices import MODELS, PROVIDER_BY_NAME, PROVIDERS
from simulator.timefmt import DAY_MS, day_start_ms, iso_ms

WEEKEND_DROP = 0.4
WEEKDAY_FACTOR = 7 / (5 + 2 * (1 - WEEKEND_DROP))
DAY_NOISE_SIGMA = 0.08
ANOMALY_SHARE = 0.01
ALT_PRODUCT_SHARE = 0.10
HOME_REGION_SHARE = 0.85
CACHE_MIN_PROMPT = 1024
# Relative trace starts per UTC hour (0..23).
DIURNAL = np.array(
    [1.0, 0.8, 0.7, 0.6, 0.6, 0.8, 1.2, 2.0, 3.2, 4.5, 5.5, 6.2, 6.8, 7.5, 8.0, 8.2, 8.0, 7.2, 6.0, 4.8, 3.6,
     2.6, 1.8, 1.3]
)  # fmt: skip
DIURNAL = DIURNAL / DIURNAL.sum()

DEFAULT_HELICONE_PRODUCTS = ("support-copilot", "code-assist", "docs-ai")
DEFAULT_ORQ_ORGANIZATIONS = ("globex", "stark-industries")

_U64_MAX = np.iinfo(np.uint64).max


def _cumulative(rows: list[list[float]]) -> np.ndarray:
    """Row-wise cumulative probabilities, padded with 1s, for vectorised categorical draws."""
    width = max(len(r) for r in rows)
    table = np.ones((len(rows), width))
    for i, r in enumerate(rows):
        c = np.cumsum(np.asarray(r, dtype=float) / sum(r))
        table[i, : len(c)] = c
        # From the last category with weight on, exactly 1: float round-off must never let u < 1 fall
        # through to a zero-weight category at the end.
        last = max(k for k, w in enumerate(r) if w > 0)
        table[i, last:] = 1.0
    return table


def _draw(cum: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category index per element: the first column of ``cum[row]`` above ``u``."""
    return (u[:, None] >= cum[row]).sum(axis=1)


# Lookup tables from the catalogue, built once.
_MODEL_PROVIDER = np.array([PROVIDERS.index(PROVIDER_BY_NAME[m.provider]) for m in MODELS], dtype=np.int8)
_MODEL_REASONING = np.array([m.reasoning for m in MODELS])
_MODEL_TTFT = np.array([m.ttft_ms for m in MODELS])
_MODEL_TPS = np.array([m.tokens_per_s for m in MODELS])
_MODEL_PRICES = np.array([m.nanos_per_token() for m in MODELS], dtype=np.int64)  # (M, 4) nano-USD/token
_PROVIDER_CACHE = np.array([p.supports_cache_read for p in PROVIDERS])
_PROVIDER_ERROR_WEIGHT = np.array([p.error_weight for p in PROVIDERS])
_ANTHROPIC = PROVIDERS.index(PROVIDER_BY_NAME["ANTHROPIC"])
_MODEL_INDEX = {m.name: i for i, m in enumerate(MODELS)}

_AGENT_MODELS = [[0.0] * len(MODELS) for _ in cat.AGENTS]
for _a, _agent in enumerate(cat.AGENTS):
    for _m, _w in _agent.models:
        _AGENT_MODELS[_a][_MODEL_INDEX[_m]] = _w
_AGENT_MODEL_CUM = _cumulative(_AGENT_MODELS)
_AGENT_IN = np.array([a.input_median for a in cat.AGENTS])
_AGENT_OUT = np.array([a.output_median for a in cat.AGENTS])
_AGENT_STREAM = np.array([a.streamed_share for a in cat.AGENTS])
_AGENT_TASK = np.array([cat.TASK_TYPES.index(a.task_type) for a in cat.AGENTS], dtype=np.int8)

_TT = cat.TRACE_TYPES
_TT_SHARE = np.array([t.share for t in _TT])
_TT_SIZE_CUM = _cumulative([list(t.sizes) for t in _TT])
_TT_MEAN_SIZE = np.array([sum((k + 1) * p for k, p in enumerate(t.sizes)) for t in _TT])
MEAN_TRACE_SIZE = float((_TT_SHARE * _TT_MEAN_SIZE).sum())
_TT_SHAPE_CUM = _cumulative([list(t.shapes) for t in _TT])
_TT_ROOT = np.array([cat.AGENT_INDEX[t.root_agent] for t in _TT], dtype=np.int16)
_TT_CHILD_CUM = _cumulative([[dict(t.child_agents).get(a.name, 0.0) for a in cat.AGENTS] for t in _TT])
_TT_PRODUCT = np.array([cat.PRODUCT_INDEX[t.product] for t in _TT], dtype=np.int8)
_TT_NAME_OFFSET = np.cumsum([0] + [len(t.names) for t in _TT])[:-1]
_TT_NAME_COUNT = np.array([len(t.names) for t in _TT])
_TT_LOOP_SHARE = np.array([t.loop_share for t in _TT])
_TT_LOOP = np.array(
    [[cat.AGENT_INDEX[p] for p in (t.loop_pair or (t.root_agent, t.root_agent))] for t in _TT], dtype=np.int16
)
# Ping-pong starts with the agent that is not the root, so the root's agent comes back (A -> B -> A).
_TT_LOOP_PHASE = np.array([int(t.loop_pair is not None and t.loop_pair[0] == t.root_agent) for t in _TT])
_TT_SQUAD = np.array([cat.SQUADS.index(t.squad) if t.squad else -1 for t in _TT], dtype=np.int8)
_TT_SQUAD_SHARE = np.array([t.squad_share for t in _TT])
_TT_JOB = np.array([cat.JOB_TYPES.index(t.job_type) if t.job_type else -1 for t in _TT], dtype=np.int8)
_TT_JOB_SHARE = np.array([t.job_share for t in _TT])
_ORG_SHARE = np.array([o.share for o in cat.ORGANIZATIONS])
_ORG_SUB_OFFSET = np.cumsum([0] + [len(o.people) for o in cat.ORGANIZATIONS])[:-1]
_ORG_SUB_COUNT = np.array([len(o.people) for o in cat.ORGANIZATIONS])
_ORG_REGION = np.array([[r for r, _ in cat.REGIONS].index(o.home_region) for o in cat.ORGANIZATIONS])
_ENV_SHARE = np.array([s for _, s in cat.ENVIRONMENTS])
_ERROR_KIND_SHARE = np.array([s for *_, s in cat.ERROR_KINDS])


@dataclass(eq=False)
class DayCalls:
    """One UTC day of calls, as parallel numpy arrays sorted by (request time, Revenium id).

    Call columns have one entry per call; codes index the catalogue tuples (``catalogue.AGENTS``,
    ``prices.MODELS``, ...). Trace columns (``trace_*``) have one entry per trace and are indexed by
    ``trace``. Times are epoch milliseconds (UTC); costs integer nano-dollars (divide by 1e9 for USD).
    """

    day: date
    seed: int
    team_ids: tuple[str, ...]
    n: int
    request_ms: np.ndarray  # int64, when the request was sent
    duration_ms: np.ndarray  # int64, request to last byte
    ttft_ms: np.ndarray  # int64, request to first token (= duration when not streamed); 0 on errors
    trace: np.ndarray  # int32, index into the trace columns
    pos: np.ndarray  # int8, 0 for the trace's root call
    parent: np.ndarray  # int32, row of the parent call in this day, -1 for a root
    agent: np.ndarray
    task_type: np.ndarray
    model: np.ndarray
    provider: np.ndarray
    organization: np.ndarray
    subscriber: np.ndarray
    credential: np.ndarray
    product: np.ndarray
    environment: np.ndarray
    region: np.ndarray
    team: np.ndarray
    trace_type: np.ndarray
    trace_name: np.ndarray
    input_tokens: np.ndarray  # int64, excluding cache read/write tokens
    output_tokens: np.ndarray  # int64, including reasoning tokens
    cache_read_tokens: np.ndarray
    cache_write_tokens: np.ndarray
    reasoning_tokens: np.ndarray
    input_cost: np.ndarray  # int64 nano-USD
    output_cost: np.ndarray
    cache_read_cost: np.ndarray
    cache_write_cost: np.ndarray
    total_cost: np.ndarray
    is_error: np.ndarray  # bool
    error_kind: np.ndarray  # int8, index into catalogue.ERROR_KINDS, -1 when the call succeeded
    stop_reason: np.ndarray  # int8, index into catalogue.STOP_REASONS
    is_streamed: np.ndarray  # bool
    in_helicone: np.ndarray  # bool, logged by the Helicone gateway
    in_orq: np.ndarray  # bool, routed through orq.ai
    metric_id: np.ndarray  # uint64, behind the Revenium id string
    transaction_id: np.ndarray  # uint64, the span id sent to Revenium as transactionId
    request_uuid_hi: np.ndarray  # uint64 halves of the Helicone request id (UUIDv4)
    request_uuid_lo: np.ndarray
    trace_id_hi: np.ndarray  # per trace: uint64 halves of the 32-hex trace id
    trace_id_lo: np.ndarray
    trace_start_ms: np.ndarray  # per trace
    trace_squad: np.ndarray  # per trace: index into catalogue.SQUADS, -1 = none
    trace_job_type: np.ndarray  # per trace: index into catalogue.JOB_TYPES, -1 = none
    trace_job_id: np.ndarray  # per trace: uint64
    trace_loop: np.ndarray  # per trace: bool, a planted ping-pong chain (planted.py)
    trace_anomaly: np.ndarray  # per trace: float, the planted token factor (1.0 = not anomalous)
    _views: dict[Any, Any] = field(default_factory=dict, repr=False)
    # re-entrant: a view may be built from other views of the same day (helicone_rows from Helicone's clock)
    _views_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __len__(self) -> int:
        return self.n

    def columns(self) -> dict[str, np.ndarray]:
        """The call columns (one entry per call) by name, as a plain dict of numpy arrays."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray) and not f.name.startswith("trace_")
        }

    # -- cached derived views ---------------------------------------------------------------------------
    def view(self, key: Any, build: Any) -> Any:
        """A derived structure (a vendor's sorted index, ...) built once per day and kept with it."""
        with self._views_lock:
            if key not in self._views:
                self._views[key] = build(self)
            return self._views[key]

    # -- strings of one call, formatted only when served ------------------------------------------------
    def metric_id_str(self, i: int) -> str:
        return ids.metric_id(self.metric_id[i])

    def transaction_id_str(self, i: int) -> str:
        return ids.hex16(self.transaction_id[i])

    def parent_transaction_id_str(self, i: int) -> str | None:
        p = int(self.parent[i])
        return None if p < 0 else ids.hex16(self.transaction_id[p])

    def trace_id_str(self, i: int) -> str:
        t = int(self.trace[i])
        return ids.hex32(self.trace_id_hi[t], self.trace_id_lo[t])

    def request_id_str(self, i: int) -> str:
        return ids.uuid_str(self.request_uuid_hi[i], self.request_uuid_lo[i])

    def response_id_str(self, i: int) -> str:
        hi, lo = ids.uuid4_parts(
            ids.splitmix64(self.request_uuid_hi[i : i + 1]), ids.splitmix64(self.request_uuid_lo[i : i + 1])
        )
        return ids.uuid_str(hi[0], lo[0])

    def squad_id_str(self, i: int) -> str | None:
        t = int(self.trace[i])
        s = int(self.trace_squad[t])
        if s < 0:
            return None
        hour = int(self.trace_start_ms[t] - day_start_ms(self.day)) // 3_600_000
        return f"squad-{cat.SQUADS[s]}-{self.day:%Y%m%d}{hour:02d}"

    def job_id_str(self, i: int) -> str | None:
        t = int(self.trace[i])
        return None if self.trace_job_type[t] < 0 else f"job-{ids.hex16(self.trace_job_id[t])}"

    def session_path(self, i: int) -> str:
        """Helicone-Session-Path: the agents from the root down to this call, ``/root/child/...``."""
        parts = []
        j = int(i)
        while j >= 0:
            parts.append(cat.AGENTS[self.agent[j]].name)
            j = int(self.parent[j])
        return "/" + "/".join(reversed(parts))

    def to_arrow(self) -> Any:
        """Every call with readable values, as a pyarrow Table (for notebooks, debugging and tests)."""
        import pyarrow as pa

        rows = range(self.n)
        names = {
            "agent": [a.name for a in cat.AGENTS],
            "task_type": list(cat.TASK_TYPES),
            "model": [m.name for m in MODELS],
            "provider": [p.name for p in PROVIDERS],
            "organization": [o.name for o in cat.ORGANIZATIONS],
            "subscriber": [s.email for s in cat.SUBSCRIBERS],
            "credential": [c.label for c in cat.CREDENTIALS],
            "product": [p.name for p in cat.PRODUCTS],
            "environment": [e for e, _ in cat.ENVIRONMENTS],
            "region": [r for r, _ in cat.REGIONS],
            "team": list(self.team_ids),
            "trace_type": [t.name for t in cat.TRACE_TYPES],
            "trace_name": list(cat.TRACE_NAMES),
            "stop_reason": list(cat.STOP_REASONS),
        }
        columns: dict[str, Any] = {
            "id": [self.metric_id_str(i) for i in rows],
            "transaction_id": [self.transaction_id_str(i) for i in rows],
            "parent_transaction_id": [self.parent_transaction_id_str(i) for i in rows],
            "trace_id": [self.trace_id_str(i) for i in rows],
            "request_id": [self.request_id_str(i) for i in rows],
            "request_time": [iso_ms(t) for t in self.request_ms],
        }
        for name, labels in names.items():
            codes = getattr(self, name)
            columns[name] = [labels[c] for c in codes]
        for name in (
            "request_ms", "duration_ms", "ttft_ms", "input_tokens", "output_tokens", "cache_read_tokens",
            "cache_write_tokens", "reasoning_tokens", "input_cost", "output_cost", "cache_read_cost",
            "cache_write_cost", "total_cost", "is_error", "is_streamed", "in_helicone", "in_orq",
        ):  # fmt: skip
            columns[name] = getattr(self, name)
        columns["error_reason"] = [cat.ERROR_KINDS[k][0] if k >= 0 else None for k in self.error_kind]
        return pa.table(columns)


class World:
    """The synthetic world: a catalogue plus a generator of calls per UTC day.

    Extra keyword arguments make inferred choices configurable: ``error_rate``, which products Helicone
    sees (``helicone_products``), which organizations route through orq.ai (``orq_organizations``) and
    how many calls the day cache may hold (``cache_calls``; at least one day is always kept).
    """

    providers = PROVIDERS
    models = MODELS
    agents = cat.AGENTS
    organizations = cat.ORGANIZATIONS
    products = cat.PRODUCTS
    subscribers = cat.SUBSCRIBERS
    credentials = cat.CREDENTIALS
    trace_types = cat.TRACE_TYPES
    task_types = cat.TASK_TYPES
    environments = tuple(e for e, _ in cat.ENVIRONMENTS)
    regions = tuple(r for r, _ in cat.REGIONS)
    squads = cat.SQUADS
    job_types = cat.JOB_TYPES

    def __init__(
        self,
        seed: int = 42,
        calls_per_day: int = 20_000,
        team_ids: tuple[str, ...] = ("tmAcme01",),
        start_day: date = date(2024, 1, 1),
        *,
        error_rate: float = 0.02,
        helicone_products: tuple[str, ...] = DEFAULT_HELICONE_PRODUCTS,
        orq_organizations: tuple[str, ...] = DEFAULT_ORQ_ORGANIZATIONS,
        cache_calls: int = 3_000_000,
    ) -> None:
        if seed < 0:
            raise ValueError("seed must be >= 0")
        if calls_per_day < 0:
            raise ValueError("calls_per_day must be >= 0")
        if not team_ids or len(set(team_ids)) != len(team_ids):
            raise ValueError("team_ids must be non-empty and distinct")
        if not 0 <= error_rate < 1:
            raise ValueError("error_rate must be in [0, 1)")
        self.seed = seed
        self.calls_per_day = calls_per_day
        self.team_ids = tuple(team_ids)
        self.start_day = start_day
        self.error_rate = error_rate
        product_names = [p.name for p in cat.PRODUCTS]
        org_names = [o.name for o in cat.ORGANIZATIONS]
        self.helicone_products = tuple(helicone_products)
        self.orq_organizations = tuple(orq_organizations)
        self._helicone_product_codes = np.array(
            [product_names.index(p) for p in helicone_products], dtype=int
        )
        self._orq_org_codes = np.array([org_names.index(o) for o in orq_organizations], dtype=int)
        self.cache_calls = cache_calls
        self._cache: OrderedDict[date, DayCalls] = OrderedDict()
        self._cached_calls = 0
        self._lock = threading.Lock()
        self._day_locks: dict[date, threading.Lock] = {}
        self._summaries: dict[tuple[date, str], Any] = {}

    def __repr__(self) -> str:
        return (
            f"World(seed={self.seed}, calls_per_day={self.calls_per_day}, team_ids={self.team_ids!r}, "
            f"start_day={self.start_day.isoformat()})"
        )

    def team_of_organization(self, org: int) -> int:
        return org % len(self.team_ids)

    def days(self, first: date, last_exclusive: date) -> Iterator[date]:
        """The days of [first, last_exclusive) on which the world exists (from ``start_day``)."""
        day = max(first, self.start_day)
        while day < last_exclusive:
            yield day
            day += timedelta(days=1)

    # -- the day cache ----------------------------------------------------------------------------------
    def calls(self, day: date) -> DayCalls:
        """All calls of one UTC day (empty before ``start_day``), from the LRU when recent."""
        with self._lock:
            hit = self._cache.get(day)
            if hit is not None:
                self._cache.move_to_end(day)
                return hit
            day_lock = self._day_locks.setdefault(day, threading.Lock())
        with day_lock:  # one thread generates a day; the others wait for it instead of repeating the work
            with self._lock:
                hit = self._cache.get(day)
                if hit is not None:
                    return hit
            calls = self._generate(day)
            with self._lock:
                self._cache[day] = calls
                self._cached_calls += calls.n
                while len(self._cache) > 1 and self._cached_calls > self.cache_calls:
                    _, old = self._cache.popitem(last=False)
                    self._cached_calls -= old.n
                self._day_locks.pop(day, None)
        return calls

    def summary(self, day: date, key: str, build: Callable[[DayCalls], Any]) -> Any:
        """A small per-day result (a day's squad executions), built once and kept after the day's calls leave
        the cache: a request over a period (squads take THIRTY_DAYS by default) would otherwise generate every
        day of the period again, each time it is asked."""
        with self._lock:
            if (day, key) in self._summaries:
                return self._summaries[(day, key)]
        value = build(self.calls(day))
        with self._lock:
            return self._summaries.setdefault((day, key), value)

    # -- generation -------------------------------------------------------------------------------------
    def expected_calls(self, day: date) -> float:
        """Expected calls of ``day`` before the day's own noise: the weekday rhythm around calls_per_day."""
        factor = WEEKDAY_FACTOR * (1 - WEEKEND_DROP if day.weekday() >= 5 else 1.0)
        return self.calls_per_day * factor

    def _generate(self, day: date) -> DayCalls:
        rng = np.random.default_rng([self.seed, day.toordinal()])
        if day < self.start_day or self.calls_per_day == 0:
            n_traces = 0
        else:
            noise = rng.lognormal(-(DAY_NOISE_SIGMA**2) / 2, DAY_NOISE_SIGMA)
            n_traces = int(rng.poisson(self.expected_calls(day) * noise / MEAN_TRACE_SIZE))
        return self._generate_traces(day, rng, n_traces)

    def _generate_traces(self, day: date, rng: np.random.Generator, n_tr: int) -> DayCalls:
        # ---- traces: workflow, size, shape, who, when ----
        tt = rng.choice(len(_TT), size=n_tr, p=_TT_SHARE)
        size = _draw(_TT_SIZE_CUM, tt, rng.random(n_tr)) + 1
        shape = _draw(_TT_SHAPE_CUM, tt, rng.random(n_tr))  # 0 chain, 1 fan-out, 2 tree
        loop = (shape == 0) & (rng.random(n_tr) < _TT_LOOP_SHARE[tt])
        trace_name = _TT_NAME_OFFSET[tt] + (rng.random(n_tr) * _TT_NAME_COUNT[tt]).astype(np.int64)
        org = rng.choice(len(cat.ORGANIZATIONS), size=n_tr, p=_ORG_SHARE)
        # Within an organization a few people make most of the calls (skewed towards its first people).
        subscriber = _ORG_SUB_OFFSET[org] + (rng.random(n_tr) ** 1.6 * _ORG_SUB_COUNT[org]).astype(np.int64)
        env = rng.choice(len(cat.ENVIRONMENTS), size=n_tr, p=_ENV_SHARE)
        credential = org * len(cat.ENVIRONMENTS) + env
        region = np.where(
            rng.random(n_tr) < HOME_REGION_SHARE, _ORG_REGION[org], rng.integers(0, len(cat.REGIONS), n_tr)
        )
        product = np.where(
            rng.random(n_tr) < ALT_PRODUCT_SHARE, rng.integers(0, len(cat.PRODUCTS), n_tr), _TT_PRODUCT[tt]
        )
        team = org % len(self.team_ids)
        squad = np.where(rng.random(n_tr) < _TT_SQUAD_SHARE[tt], _TT_SQUAD[tt], -1)
        job_type = np.where(rng.random(n_tr) < _TT_JOB_SHARE[tt], _TT_JOB[tt], -1)
        job_id = rng.integers(0, _U64_MAX, size=n_tr, dtype=np.uint64, endpoint=True)
        anomaly = np.where(rng.random(n_tr) < ANOMALY_SHARE, rng.uniform(5, 15, n_tr), 1.0)
        trace_hi = rng.integers(0, _U64_MAX, size=n_tr, dtype=np.uint64, endpoint=True)
        trace_lo = rng.integers(0, _U64_MAX, size=n_tr, dtype=np.uint64, endpoint=True)
        hour = rng.choice(24, size=n_tr, p=DIURNAL)
        start_in_day = hour * 3_600_000 + rng.integers(0, 3_600_000, n_tr)

        # ---- calls: position in the trace, parent, agent, model ----
        n = int(size.sum())
        tr = np.repeat(np.arange(n_tr), size)
        first_row = np.cumsum(size) - size
        pos = np.arange(n) - first_row[tr]
        u = rng.random(n)
        parent_pos = np.select([shape[tr] == 0, shape[tr] == 1], [pos - 1, 0], (u * pos).astype(np.int64))
        parent = np.where(pos == 0, -1, first_row[tr] + parent_pos)
        tt_c = tt[tr]
        child = _draw(_TT_CHILD_CUM, tt_c, rng.random(n))
        looped = _TT_LOOP[tt_c, (pos - 1 + _TT_LOOP_PHASE[tt_c]) % 2]
        agent = np.where(pos == 0, _TT_ROOT[tt_c], np.where(loop[tr], looped, child))
        agent = planted.break_unplanted_cycles(agent, parent, pos, loop[tr])
        model = _draw(_AGENT_MODEL_CUM, agent, rng.random(n))
        provider = _MODEL_PROVIDER[model]

        # ---- tokens ----
        context_growth = np.log1p(0.3 * pos)
        prompt = rng.lognormal(np.log(_AGENT_IN[agent]) + context_growth, 0.6) * anomaly[tr]
        prompt = np.clip(np.rint(prompt), 16, 1_000_000).astype(np.int64)
        prompt = planted.runaway_root_prompt(prompt, pos, anomaly[tr] > 1)
        visible = rng.lognormal(np.log(_AGENT_OUT[agent]), 0.7) * np.sqrt(anomaly[tr])
        visible = np.clip(np.rint(visible), 1, cat.MAX_OUTPUT_TOKENS).astype(np.int64)
        stop = _draw(_cumulative([list(cat.STOP_SHARES)]), np.zeros(n, dtype=np.int64), rng.random(n))
        visible = np.where(stop == cat.STOP_REASONS.index("TOKEN_LIMIT"), cat.MAX_OUTPUT_TOKENS, visible)
        reasoning_draw = rng.lognormal(np.log(np.maximum(300, 1.5 * _AGENT_OUT[agent])), 0.8)
        reasoning = np.where(_MODEL_REASONING[model], np.clip(np.rint(reasoning_draw), 0, 32_000), 0)
        reasoning = reasoning.astype(np.int64)
        cacheable = _PROVIDER_CACHE[provider] & (prompt >= CACHE_MIN_PROMPT)
        reads = cacheable & (rng.random(n) < np.where(pos == 0, 0.30, 0.55))
        cache_read = np.where(reads, (prompt * rng.uniform(0.4, 0.9, n)).astype(np.int64), 0)
        writes = (provider == _ANTHROPIC) & ~reads & (prompt >= CACHE_MIN_PROMPT) & (rng.random(n) < 0.30)
        cache_write = np.where(writes, (prompt * rng.uniform(0.3, 0.8, n)).astype(np.int64), 0)

        # ---- failures ----
        weight = _PROVIDER_ERROR_WEIGHT[provider]
        p_error = self.error_rate * weight / weight.mean() if n else weight
        is_error = rng.random(n) < p_error
        error_kind = np.where(is_error, rng.choice(len(cat.ERROR_KINDS), size=n, p=_ERROR_KIND_SHARE), -1)
        stop = np.where(is_error, cat.STOP_REASONS.index("ERROR"), stop)
        input_tokens = np.where(is_error, prompt, prompt - cache_read - cache_write)
        cache_read = np.where(is_error, 0, cache_read)
        cache_write = np.where(is_error, 0, cache_write)
        reasoning = np.where(is_error, 0, reasoning)
        visible = np.where(is_error, 0, visible)
        output = visible + reasoning

        # ---- latency ----
        speed = _MODEL_TPS[model] * rng.lognormal(0, 0.2, n)
        base = rng.lognormal(np.log(_MODEL_TTFT[model]), 0.35, n)
        ttft = base + prompt * 0.02 + reasoning / speed * 1000
        duration = ttft + visible / speed * 1000 + rng.uniform(5, 40, n)
        err_ms = np.select(
            [error_kind == 0, error_kind == 1],
            [rng.lognormal(np.log(250), 0.5, n), rng.lognormal(np.log(1500), 0.8, n)],
            cat.TIMEOUT_MS,
        )
        duration = np.rint(np.where(is_error, err_ms, duration)).astype(np.int64)
        streamed = rng.random(n) < _AGENT_STREAM[agent]
        ttft = np.where(is_error, 0, np.where(streamed, np.minimum(np.rint(ttft), duration), duration))
        ttft = ttft.astype(np.int64)

        # ---- timing inside the trace: a child starts a short gap after its parent's response ----
        gap = np.rint(rng.lognormal(np.log(120), 0.8, n)).astype(np.int64)
        offset = np.zeros(n, dtype=np.int64)
        for k in range(1, int(pos.max(initial=0)) + 1):
            rows = np.flatnonzero(pos == k)
            offset[rows] = offset[parent[rows]] + duration[parent[rows]] + gap[rows]
        span = np.maximum.reduceat(offset, first_row) if n else np.zeros(0, dtype=np.int64)
        # Keep every request of a trace inside its day: late traces start early enough to fit.
        start = day_start_ms(day) + np.minimum(start_in_day, DAY_MS - 1 - span)
        request_ms = start[tr] + offset

        # ---- ids (drawn in generation order, then everything is sorted by time) ----
        transaction_id = rng.integers(0, _U64_MAX, size=n, dtype=np.uint64, endpoint=True)
        req_hi, req_lo = ids.uuid4_parts(
            rng.integers(0, _U64_MAX, size=n, dtype=np.uint64, endpoint=True),
            rng.integers(0, _U64_MAX, size=n, dtype=np.uint64, endpoint=True),
        )
        metric_id = ids.metric_id_ints(self.seed, day.toordinal(), n)

        # ---- costs in nano-dollars (exact) ----
        prices = _MODEL_PRICES[model]
        input_cost = input_tokens * prices[:, 0]
        output_cost = output * prices[:, 1]
        cache_read_cost = cache_read * prices[:, 2]
        cache_write_cost = cache_write * prices[:, 3]
        total_cost = input_cost + output_cost + cache_read_cost + cache_write_cost

        # ---- planted look-alikes (planted.py), from their own stream: the draws above stay as they were ----
        original, twin = planted.look_alike_pairs(
            np.random.default_rng([self.seed, day.toordinal(), planted.LOOK_ALIKE_SALT]),
            tr,
            request_ms,
            is_error,
        )
        for column in (
            model, provider, input_tokens, output, cache_read, cache_write, reasoning,
            input_cost, output_cost, cache_read_cost, cache_write_cost, total_cost,
        ):  # fmt: skip
            column[twin] = column[original]

        # ---- sort by (request time, metric id): Revenium's order, and the id tie-break ----
        order = np.lexsort((metric_id, request_ms))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        parent_sorted = np.where(parent[order] >= 0, rank[np.maximum(parent[order], 0)], -1)

        def s(a: np.ndarray, dtype: Any = None) -> np.ndarray:
            a = a[order]
            return a.astype(dtype) if dtype is not None else a

        return DayCalls(
            day=day,
            seed=self.seed,
            team_ids=self.team_ids,
            n=n,
            request_ms=s(request_ms, np.int64),
            duration_ms=s(duration, np.int64),
            ttft_ms=s(ttft, np.int64),
            trace=s(tr, np.int32),
            pos=s(pos, np.int8),
            parent=parent_sorted.astype(np.int32),
            agent=s(agent, np.int16),
            task_type=s(_AGENT_TASK[agent], np.int16),
            model=s(model, np.int16),
            provider=s(provider, np.int16),
            organization=s(org[tr], np.int16),
            subscriber=s(subscriber[tr], np.int16),
            credential=s(credential[tr], np.int16),
            product=s(product[tr], np.int16),
            environment=s(env[tr], np.int16),
            region=s(region[tr], np.int16),
            team=s(team[tr], np.int16),
            trace_type=s(tt_c, np.int16),
            trace_name=s(trace_name[tr], np.int16),
            input_tokens=s(input_tokens, np.int64),
            output_tokens=s(output, np.int64),
            cache_read_tokens=s(cache_read, np.int64),
            cache_write_tokens=s(cache_write, np.int64),
            reasoning_tokens=s(reasoning, np.int64),
            input_cost=s(input_cost, np.int64),
            output_cost=s(output_cost, np.int64),
            cache_read_cost=s(cache_read_cost, np.int64),
            cache_write_cost=s(cache_write_cost, np.int64),
            total_cost=s(total_cost, np.int64),
            is_error=s(is_error, bool),
            error_kind=s(error_kind, np.int8),
            stop_reason=s(stop, np.int8),
            is_streamed=s(streamed, bool),
            in_helicone=s(np.isin(product[tr], self._helicone_product_codes), bool),
            in_orq=s(np.isin(org[tr], self._orq_org_codes), bool),
            metric_id=s(metric_id),
            transaction_id=s(transaction_id),
            request_uuid_hi=s(req_hi),
            request_uuid_lo=s(req_lo),
            trace_id_hi=trace_hi,
            trace_id_lo=trace_lo,
            trace_start_ms=start.astype(np.int64),
            trace_squad=squad.astype(np.int8),
            trace_job_type=job_type.astype(np.int8),
            trace_job_id=job_id,
            trace_loop=loop.astype(bool),
            trace_anomaly=anomaly.astype(np.float64),
        )
