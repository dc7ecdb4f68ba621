"""Every setting the project reads, declared once: name, kind, default, allowed range, one line of doc.

Readers parse through a declaration (``value("AIECON_HTTP_MAX_ATTEMPTS")`` here, or a vendor package's own
``Setting`` objects), so a malformed or out-of-range value fails with one line naming the variable, the
value and what is expected — never ``invalid literal for int()`` from deep inside a load. ``aiecon check``
(dagster_project/check.py) validates all of them at once; ``.env.example`` is rendered from them
(``render_env_example``) and tests/unit/test_env_example.py keeps both in step with the code.

This module declares the settings that belong to no vendor (``CORE_SETTINGS``); each vendor package
declares its own (``ingestion/<vendor>/settings.py: SETTINGS``), gathered by the vendor registry
(``ingestion.vendors``). An empty value counts as unset (``FOO=`` in an env file keeps the default).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

KINDS = ("int", "float", "bool", "str", "url", "list", "enum", "secret", "path", "date", "cron")
# One field of a 5-field cron expression: numbers, names (MON, JAN), *, ranges, steps and lists. A shape check
# only (the core stays free of Dagster); the schedules still ask Dagster whether it can use the expression.
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?]+(?:[-/][0-9A-Za-z*]+)*(?:,[0-9A-Za-z*?]+(?:[-/][0-9A-Za-z*]+)*)*$")
# Each field's numbers: minute, hour, day of month, month, day of week (0 and 7 are Sunday).
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingError(ValueError):
    """A setting that is missing, malformed or out of range; ``str()`` is one line naming the variable."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


def _cron_numbers_in_range(field: str, low: int, high: int) -> bool:
    """Whether every number of a cron field lies in its range and every step is at least 1 (names such as
    MON or JAN are left to the shape check)."""
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) < 1):
            return False
        if any(bound.isdigit() and not low <= int(bound) <= high for bound in base.split("-")):
            return False
    return True


def _without_userinfo(url: str) -> str:
    """A URL with any ``user:password@`` replaced: an error line never shows credentials."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(hidden: not a URL)"
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="(hidden)@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def today_utc() -> date:
    return datetime.now(UTC).date()


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Setting:
    """One environment variable. ``default`` is the text used when it is unset (None: no default — the
    reader derives one, e.g. a path under ``AIECON_DATA_DIR``, described by ``shown_default``); ``group`` is
    ``core``, ``postgres`` (in use with ``AIECON_DESTINATION=postgres``) or the vendor's name (in use when
    that vendor is enabled); ``required`` settings must be set whenever their group is in use."""

    name: str
    kind: str
    default: str | None
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # enum: the values; list: the allowed items (empty: any)
    dlt_key: str | None = None  # read from dlt's config (secrets, for a secret) when the env is silent
    required: bool = False
    group: str = "core"
    not_future: bool = False  # a date: not after today (UTC)
    shown_default: str | None = None  # what .env.example / README say when ``default`` is None
    # A rule the kind cannot say (e.g. "0 or at least 31"): the parsed value must pass it; ``expects`` is
    # then what the error message says a valid value looks like.
    valid: Callable[[Any], bool] | None = None
    expects: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r} (one of {', '.join(KINDS)})")

    @property
    def secret(self) -> bool:
        return self.kind == "secret"

    def expected(self) -> str:
        """What a valid value looks like, for an error message."""
        if self.expects:
            return self.expects
        if self.kind in ("int", "float"):
            what = "an integer" if self.kind == "int" else "a number"
            low, high = self.minimum, self.maximum
            if low is not None and high is not None:
                return f"{what} from {_number(low)} to {_number(high)}"
            if low is not None:
                return f"{what} >= {_number(low)}"
            if high is not None:
                return f"{what} <= {_number(high)}"
            return what
        if self.kind == "bool":
            return "true or false (also 1/0, yes/no, on/off)"
        if self.kind == "url":
            return "an http(s) URL such as https://api.example.com"
        if self.kind == "list":
            items = f" of {', '.join(self.choices)}" if self.choices else ""
            return f"a comma-separated list of at least one item{items}"
        if self.kind == "enum":
            return f"one of {', '.join(self.choices)}"
        if self.kind == "cron":
            return "a cron expression of 5 fields, e.g. '30 2 * * *'"
        if self.kind == "date":
            return f"a date YYYY-MM-DD{f' not after today ({today_utc()}, UTC)' if self.not_future else ''}"
        return "a non-empty value"

    def _bad(self, text: str) -> SettingError:
        shown = "(hidden)" if self.secret else repr(_without_userinfo(text) if self.kind == "url" else text)
        return SettingError(self.name, f"{self.name}={shown}: expected {self.expected()}")

    def parse(self, text: str) -> Any:
        """The typed value of ``text``; SettingError (one line) when it is malformed or out of range."""
        parsed = self._parse(text.strip())
        if self.valid is not None and not self.valid(parsed):
            raise self._bad(text.strip())
        return parsed

    def _parse(self, text: str) -> Any:
        if self.kind in ("int", "float"):
            try:
                number: float = int(text) if self.kind == "int" else float(text)
            except ValueError:
                raise self._bad(text) from None
            if number != number or (self.minimum is not None and number < self.minimum):  # NaN too
                raise self._bad(text)
            if self.maximum is not None and number > self.maximum:
                raise self._bad(text)
            return number
        if self.kind == "bool":
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise self._bad(text)
        if self.kind == "url":
            parts = urlsplit(text)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise self._bad(text)
            try:
                parts.port  # noqa: B018 - raises ValueError on a port that is not a number
            except ValueError:
                raise self._bad(text) from None
            return text
        if self.kind == "list":
            items = [item.strip() for item in text.split(",") if item.strip()]
            if not items:
                raise self._bad(text)
            return [self._choice(item, text) for item in items] if self.choices else items
        if self.kind == "enum":
            return self._choice(text, text)
        if self.kind == "cron":
            fields = text.split()
            if len(fields) != 5 or not all(
                CRON_FIELD.match(f) and _cron_numbers_in_range(f, low, high)
                for f, (low, high) in zip(fields, CRON_RANGES, strict=True)
            ):
                raise self._bad(text)
            return " ".join(fields)
        if self.kind == "date":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise self._bad(text) from None
            if self.not_future and day > today_utc():
                raise self._bad(text)
            return day
        if not text:
            raise self._bad(text)
        return text

    def _choice(self, item: str, text: str) -> str:
        for choice in self.choices:  # case-insensitive; the declared spelling comes back
            if item.lower() == choice.lower():
                return choice
        raise self._bad(text)

    def raw(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The text in effect: the environment, then dlt's config/secrets (``dlt_key``), else ``default``."""
        text = (os.environ if environ is None else environ).get(self.name, "")
        if not text.strip() and self.dlt_key:
            text = _from_dlt(self.dlt_key, self.secret)
        return text if text.strip() else self.default

    def read(self, environ: Mapping[str, str] | None = None) -> Any:
        """The parsed value (None when unset without a default and not required)."""
        text = self.raw(environ)
        if text is None:
            if self.required:
                where = f" (nor {self.dlt_key} in dlt {'secrets' if self.secret else 'config'})"
                raise SettingError(self.name, f"{self.name} is not set{where if self.dlt_key else ''}")
            return None
        return self.parse(text)


