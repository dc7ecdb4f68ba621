"""``aiecon check``: every setting validated at once, then one cheap authenticated probe per enabled vendor.

Settings come from the one declaration of each (``ingestion.vendors.declared_settings``: the core's and each
vendor package's). In use are the core settings, the PostgreSQL or Spark ones with ``AIECON_DESTINATION=postgres|spark``,
and those of each vendor ``AIECON_VENDORS`` enables. Each problem — missing (a key of an enabled vendor),
malformed, out of range, an empty list such as ``,,,``, a URL that is not one, a day in the future — is one
line naming the variable. Then each enabled vendor whose settings are sound gets one request
(``Vendor.probe``: the smallest page of an endpoint its source reads, one attempt, a short timeout), reported
on one line: ``ok``, ``401``, ``403``, ``unreachable``, ``timeout`` (or the status). Exit 1 on any problem.

``require_valid_settings`` runs the same validation (no probes) before any run starts: ``aiecon build``,
``aiecon demo`` and each Dagster ingest step call it, so a bad setting fails at once with the same lines,
before anything is loaded. ``day_problems`` refuses days after today (UTC).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import date

from dagster_project.errors import root_cause_line
from ingestion.core.http_client import VendorAPIError
from ingestion.core.probe import PROBE_TIMEOUT_S, outcome
from ingestion.core.setting_registry import Setting, SettingError, problems, render_env_example, today_utc
from ingestion.core.vendor import Vendor
from ingestion.pricing.overrides import PriceOverrideError
from ingestion.pricing.overrides import dbt_vars as price_override_vars
from ingestion.vendors import VENDORS, declared_settings, enabled_vendors

ENV_EXAMPLE_HEADER = """\
Every setting the AI Economics Warehouse reads, with its default (generated from the declarations:
`aiecon check --env-example > .env.example`; tests/unit/test_env_example.py keeps it in step).
Copy to .env, fill in the keys of the vendors you use, uncomment what you change; `aiecon check`
validates the result and asks each enabled vendor once. Keys may come from dlt's secrets.toml instead.
"""


class SettingsProblems(RuntimeError):
    """Settings that would fail a run; ``str()`` is one line per problem."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def _declared(name: str) -> Setting:
    return next(s for s in declared_settings() if s.name == name)


def _groups_in_use(vendors: Iterable[Vendor]) -> set[str]:
    groups = {"core", *(v.name for v in vendors)}
    try:
        destination = _declared("AIECON_DESTINATION").read()
        if destination in ("postgres", "spark"):
            groups.add(destination)
    except SettingError:
        pass  # reported with the core settings
    return groups


def setting_problems(vendors: Iterable[Vendor] | None = None) -> dict[str, list[str]]:
    """Problem lines by group (``core``, ``postgres``, vendor name) of the settings in use: those of
    ``vendors`` (default: the enabled ones; all of them when ``AIECON_VENDORS`` itself is malformed)."""
    if vendors is None:
        try:
            vendors = enabled_vendors()
        except SettingError:
            vendors = VENDORS  # AIECON_VENDORS's own line says what is wrong; check every vendor meanwhile
    groups = _groups_in_use(vendors)
    found: dict[str, list[str]] = {}
    for s in declared_settings():
        if s.group in groups:
            lines = problems([s])
            if lines and s.required and s.group not in ("core", "postgres", "spark") and s.raw() is None:
                lines = [f"{lines[0]}: needed by vendor {s.group} (enabled; AIECON_VENDORS can leave it out)"]
            found.setdefault(s.group, []).extend(lines)
    if not found.get("core"):
        try:  # the override file's content, not only its path: a bad row stops every run that builds marts
            price_override_vars()
        except PriceOverrideError as error:
            found.setdefault("core", []).append(str(error))
    from dagster_project.extras import require_postgres_extra, require_spark_extra

    for group, require in (("postgres", require_postgres_extra), ("spark", require_spark_extra)):
        if group in groups:
            try:
                require()
            except SettingError as error:
                found.setdefault(group, []).append(str(error))
    return {group: lines for group, lines in found.items() if lines}


def require_valid_settings(vendors: Iterable[Vendor] | None = None) -> None:
    """Raise ``SettingsProblems`` (one line per problem) when a setting in use is missing or invalid."""
    lines = [line for group in setting_problems(vendors).values() for line in group]
    if lines:
        raise SettingsProblems(lines)


def require_valid_settings_in_step(vendors: Iterable[Vendor]) -> None:
    """``require_valid_settings`` for a Dagster step: the lines become the step's failure description (what
    the UI and the run-failure sensor show), not a traceback."""
    try:
        require_valid_settings(vendors)
    except SettingsProblems as problems:
        import dagster as dg

        names = ", ".join(v.name for v in vendors)
        raise dg.Failure(
            description=f"settings of {names} are invalid, nothing was loaded:\n{problems}",
            metadata={"problems": len(problems.lines)},
        ) from None


def day_problems(days: Iterable[date], what: str = "day") -> list[str]:
    """A line for each day after today (UTC): a future day has no data yet and would load zero rows."""
    today = today_utc()
    return [
        f"{what} {d} is in the future (today is {today}, UTC): no vendor has data for it"
        for d in days
        if d > today
    ]


def probe_line(vendor: Vendor, timeout_s: float) -> tuple[bool, str]:
    """(ok, one line) for one authenticated request to ``vendor``."""
    if vendor.probe is None:
        return True, f"{vendor.name}: not probed (its package declares no probe)"
    try:
        asked = vendor.probe(timeout_s)
    except VendorAPIError as error:
        detail = f": {error.detail}" if error.detail else ""
        return False, f"{vendor.name}: {outcome(error)} ({error.endpoint}){detail} — {error.advice}"
    except Exception as error:  # noqa: BLE001 - whatever it is, the operator gets one line
        return False, f"{vendor.name}: failed: {root_cause_line(error)}"
    return True, f"{vendor.name}: ok ({asked})"


def run_check(timeout_s: float = PROBE_TIMEOUT_S, probe: bool = True, out=None) -> int:
    """Print the problems and probe results; 1 when anything is wrong, else 0."""
    out = out or sys.stdout
    found = setting_problems()
    lines = [line for group in found.values() for line in group]
    for line in lines:
        print(line, file=out, flush=True)
    try:
        vendors = enabled_vendors()
    except SettingError:
        vendors = ()
    failed, skipped = 0, [v.name for v in vendors if v.name in found]
    for vendor in vendors:
        if probe and vendor.name not in found:
            ok, line = probe_line(vendor, timeout_s)
            failed += not ok
            print(line, file=out, flush=True)
    total = len(lines) + failed
    not_probed = f"; not probed: {', '.join(skipped)} (fix their settings first)" if skipped and probe else ""
    if total:
        print(f"aiecon check: {total} problem(s){not_probed}", file=out)
        return 1
    names = ", ".join(v.name for v in vendors)
    print(f"aiecon check: settings valid{f', and {names} answered' if probe else ''}", file=out)
    return 0


def env_example() -> str:
    return render_env_example(declared_settings(), ENV_EXAMPLE_HEADER)


def main(args: argparse.Namespace) -> int:
    if args.env_example:
        sys.stdout.write(env_example())
        return 0
    return run_check(args.timeout, probe=not args.no_probe)
