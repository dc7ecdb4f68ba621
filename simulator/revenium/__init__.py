"""Revenium's two hosts: the platform (``api.revenium.ai/profitstream``) and analytics (``app.revenium.ai``).

``api`` is the face the server dispatches to (its docstring describes both hosts); the rest are its parts:

====================  =================================================================================
``api``               ``ReveniumPlatform``, ``ReveniumAnalytics``: auth, rate limits, dispatch
``options``           ``ReveniumOptions``: envelope variants, soft deletes, late records, prompt markers
``paging``            request parsing, Spring paging, HAL links, list envelopes, error bodies
``completions``       completion records; the completions, media and all-modality (``/ai``) lists
``media``             audio, image and video calls, derived from the completions
``agentic``           traces and tool events as per-day tables (``DayTable``), tools, periods
``squads``            squad executions and squad definitions
``jobs``              jobs: outcomes, ROI, transactions, outcome history
``agentic_routes``    the platform routes over traces, tool events, jobs and squads
``analytics``         the analytics host's figures beyond cost-by-*: revenue, margin, tools, tasks, ROI
``analytics_routes``  the analytics host's routes: cost-by-*, time series, the figures of ``analytics``
====================  =================================================================================
"""
