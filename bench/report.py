"""Targets (issues #8 and #25) checked against the measured figures, and the printed table.

A target the benchmark does not measure yet is listed with no value and no verdict, saying so: the
results name every target, met, missed or not measured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

INGEST_RATIO_TARGET = 0.5  # ingest >= 0.5 x the read_json ceiling of the same run
INCREMENTAL_RATIO_TARGET = 1.2  # partition with the long history <= 1.2 x with the short one
INCREMENTAL_LONG_DAYS = 365  # ... where the long history is a year
PEAK_MEMORY_TARGET_MB = 2048  # peak RSS of ingest and dbt for the big day
BI_P95_TARGET_MS = 200.0
PARTITION_TARGET_S = 120.0  # the Dagster job for a 1M-call day (aim: 60 s)
GATES_SHARE_TARGET = 0.10  # the gates' share of that job's time
# Revenium's faithful ceiling: 100 records a page (the server's cap) at the client's 90 req/s pacing.
RATE_LIMITED_BOUND = 100 * 90


# The 18:00 refresh pulling incrementally against the same refresh pulling the day so far whole: the hour since
# 17:00 plus the 30-minute overlap is 1.5 of the 18 hours so far (0.08); the per-day figures are asked whole
# by both, so the bound leaves room for them.
REFRESH_RATIO_TARGET = 0.25


def count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def _target(name: str, value: float, unit: str, target: str, ok: bool, note: str = "") -> dict[str, Any]:
    return {"figure": name, "value": value, "unit": unit, "target": target, "pass": ok, "note": note}


def _runs_note(ingest: dict[str, Any], ceiling: dict[str, Any]) -> str:
    """Which runs the figures are the median of, when there were several."""
    if ingest.get("of_runs", 1) <= 1:
        return ""
    return f" (medians: ingest runs {ingest['runs_records_per_s']}, ceiling runs {ceiling['runs_records_per_s']})"


def targets(m: dict[str, Any]) -> list[dict[str, Any]]:
    ingest = m["ingest"]
    ceiling = ingest["read_json_ceiling"]["records_per_s"]
    out = []
    unthrottled = ingest["unthrottled"]
    out.append(
        _target(
            "ingest unthrottled / read_json ceiling",
            unthrottled["ratio_to_ceiling"],
            "ratio",
            f">= {INGEST_RATIO_TARGET}",
            unthrottled["ratio_to_ceiling"] >= INGEST_RATIO_TARGET,
            f"{unthrottled['records_per_s']:,} vs {ceiling:,.0f} records/s{_runs_note(unthrottled, ingest['read_json_ceiling'])}; "
            f"{unthrottled.get('load', 'merge')}; simulator rate limits off, no client pacing: bounded by our code "
            "and the simulator",
        )
    )
    reload = ingest.get("unthrottled_reload")
    if reload is not None:
        out.append(
            _target(
                "ingest unthrottled, day loaded again / read_json ceiling",
                reload["ratio_to_ceiling"],
                "ratio",
                "n/a (the target is for a day's load; shown for what a re-run costs)",
                None,
                f"{reload['records_per_s']:,} records/s; {reload['load']}: dlt copies the load through its "
                "staging dataset, then deletes and inserts in one transaction",
            )
        )
    # Under the vendor's limit the bound is the vendor's: 100-record pages at the client's pacing rate.
    limited = ingest["rate_limited"]
    bound = RATE_LIMITED_BOUND
    out.append(
        _target(
            "ingest rate_limited / the rate limit's bound",
            round(limited["records_per_s"] / bound, 4),
            "ratio",
            f"n/a (vendor-bound: at most {bound:,} records/s = {bound / ceiling:.3f} x the ceiling)",
            None,
            f"{limited['records_per_s']:,} records/s = {limited['ratio_to_ceiling']} x the ceiling; 100-row pages "
            "under the vendor's 100 req/s bucket, client pacing at 90 req/s",
        )
    )
    serving = ingest["simulator_serving"]["records_per_s"]
    unthrottled = ingest["unthrottled"]["records_per_s"]
    out.append(
        _target(
            "simulator serving / unthrottled ingest",
            round(serving / unthrottled, 2),
            "ratio",
            "> 1 (the simulator is not the bottleneck)",
            serving > unthrottled,
            f"{serving:,.0f} vs {unthrottled:,} records/s",
        )
    )
    inc = m["incremental"]
    ratio = inc["long"]["partition_build_s"] / inc["short"]["partition_build_s"]
    long_days = inc["long"]["history_days"]
    out.append(
        _target(
            f"partition build, {long_days} vs {inc['short']['history_days']} days of history",
            round(ratio, 2),
            "ratio",
            f"<= {INCREMENTAL_RATIO_TARGET} with {INCREMENTAL_LONG_DAYS} days",
            ratio <= INCREMENTAL_RATIO_TARGET if long_days >= INCREMENTAL_LONG_DAYS else None,
            f"{inc['long']['partition_build_s']} s vs {inc['short']['partition_build_s']} s"
            + (
                ""
                if long_days >= INCREMENTAL_LONG_DAYS
                else f"; no verdict: the target is for {INCREMENTAL_LONG_DAYS} days of history"
            ),
        )
    )
    out.append(_refresh_target(m.get("refresh")))
    for label, mb in (
        ("peak RSS, ingest of the big day", ingest["unthrottled"]["peak_rss_mb"]),
        (
            "peak RSS, ingest of the big day loaded again",
            ingest.get("unthrottled_reload", {}).get("peak_rss_mb"),
        ),
        ("peak RSS, ingest of the big day (rate-limited)", ingest["rate_limited"]["peak_rss_mb"]),
        ("peak RSS, dbt build of the big day", m.get("big_day_dbt", {}).get("peak_rss_mb")),
    ):
        if mb is None:
            out.append(_target(label, None, "MiB", f"<= {PEAK_MEMORY_TARGET_MB}", None, "not measured"))
            continue
        out.append(_target(label, mb, "MiB", f"<= {PEAK_MEMORY_TARGET_MB}", mb <= PEAK_MEMORY_TARGET_MB))
    out.extend(_partition_targets(m.get("partition")))
    for name, q in m["bi"].items():
        if "skipped" in q:
            out.append(
                _target(f"BI p95: {name}", None, "ms", f"<= {BI_P95_TARGET_MS:.0f}", None, q["skipped"])
            )
        else:
            out.append(
                _target(
                    f"BI p95: {name}",
                    q["p95_ms"],
                    "ms",
                    f"<= {BI_P95_TARGET_MS:.0f}",
                    q["pass"],
                    f"p50 {q['p50_ms']} ms",
                )
            )
    return out


def _refresh_target(refresh: dict[str, Any] | None) -> dict[str, Any]:
    """The 18:00 incremental refresh of an open day against a whole-day refresh at the same moment."""
    label = "hourly refresh of today at 18:00 (previous 17:00): incremental / whole day so far"
    target = f"<= {REFRESH_RATIO_TARGET} (proportional to what is new)"
    if refresh is None:
        return _target(label, None, "ratio", target, None, "not measured")
    inc, whole = refresh["incremental"], refresh["whole"]
    return _target(
        label,
        refresh["ratio"],
        "ratio",
        target,
        refresh["ratio"] <= REFRESH_RATIO_TARGET and refresh["same_row_counts"],
        f"{inc['seconds']} s vs {whole['seconds']} s; rows written {inc['rows_written']:,} vs "
        f"{whole['rows_written']:,} ({refresh['revenium_completions_so_far']:,} Revenium calls so far); "
        + (
            "same row counts in every raw table"
            if refresh["same_row_counts"]
            else f"ROW COUNTS DIFFER: {refresh['row_counts_differ']}"
        ),
    )


def _partition_targets(partition: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The job's time for the day, the gates' share of it, and the highest peak of any step."""
    if partition is None:
        return [_target("partition: the Dagster job for the day", None, "s", "", None, "not measured")]
    steps = partition["steps"]
    slowest = sorted(steps.items(), key=lambda item: -item[1]["seconds"])[:4]
    heaviest = max(steps.items(), key=lambda item: item[1]["peak_rss_mb"])
    return [
        _target(
            f"partition: the Dagster job for a day of {partition['revenium_completions']:,} Revenium calls",
            partition["job_s"],
            "s",
            f"<= {PARTITION_TARGET_S:.0f} (aim 60)",
            partition["job_s"] <= PARTITION_TARGET_S,
            f"{partition['fct_ai_calls_rows']:,} fct_ai_calls rows; slowest steps: "
            + ", ".join(f"{key} {s['seconds']} s" for key, s in slowest),
        ),
        _target(
            "partition: the gates' share of the job",
            partition["gates_share"],
            "ratio",
            f"<= {GATES_SHARE_TARGET}",
            partition["gates_share"] <= GATES_SHARE_TARGET,
            f"{partition['gates_s']} s in {partition['gate_steps']} check steps",
        ),
        _target(
            "partition: peak RSS of any step (process and children)",
            partition["peak_rss_mb"],
            "MiB",
            f"<= {PEAK_MEMORY_TARGET_MB}",
            partition["peak_rss_mb"] <= PEAK_MEMORY_TARGET_MB,
            f"{heaviest[0]}",
        ),
        *[
            _target(
                f"ingest / read_json ceiling, {table} (its vendor's largest table)",
                t["ratio_to_ceiling"],
                "ratio",
                f">= {INGEST_RATIO_TARGET}",
                t["ratio_to_ceiling"] >= INGEST_RATIO_TARGET,
                f"{t['records_per_s']:,} vs {t['read_json_records_per_s']:,} records/s, {t['rows']:,} rows; "
                f"peak {t['peak_rss_mb']} MiB; ceiling over the landed rows as JSON",
            )
            for table, t in partition.get("largest_tables", {}).items()
        ],
    ]


