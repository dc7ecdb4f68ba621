"""A local, faithful server of the Revenium, Helicone and orq.ai APIs over one seeded synthetic world.

``World`` makes the calls (``world.py``), ``SimulatorServer`` serves them (``server.py``) with one package
per vendor face, ``FaultRule`` injects failures (``faults.py``); ``python -m simulator`` runs it
standalone. The vendored specs in ``specs/`` are what the faces are tested against.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.faults import FaultRule
    from simulator.server import SimKeys, SimulatorServer
    from simulator.world import DayCalls, World

__all__ = ["DayCalls", "FaultRule", "SimKeys", "SimulatorServer", "World"]
# Imported on first use, so ``simulator.__main__``'s options (for ``aiecon``) do not import numpy.
_HOMES = {
    "DayCalls": "simulator.world",
    "FaultRule": "simulator.faults",
    "SimKeys": "simulator.server",
    "SimulatorServer": "simulator.server",
    "World": "simulator.world",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
