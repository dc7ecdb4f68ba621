"""The property-based tests of the sources: Hypothesis profiles (``tests/property/profiles.py``, chosen by
``AIECON_HYPOTHESIS_PROFILE``) and the stub server every test module runs its sources against."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tests.property.profiles  # noqa: F401  (registers and loads the Hypothesis profile)
from tests.property.stub import StubServer


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    with StubServer() as server, pytest.MonkeyPatch.context() as mp:
        # A transport fault is retried once, quickly: the suite tests what is raised, not the backoff.
        mp.setenv("AIECON_HTTP_MAX_ATTEMPTS", "2")
        mp.setenv("AIECON_HTTP_BACKOFF_BASE_S", "0.01")
        mp.setenv("AIECON_HTTP_BACKOFF_MAX_S", "0.02")
        mp.setenv("AIECON_HTTP_TIMEOUT_S", "10")
        mp.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
        yield server
