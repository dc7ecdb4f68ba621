"""Helicone's query API (``api.helicone.ai``): ``api`` is the face (auth, rate limit, requests and total
cost), ``filters`` compiles Helicone's filter trees, ``sessions`` serves sessions and per-user metrics."""
