"""The vendors' own figures for a day, asked of the simulator over HTTP (an independent computation)."""

from datetime import date, timedelta

import requests

from ingestion.core.windows import Window, iso_z


def day_window(day: date) -> Window:
    return Window.for_days(day, day + timedelta(days=1))


def revenium_cost(sim, keys, day: date) -> float:
    w = day_window(day)
    body = requests.get(
        f"{sim.urls['revenium_analytics']}/api/v2/analytics/cost-by-provider-aggregated",
        params={"startDate": iso_z(w.start), "endDate": iso_z(w.end), "size": 100},
        headers={"Authorization": f"Bearer {keys.revenium}"},
        timeout=30,
    ).json()
    items = body["_embedded"]["items"]
    return sum(m["metricResult"] for i in items for m in i["metrics"] if m["label"] == "cost")


def helicone_cost(sim, keys, day: date) -> float:
    w = day_window(day)
    body = requests.post(
        f"{sim.urls['helicone']}/v1/metrics/totalCost",
        json={"filter": "all", "timeFilter": {"start": iso_z(w.start), "end": iso_z(w.end)}},
        headers={"Authorization": f"Bearer {keys.helicone}"},
        timeout=30,
    ).json()
    return body["data"]


def orq_cost(sim, keys, day: date) -> float:
    w = day_window(day)
    body = requests.post(
        f"{sim.urls['orq']}/v2/reporting",
        json={
            "metric": "genai.cost",
            "from": iso_z(w.start),
            "to": iso_z(w.end),
            "grain": "day",
            "include_totals": True,
        },
        headers={"Authorization": f"Bearer {keys.orq}"},
        timeout=30,
    ).json()
    return body["totals"]["metrics"]["genai.cost"]
