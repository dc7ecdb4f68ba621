"""A local, faithful server of the Revenium, Helicone and orq.ai APIs over one seeded synthetic world.

``World`` makes the calls (``world.py``), ``SimulatorServer`` serves them (``server.py``) with one package
per vendor face, ``FaultRule`` injects failures (``faults.py``); ``python -m simulator`` runs it
standalone. The vendored specs in ``specs/`` are what the faces are tested against.
"""

from simulator.faults import FaultRule
from simulator.server import SimKeys, SimulatorServer
from simulator.world import DayCalls, World

__all__ = ["DayCalls", "FaultRule", "SimKeys", "SimulatorServer", "World"]
