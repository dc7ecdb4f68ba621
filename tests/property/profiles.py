"""Hypothesis profiles of the property-based suite, chosen by ``AIECON_HYPOTHESIS_PROFILE``.

* ``bounded`` (default; what ``make test`` runs): 10 examples a test, derandomized (the same examples on
  every run, so CI is reproducible), no deadline;
* ``long`` (``.ci/run``'s longer pass): 150 examples a test, also derandomized: CI decides whether a change
  lands, so it must judge the same examples every time (a random failure would block an unrelated change);
* ``explore``: 150 random examples a test, for looking for new defects by hand (``--hypothesis-seed=N``
  repeats a run);
* ``smoke``: 2 examples a test, to see the suite run at all.

No profile shrinks a failing example (shrinking reruns a source hundreds of times, minutes per failure):
a failure prints its example as found. ``AIECON_HYPOTHESIS_SHRINK=1`` shrinks it to a minimal one.

Tests that load a whole source through dlt (about a second an example) take a quarter of the examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": None,
    "database": None,  # no example database in the work tree: failing examples are printed instead
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
_SHRINK = os.environ.get("AIECON_HYPOTHESIS_SHRINK") == "1"

settings.register_profile(
    "bounded", max_examples=10, derandomize=True, **({} if _SHRINK else {"phases": _NO_SHRINK}), **_COMMON
)
settings.register_profile(
    "long", max_examples=150, derandomize=True, **({} if _SHRINK else {"phases": _NO_SHRINK}), **_COMMON
)
settings.register_profile(
    "explore", max_examples=150, **({} if _SHRINK else {"phases": _NO_SHRINK}), **_COMMON
)
settings.register_profile(
    "smoke", max_examples=2, derandomize=True, **({} if _SHRINK else {"phases": _NO_SHRINK}), **_COMMON
)
PROFILE = os.environ.get("AIECON_HYPOTHESIS_PROFILE", "bounded")
settings.load_profile(PROFILE)

# Loads through dlt cost about a second an example: those tests take this share of the profile's examples.
LOAD_SHARE = 4


def load_examples() -> int:
    return max(2, settings().max_examples // LOAD_SHARE)
