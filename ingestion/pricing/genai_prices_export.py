"""The public list prices of the price book: the pinned ``genai-prices`` data, exported as two dbt seeds.

``dbt_project/seeds/price_book/price_book_list_prices.csv`` holds one row per provider x model x price set x
price unit x tier; ``price_book_model_matches.csv`` holds the package's model-name rules, flattened to
OR-of-AND rows that SQL can evaluate (``models/intermediate/pricing``). The seeds are committed, so a run's
prices never change by themselves: moving to a new ``genai-prices`` is a re-export and a reviewed diff.

    python -m ingestion.pricing.genai_prices_export            # (re)write the seeds
    python -m ingestion.pricing.genai_prices_export --check    # exit 1 when a seed differs from the export

How the package's data maps (docs/pricing.md):

* a model's prices are a list of price sets; the last one whose constraint is active wins. A
  ``StartDateConstraint`` is active from its UTC date on (``starts_on``), a ``TimeOfDateConstraint`` between two
  UTC times of day (``time_of_day_from``/``_to``; a window may wrap midnight). ``price_set`` is the list index.
* a ``TieredPrices`` is a base row (``tier_above_input_tokens`` 0) and one row per tier: the tier's price applies
  to all of a call's units once its total input tokens exceed the tier's start.
* a price key is a unit and a denomination: ``input_mtok`` is ``input`` per 1,000,000, ``requests_kcount`` is
  ``requests`` per 1,000.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingestion.core.generated_files import REPO_ROOT, write_or_check

SEED_DIR = REPO_ROOT / "dbt_project" / "seeds" / "price_book"
LIST_PRICES_SEED = SEED_DIR / "price_book_list_prices.csv"
MODEL_MATCHES_SEED = SEED_DIR / "price_book_model_matches.csv"
SOURCE = "genai-prices"
# The day this project last compared the pinned data with the providers' pricing pages (provenance column).
CHECKED_ON = date(2026, 12, 7)
# A price key's suffix: its denomination (how many units one price is for).
DENOMINATIONS = {"_mtok": 1_000_000, "_mchars": 1_000_000, "_kcount": 1_000, "_kpages": 1_000, "_hours": 1}

LIST_PRICE_COLUMNS = (
    "price_source",
    "source_version",
    "provider_id",
    "model_id",
    "price_set",
    "starts_on",
    "time_of_day_from",
    "time_of_day_to",
    "price_unit",
    "tier_above_input_tokens",
    "usd_price",
    "per_units",
    "pricing_url",
    "checked_on",
)
MODEL_MATCH_COLUMNS = ("provider_id", "model_id", "model_order", "rule_id", "match_kind", "match_value")


def price_unit(key: str) -> tuple[str, int]:
    """``input_mtok`` -> (``input``, 1_000_000); ``audio_hours`` -> (``audio_hours``, 1)."""
    for suffix, per in DENOMINATIONS.items():
        if key.endswith(suffix):
            return (key if suffix == "_hours" else key[: -len(suffix)]), per
    raise ValueError(f"genai-prices price key {key!r} has no known denomination; extend DENOMINATIONS")


def _text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _clauses(clause: Any) -> list[list[tuple[str, str]]]:
    """A match clause as OR of ANDs of (kind, value): the package's ``or``/``and`` nesting, flattened."""
    from genai_prices import types as t

    leaf = {
        t.ClauseEquals: ("equals", "equals"),
        t.ClauseStartsWith: ("starts_with", "starts_with"),
        t.ClauseEndsWith: ("ends_with", "ends_with"),
        t.ClauseContains: ("contains", "contains"),
        t.ClauseRegex: ("regex", "regex"),
    }
    if type(clause) in leaf:
        kind, attr = leaf[type(clause)]
        value = getattr(clause, attr)
        if kind == "regex":
            return [[_portable_regex(value)]]
        return [[(kind, value)]]
    if isinstance(clause, t.ClauseOr):
        return [conj for part in clause.or_ for conj in _clauses(part)]
    if isinstance(clause, t.ClauseAnd):
        product: list[list[tuple[str, str]]] = [[]]
        for part in clause.and_:
            product = [left + right for left in product for right in _clauses(part)]
        return product
    raise ValueError(f"genai-prices match clause {type(clause).__name__} is not supported by the export")


