"""The user's price overrides (``AIECON_PRICE_OVERRIDES``): negotiated discounts, private models, price changes.

A CSV file with a header; one row is one price of one model from a time on (docs/pricing.md):

    provider,model,price_unit,usd_price,per_units,effective_from,effective_to,note
    openai,gpt-4o,input,2.25,1000000,2026-12-01T12:00:00Z,,negotiated 10% off from noon

* ``provider``, ``model``: as the calls name them (case does not matter); an override matches a call by these
  exactly, whatever genai-prices calls the model, so a private or fine-tuned model can be priced.
* ``price_unit``: one of ``PRICE_UNITS``; the other units of the model keep their list prices.
* ``usd_price`` per ``per_units`` units (default 1,000,000; 1, 1,000 or 1,000,000).
* ``effective_from`` / ``effective_to``: ISO date or datetime (UTC when it has no offset), half-open; empty =
  open. Of two overrides in force at a call's time, the later ``effective_from`` wins.

The rows reach dbt as the var ``price_overrides`` (``dbt_vars``): every run that builds the marts passes them,
so the price-book version changes exactly when the file's content does.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

PRICE_UNITS = ("input", "output", "cache_read", "cache_write", "output_reasoning", "requests")
DENOMINATIONS = ("1", "1000", "1000000")
COLUMNS = (
    "provider",
    "model",
    "price_unit",
    "usd_price",
    "per_units",
    "effective_from",
    "effective_to",
    "note",
)
REQUIRED = ("provider", "model", "price_unit", "usd_price")


class PriceOverrideError(ValueError):
    """A malformed override file; ``str()`` names the file, the line and the column."""


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text else None
    if value is None:
        value = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _row(path: Path, line: int, raw: dict[str, str]) -> dict[str, str]:
    def bad(column: str, why: str) -> PriceOverrideError:
        return PriceOverrideError(f"{path} line {line}: {column}: {why}")

    row = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    for column in REQUIRED:
        if not row[column]:
            raise bad(column, "is empty")
    row["provider"], row["model"] = row["provider"].lower(), row["model"].lower()
    if row["price_unit"] not in PRICE_UNITS:
        raise bad("price_unit", f"{row['price_unit']!r} is not one of {', '.join(PRICE_UNITS)}")
    try:
        price = Decimal(row["usd_price"])
    except InvalidOperation:
        raise bad("usd_price", f"{row['usd_price']!r} is not a number") from None
    if not price.is_finite() or price < 0 or price.as_tuple().exponent < -9:  # type: ignore[operator]
        raise bad("usd_price", f"{row['usd_price']!r} must be a number >= 0 with at most 9 decimals")
    row["usd_price"] = format(price, "f")
    row["per_units"] = row["per_units"] or "1000000"
    if row["per_units"] not in DENOMINATIONS:
        raise bad("per_units", f"{row['per_units']!r} is not one of {', '.join(DENOMINATIONS)}")
    for column in ("effective_from", "effective_to"):
        if row[column]:
            try:
                row[column] = _instant(row[column]).strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise bad(column, f"{row[column]!r} is not an ISO date or datetime") from None
    if row["effective_from"] and row["effective_to"] and row["effective_to"] <= row["effective_from"]:
        raise bad("effective_to", "must be after effective_from")
    return row


def read_overrides(path: Path) -> list[dict[str, str]]:
    """The file's rows, checked and normalised (lower-case names, UTC ``YYYY-MM-DD HH:MM:SS`` times)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise PriceOverrideError(
                    f"{path}: the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})"
                )
            return [_row(path, number, raw) for number, raw in enumerate(reader, start=2)]
    except OSError as error:
        raise PriceOverrideError(f"AIECON_PRICE_OVERRIDES: cannot read {path}: {error.strerror}") from None


def dbt_vars() -> dict[str, list[dict[str, str]]]:
    """``{"price_overrides": rows}`` for a dbt run: the file of ``AIECON_PRICE_OVERRIDES``, or none."""
    from ingestion.core.setting_registry import value

    path = value("AIECON_PRICE_OVERRIDES")
    return {"price_overrides": read_overrides(Path(path)) if path else []}
