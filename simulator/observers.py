"""How Helicone and orq.ai observe the calls Revenium meters: their own clocks, prices and rounding.

Revenium meters every call of the world as it happened (``world.py``). The two other vendors see their
share of the same calls, but as real deployments see them, not as copies:

* **Helicone's clock.** The gateway stamps ``request_created_at`` itself, so its times differ from the
  SDK's: each day has one clock offset of up to ``HELICONE_MAX_CLOCK_OFFSET_MS`` either way (its servers'
  clock against the application's), and each request arrives ``HELICONE_GATEWAY_DELAY_MS`` later (the hop
  to the gateway). Times stay inside their UTC day, so a call is on the same day for every vendor.
* **Helicone's price table** lags two price changes (``HELICONE_STALE_PRICES``: the factor Helicone's cost
  of those models is off by), so its cost of those calls differs from Revenium's for the same tokens, and it
  prices prompt-cache writes at the one-hour rate, 2x input, where the calls wrote five-minute entries at
  1.25x (``HELICONE_CACHE_WRITE_FACTOR`` = 2 / 1.25 on the cache-write part).
* **orq.ai** bills with a negotiated discount on one provider (``ORQ_DISCOUNTS``: the factor on every cost
  part), **rounds** each part to ``ORQ_COST_QUANTUM_NANO`` nano-dollars (a millionth of a dollar) and reports
  their sum as the total.

Every draw comes from its own stream ``default_rng([seed, day, salt])``: the world's calls, and so every
Revenium figure, are what they were. The faces (``helicone/``, ``orq/``) read times and costs from here, so
each vendor's own totals agree with its own records. Which records are one call is ``truth.py``'s, for tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.prices import MODEL_BY_NAME, MODELS, PROVIDER_BY_NAME
from simulator.timefmt import DAY_MS, day_start_ms

if TYPE_CHECKING:
    from simulator.world import DayCalls

HELICONE_MAX_CLOCK_OFFSET_MS = 1_500
HELICONE_GATEWAY_DELAY_MS = (5, 60)
HELICONE_STALE_PRICES = {"gpt-4.1": 1.25, "gemini-2.5-flash": 0.6}
HELICONE_CACHE_WRITE_FACTOR = 1.6
ORQ_DISCOUNTS = {"ANTHROPIC": 0.9}
ORQ_COST_QUANTUM_NANO = 1_000
ORQ_COST_PARTS = ("input_cost", "output_cost", "cache_read_cost", "cache_write_cost")

_HELICONE_CLOCK_SALT = 0x4E1
_HELICONE_DELAY_SALT = 0x4E2
_STALE_FACTOR = np.array([HELICONE_STALE_PRICES.get(m.name, 1.0) for m in MODELS])
_ORQ_FACTOR = np.array([ORQ_DISCOUNTS.get(m.provider, 1.0) for m in MODELS])
for _name in HELICONE_STALE_PRICES:
    MODEL_BY_NAME[_name]  # noqa: B018 - a typo in the table fails at import
for _provider in ORQ_DISCOUNTS:
    PROVIDER_BY_NAME[_provider]  # noqa: B018


def _rng(calls: DayCalls, salt: int) -> np.random.Generator:
    return np.random.default_rng([calls.seed, calls.day.toordinal(), salt])


def helicone_clock_offset_ms(calls: DayCalls) -> int:
    """The day's offset of Helicone's clock from the application's (ms, either sign)."""
    limit = HELICONE_MAX_CLOCK_OFFSET_MS
    return int(_rng(calls, _HELICONE_CLOCK_SALT).integers(-limit, limit, endpoint=True))


def _helicone_request_ms(calls: DayCalls) -> np.ndarray:
    delay = _rng(calls, _HELICONE_DELAY_SALT).integers(
        *HELICONE_GATEWAY_DELAY_MS, size=calls.n, endpoint=True
    )
    start = day_start_ms(calls.day)
    stamped = calls.request_ms + helicone_clock_offset_ms(calls) + delay
    return np.clip(stamped, start, start + DAY_MS - 1).astype(np.int64)


def helicone_request_ms(calls: DayCalls) -> np.ndarray:
    """``request_created_at`` of every call as Helicone's gateway stamps it (epoch ms, int64)."""
    return calls.view("helicone_request_ms", _helicone_request_ms)


def _helicone_cost(calls: DayCalls) -> np.ndarray:
    cache_write_extra = calls.cache_write_cost * (HELICONE_CACHE_WRITE_FACTOR - 1)
    return np.rint((calls.total_cost + cache_write_extra) * _STALE_FACTOR[calls.model]).astype(np.int64)


def helicone_cost(calls: DayCalls) -> np.ndarray:
    """Helicone's cost of every call (nano-USD, int64): the world's, with cache writes at the one-hour rate,
    off by the stale prices' factor."""
    return calls.view("helicone_cost", _helicone_cost)


def _rounded(nano: np.ndarray) -> np.ndarray:
    return ((nano + ORQ_COST_QUANTUM_NANO // 2) // ORQ_COST_QUANTUM_NANO * ORQ_COST_QUANTUM_NANO).astype(
        np.int64
    )


def _orq_costs(calls: DayCalls) -> dict[str, np.ndarray]:
    factor = _ORQ_FACTOR[calls.model]
    parts = {
        name: _rounded(np.rint(getattr(calls, name) * factor).astype(np.int64)) for name in ORQ_COST_PARTS
    }
    return {**parts, "total_cost": sum(parts.values(), np.zeros(calls.n, dtype=np.int64))}


def orq_costs(calls: DayCalls) -> dict[str, np.ndarray]:
    """orq.ai's cost of every call (nano-USD, int64): each part of ``ORQ_COST_PARTS`` discounted
    (``ORQ_DISCOUNTS``) and rounded to the quantum, and ``total_cost`` their sum."""
    return calls.view("orq_costs", _orq_costs)