def table(results: dict[str, Any]) -> str:
    m = results["measured"]
    ing = m["ingest"]
    lines = [
        f"benchmark {'(quick) ' if results['run']['quick'] else ''}at {results['run']['at']}, "
        f"wall {results['run']['wall_s']} s, sizes {results['run']['sizes']}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| simulator page serving, first read of the day (renders each record) | "
        f"{ing['simulator_first_read']['records_per_s']:,.0f} records/s |"
        if "simulator_first_read" in ing
        else "| simulator page serving, first read of the day | not measured |",
        f"| simulator page serving (HTTP, {ing['simulator_serving']['threads']} threads, bodies not parsed) | "
        f"{ing['simulator_serving']['records_per_s']:,.0f} records/s ({ing['simulator_serving']['pages']:,} pages) |",
        f"| DuckDB read_json ceiling ({ing['read_json_ceiling']['rows']:,} records) | "
        f"{ing['read_json_ceiling']['records_per_s']:,.0f} records/s |",
    ]
    cc = ing["client_costs"]
    lines.append(
        f"| client CPU without HTTP, per-record path: JSON decode / Arrow projection | "
        f"{cc['json_decode_records_per_s']:,} / {cc['arrow_projection_records_per_s']:,} records/s |"
    )
    if "columnar_decode_records_per_s" in cc:
        lines.append(
            f"| client CPU without HTTP, columnar path (what the source runs): Arrow JSON decode / projection | "
            f"{cc['columnar_decode_records_per_s']:,} / {cc['columnar_projection_records_per_s']:,} records/s |"
        )
    for mode in ("unthrottled", "unthrottled_reload", "rate_limited"):
        if mode not in ing:
            continue
        r = ing[mode]
        ph = r["phases_s"]
        runs = f", median of {r['of_runs']} runs" if r.get("of_runs", 1) > 1 else ""
        lines.append(
            f"| ingest {mode} ({r['rows']:,} rows{runs}; {r.get('load', 'merge')}) | {r['records_per_s']:,} records/s "
            f"in {r['seconds']} s (extract {ph['extract_s']} / normalize {ph['normalize_s']} / load {ph['load_s']} s), "
            f"peak {r['peak_rss_mb']} MiB |"
        )
    for inc in m["incremental"].values():
        if not isinstance(inc, dict):
            continue
        lines.append(
            f"| one partition's dbt build, {inc['history_days']} days of history | {inc['partition_build_s']} s "
            f"(initial {inc['history_days']}-day build {inc['initial_build_s']} s) |"
        )
    bf = m.get("backfill")
    big = m.get("big_day_dbt")
    if bf is None or big is None:
        lines.append("| backfill / big-day dbt build | not measured (run interrupted) |")
        bf = big = None
    if bf is not None:
        lines.append(
            f"| backfill {bf['days']} days: one dbt run / per-day runs | {bf['one_run_s']} s / {bf['per_day_runs_s']} s "
            f"(x{bf['speedup']}) |"
        )
    if big is not None:
        lines.append(
            f"| dbt build of the big day ({big['revenium_completions']:,} Revenium calls, "
            f"{big['fct_ai_calls_rows']:,} fct_ai_calls rows) | {big['seconds']} s, peak {big['peak_rss_mb']} MiB |"
        )
    lines += ["", "| target | value | target | pass | note |", "|---|---|---|---|---|"]
    for t in results["targets"]:
        verdict = "n/a" if t["pass"] is None else ("PASS" if t["pass"] else "MISSED")
        lines.append(
            f"| {t['figure']} | {t['value']} {t['unit']} | {t['target']} | {verdict} | {t['note']} |"
        )
    return "\n".join(lines)