def _portable_regex(pattern: str) -> tuple[str, str]:
    """A pattern both DuckDB (RE2) and PostgreSQL run: ``^(?!.*X)`` ("X nowhere") becomes ``not_regex`` X;
    any other look-around has no RE2 form and stops the export, naming the pattern."""
    if negated := re.fullmatch(r"\^\(\?!\.\*(.*)\)", pattern):
        inner = negated.group(1)
        if "(?=" not in inner and "(?!" not in inner and "(?<" not in inner:
            return "not_regex", inner
    if any(token in pattern for token in ("(?=", "(?!", "(?<")):
        raise ValueError(f"genai-prices regex {pattern!r} uses a look-around SQL engines cannot run")
    return "regex", pattern


def _constraint(constraint: Any) -> tuple[str, str, str]:
    from genai_prices import types as t

    if constraint is None:
        return "", "", ""
    if isinstance(constraint, t.StartDateConstraint):
        return constraint.start_date.isoformat(), "", ""
    if isinstance(constraint, t.TimeOfDateConstraint):
        start, end = (
            t._utc_timetz(x).replace(tzinfo=None) for x in (constraint.start_time, constraint.end_time)
        )  # noqa: SLF001 - the package's own UTC normalisation
        return "", start.isoformat(), end.isoformat()
    raise ValueError(f"genai-prices constraint {type(constraint).__name__} is not supported by the export")


def list_price_rows() -> Iterator[dict[str, str]]:
    """Every price of every model of the pinned package, one row per unit and tier."""
    from importlib.metadata import version

    from genai_prices import data
    from genai_prices import types as t

    source_version = version("genai-prices")
    for provider in data.providers:
        url = (provider.pricing_urls or [""])[0]
        for model in provider.models:
            sets = model.prices if isinstance(model.prices, list) else [model.prices]
            for index, entry in enumerate(sets):
                prices = entry.prices if isinstance(entry, t.ConditionalPrice) else entry
                starts_on, tod_from, tod_to = _constraint(getattr(entry, "constraint", None))
                for key, value in sorted(vars(prices).items()):
                    if value is None or key.startswith("_"):
                        continue
                    unit, per = price_unit(key)
                    tiers = [(0, value)]
                    if isinstance(value, t.TieredPrices):
                        tiers = [(0, value.base)] + [(tier.start, tier.price) for tier in value.tiers]
                    for above, price in tiers:
                        yield {
                            "price_source": SOURCE,
                            "source_version": source_version,
                            "provider_id": provider.id,
                            "model_id": model.id,
                            "price_set": str(index),
                            "starts_on": starts_on,
                            "time_of_day_from": tod_from,
                            "time_of_day_to": tod_to,
                            "price_unit": unit,
                            "tier_above_input_tokens": str(above),
                            "usd_price": _text(price),
                            "per_units": str(per),
                            "pricing_url": url,
                            "checked_on": CHECKED_ON.isoformat(),
                        }


def model_match_rows() -> Iterator[dict[str, str]]:
    """The model-name rules (``model_id`` set) and each provider's own rules (``model_id`` empty): a name
    matches a rule when it satisfies every row of it; the first model in ``model_order`` wins."""
    from genai_prices import data

    for provider in data.providers:
        owners = [("", -1, provider.provider_match)] if provider.provider_match else []
        owners += [(model.id, order, model.match) for order, model in enumerate(provider.models)]
        for model_id, order, clause in owners:
            for rule_id, conj in enumerate(_clauses(clause)):
                for kind, value in conj:
                    yield {
                        "provider_id": provider.id,
                        "model_id": model_id,
                        "model_order": str(order),
                        "rule_id": str(rule_id),
                        "match_kind": kind,
                        "match_value": value,
                    }


def render(columns: tuple[str, ...], rows: Iterator[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def seeds() -> dict[Path, str]:
    return {
        LIST_PRICES_SEED: render(LIST_PRICE_COLUMNS, list_price_rows()),
        MODEL_MATCHES_SEED: render(MODEL_MATCH_COLUMNS, model_match_rows()),
    }


def main(argv: list[str] | None = None) -> int:
    return write_or_check(__doc__.split("\n\n")[0], seeds(), argv)


if __name__ == "__main__":
    sys.exit(main())