def _from_dlt(key: str, secret: bool) -> str:
    import dlt  # lazily: dlt's config is only read when the environment is silent

    try:
        found = (dlt.secrets if secret else dlt.config).get(key)
    except Exception:  # noqa: BLE001 - a malformed toml reads as unset; the missing-setting line says which
        return ""
    return "" if found is None else str(found)


def problems(settings: Iterable[Setting], environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per setting that is missing (when required), malformed or out of range."""
    found = []
    for s in settings:
        try:
            s.read(environ)
        except SettingError as error:
            found.append(str(error))
    return found


def render_env_example(settings: Iterable[Setting], header: str) -> str:
    """``.env.example``: every setting with its doc and default; secrets as empty assignments to fill in,
    everything else commented out (the default is in effect until a line is uncommented)."""
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    group = None
    for s in settings:
        if s.group != group:
            group = s.group
            lines += ["", f"# --- {group} ---"]
        lines.append(f"# {s.doc}")
        if s.secret:
            lines.append(f"{s.name}=")
        elif s.default is not None:
            lines.append(f"# {s.name}={s.default}")
        else:
            lines.append(f"# {s.name}=  # default: {s.shown_default or 'none'}")
    return "\n".join(lines) + "\n"


def _s(name: str, kind: str, default: str | None, doc: str, **extra: Any) -> Setting:
    return Setting(name, kind, default, doc, **extra)


# Raw days a daily run and the trace marts re-read (the late-data look-back, trace_span_days): less would
# delete what the next rebuild needs.
RAW_RETENTION_MIN_DAYS = 31

CORE_SETTINGS: tuple[Setting, ...] = (
    # where things live
    _s(
        "AIECON_DATA_DIR",
        "path",
        None,
        "warehouse, dlt working files, Dagster home, logs",
        shown_default="<repo>/data",
    ),
    _s(
        "AIECON_WAREHOUSE",
        "path",
        None,
        "the DuckDB warehouse file every writer shares",
        shown_default="$AIECON_DATA_DIR/warehouse.duckdb",
    ),
    _s(
        "AIECON_SERVING_WAREHOUSE",
        "path",
        None,
        "the read-only copy of the marts for BI",
        shown_default="$AIECON_DATA_DIR/serving.duckdb",
    ),
    _s(
        "AIECON_PARQUET_DIR",
        "path",
        None,
        "the marts as Parquet, one folder per day",
        shown_default="$AIECON_DATA_DIR/parquet",
    ),
    _s(
        "DAGSTER_HOME",
        "path",
        None,
        "the Dagster instance (run history, schedules)",
        shown_default="$AIECON_DATA_DIR/dagster_home under aiecon demo/dev/serve",
    ),
    _s("AIECON_PARTITIONS_START", "date", "2025-01-01", "first daily partition (UTC)", not_future=True),
    _s(
        "AIECON_VENDORS",
        "list",
        None,
        "the vendors to ingest (comma-separated names)",
        shown_default="every vendor of ingestion/vendors.py",
    ),
    # the warehouse
    _s(
        "AIECON_DESTINATION",
        "enum",
        "duckdb",
        "duckdb, postgres or spark: the warehouse dbt builds in (spark: dlt lands in DuckDB, the raw days go to "
        "a Parquet lake, dbt-spark builds; docs/scale-out.md)",
        choices=("duckdb", "postgres", "spark"),
    ),
    _s(
        "AIECON_DUCKDB_MEMORY_LIMIT",
        "str",
        "1GB",
        "DuckDB's memory cap for dlt loads (dbt: 80% of RAM when unset)",
    ),
    _s("AIECON_DUCKDB_TIMEZONE", "str", "UTC", "dbt's DuckDB session time zone (display only)"),
    _s("AIECON_KEEP_LOAD_FILES", "bool", "false", "keep dlt's load files on disk after they are loaded"),
    # the HTTP client
    _s("AIECON_HTTP_MAX_ATTEMPTS", "int", "6", "attempts per request (retries + 1)", minimum=1),
    _s("AIECON_HTTP_BACKOFF_BASE_S", "float", "0.5", "first retry delay, doubled each retry", minimum=0),
    _s("AIECON_HTTP_BACKOFF_MAX_S", "float", "60", "longest retry delay", minimum=0),
    _s(
        "AIECON_HTTP_TIMEOUT_S",
        "float",
        "60",
        "seconds each socket wait (connect, each read) may take",
        minimum=0.001,
    ),
    _s(
        "AIECON_HTTP_DEADLINE_S",
        "float",
        "300",
        "seconds one whole request may take (never below the timeout)",
        minimum=0.001,
    ),
    _s("AIECON_HTTP_MAX_REDIRECTS", "int", "5", "redirects followed per request", minimum=0),
    _s(
        "AIECON_MAX_PAGES", "int", "20000", "pages one walk may read before it stops with an error", minimum=1
    ),
    _s(
        "AIECON_PROGRESS_EVERY_S", "float", "10", "seconds between a resource's progress log lines", minimum=0
    ),
    # the gates and the schedule
    _s(
        "AIECON_QUARANTINE_MAX_SHARE",
        "float",
        "0.01",
        "share of a day's records the quarantine may hold",
        minimum=0,
        maximum=1,
    ),
    _s(
        "AIECON_GATE_SAMPLE_ROWS",
        "int",
        "1000",
        "rows of each day the raw_rules suite reads besides those its SQL pre-filter flags",
        minimum=0,
    ),
    _s(
        "AIECON_VOLUME_HISTORY_DAYS",
        "int",
        "14",
        "trailing days the volume gate takes the median of",
        minimum=1,
    ),
    _s(
        "AIECON_VOLUME_MIN_RATIO",
        "float",
        "0.25",
        "a day below this share of the median fails the volume gate",
        minimum=0,
    ),
    _s("AIECON_ALLOW_EMPTY_DAYS", "bool", "false", "let a day without rows pass the volume gate"),
    _s(
        "AIECON_RECONCILIATION_TOLERANCE_USD",
        "float",
        "0.01",
        "absolute tolerance of the reconciliation gate",
        minimum=0,
    ),
    _s(
        "AIECON_RECONCILIATION_TOLERANCE_RATIO",
        "float",
        "0.0001",
        "relative tolerance of the reconciliation gate",
        minimum=0,
    ),
    _s(
        "AIECON_LATE_DATA_LOOKBACK_DAYS",
        "int",
        "2",
        "days before yesterday the daily run re-pulls",
        minimum=0,
    ),
    _s(
        "AIECON_INCREMENTAL_REFRESH",
        "bool",
        "true",
        "a run of today's open day pulls, for each incremental raw table, only what is newer than what landed",
    ),
    _s(
        "AIECON_INCREMENTAL_REFRESH_OVERLAP_MINUTES",
        "int",
        "30",
        "how far before the newest landed event an incremental refresh pulls again (late records)",
        minimum=0,
    ),
    _s("AIECON_SCHEDULES", "bool", "false", "schedules start running (aiecon serve turns them on)"),
    _s("AIECON_HOURLY_REFRESH_CRON", "cron", "15 * * * *", "when hourly_today_refresh runs (cron, UTC)"),
    _s("AIECON_DAILY_FINALIZE_CRON", "cron", "30 2 * * *", "when daily_finalize runs (cron, UTC)"),
    # retention and personal data (dagster_project/defs/retention.py, docs/conventions.md); 0 = keep for ever
    _s(
        "AIECON_RAW_RETENTION_DAYS",
        "int",
        "400",
        f"days of raw rows kept, by _day (0, or at least {RAW_RETENTION_MIN_DAYS})",
        minimum=0,
        valid=lambda days: days == 0 or days >= RAW_RETENTION_MIN_DAYS,
        expects=f"0 (keep for ever) or an integer >= {RAW_RETENTION_MIN_DAYS}",
    ),
    _s(
        "AIECON_QUARANTINE_RETENTION_DAYS",
        "int",
        "90",
        "days of quarantined records kept, by _day",
        minimum=0,
    ),
    _s(
        "AIECON_RUN_HISTORY_RETENTION_DAYS",
        "int",
        "90",
        "days of Dagster runs, ops/run_failures.jsonl lines and logs kept",
        minimum=0,
    ),
    _s("AIECON_RETENTION_CRON", "cron", "45 3 * * *", "when prune_retention runs (cron, UTC)"),
    _s(
        "AIECON_PRICE_OVERRIDES",
        "path",
        None,
        "CSV of price overrides (negotiated, private models) that win over the list prices (docs/pricing.md)",
        shown_default="none: the public list prices alone",
    ),
    _s(
        "AIECON_HASH_SUBSCRIBER_EMAIL",
        "bool",
        "true",
        "marts hold SHA-256 of subscriber e-mails, not addresses",
    ),
    # PostgreSQL (with AIECON_DESTINATION=postgres)
    _s("AIECON_PG_HOST", "str", "127.0.0.1", "PostgreSQL host", group="postgres"),
    _s(
        "AIECON_PG_PORT",
        "int",
        "5433",
        "PostgreSQL port (5433: the local cluster)",
        minimum=1,
        maximum=65535,
        group="postgres",
    ),
    _s(
        "AIECON_PG_DATABASE",
        "str",
        "aiecon",
        "database holding the raw, staging and marts schemas",
        group="postgres",
    ),
    _s("AIECON_PG_USER", "str", "aiecon", "the writer role dlt and dbt log in as", group="postgres"),
    _s("AIECON_PG_PASSWORD", "secret", None, "the writer role's password", required=True, group="postgres"),
    _s(
        "AIECON_PG_ADMIN_PASSWORD",
        "secret",
        None,
        "aiecon postgres up only: the local cluster's superuser",
        group="postgres",
    ),
    _s(
        "AIECON_PG_ANALYST_PASSWORD",
        "secret",
        None,
        "aiecon postgres up only: the read-only analyst role",
        group="postgres",
    ),
    _s(
        "AIECON_PG_BINDIR",
        "path",
        None,
        "aiecon postgres up only: the folder of PostgreSQL's server binaries",
        group="postgres",
        shown_default="/usr/lib/postgresql/<newest>/bin, pg_config --bindir or PATH",
    ),
    # Apache Spark (with AIECON_DESTINATION=spark; docs/scale-out.md)
    _s(
        "AIECON_SPARK_DIR",
        "path",
        None,
        "the lake (raw Parquet), Spark's table folders and its metastore",
        group="spark",
        shown_default="$AIECON_DATA_DIR/spark",
    ),
    _s(
        "AIECON_SPARK_MASTER",
        "str",
        "local[*]",
        "the Spark master of dbt's local session (local[N] or a cluster's URL)",
        group="spark",
    ),
    _s(
        "AIECON_SPARK_DRIVER_MEMORY",
        "str",
        "4g",
        "the local Spark driver's memory (its JVM heap)",
        group="spark",
    ),
    _s(
        "JAVA_HOME",
        "path",
        None,
        "the Java (17 or newer) PySpark starts",
        group="spark",
        shown_default="java on PATH",
    ),
)

_CORE = {s.name: s for s in CORE_SETTINGS}


def core_setting(name: str) -> Setting:
    try:
        return _CORE[name]
    except KeyError:
        raise KeyError(f"{name} is not declared in ingestion/core/setting_registry.py") from None


def value(name: str) -> Any:
    """The parsed value of the core setting ``name`` (None when unset without a default)."""
    return core_setting(name).read()
