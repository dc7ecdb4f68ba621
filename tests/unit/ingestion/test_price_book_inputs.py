"""The price book's two inputs: the list prices exported from the pinned genai-prices, and the override file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingestion.pricing import genai_prices_export as export
from ingestion.pricing.overrides import PriceOverrideError, read_overrides


def test_the_committed_seeds_are_the_export_of_the_pinned_package():
    assert export.main(["--check"]) == 0, "re-run python -m ingestion.pricing.genai_prices_export"


def _list_rows(provider: str, model: str) -> list[dict[str, str]]:
    with export.LIST_PRICES_SEED.open() as handle:
        return [r for r in csv.DictReader(handle) if r["provider_id"] == provider and r["model_id"] == model]


def test_the_seed_holds_the_providers_published_prices():
    # openai.com/api/pricing: gpt-4o $2.50 input, $1.25 cached input, $10 output per 1M tokens
    gpt4o = {r["price_unit"]: (r["usd_price"], r["per_units"]) for r in _list_rows("openai", "gpt-4o")}
    assert gpt4o["input"] == ("2.5", "1000000") and gpt4o["cache_read"] == ("1.25", "1000000")
    assert gpt4o["output"] == ("10", "1000000")
    # DeepSeek: standard price 00:30-16:30 UTC, the off-peak one otherwise
    peak = [r for r in _list_rows("deepseek", "deepseek-chat") if r["time_of_day_from"]]
    assert {(r["time_of_day_from"], r["time_of_day_to"]) for r in peak} == {("00:30:00", "16:30:00")}
    # Gemini 2.5 Pro: prompts over 200k tokens cost $2.50 input, $15 output
    tier = {
        r["price_unit"]: r["usd_price"]
        for r in _list_rows("google", "gemini-2.5-pro")
        if r["tier_above_input_tokens"] == "200000"
    }
    assert tier["input"] == "2.5" and tier["output"] == "15"


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("input_mtok", ("input", 1_000_000)),
        ("requests_kcount", ("requests", 1_000)),
        ("audio_hours", ("audio_hours", 1)),
    ],
)
def test_a_price_key_is_a_unit_and_a_denomination(key, unit):
    assert export.price_unit(key) == unit


def test_an_unknown_denomination_stops_the_export():
    with pytest.raises(ValueError, match="no known denomination"):
        export.price_unit("input_gtok")


def test_a_negative_lookahead_becomes_not_regex_and_another_lookaround_stops_the_export():
    assert export._portable_regex(r"^(?!.*-tts(?:$|-))") == ("not_regex", "-tts(?:$|-)")
    assert export._portable_regex(r"^gpt-4o-\d+$") == ("regex", r"^gpt-4o-\d+$")
    with pytest.raises(ValueError, match="look-around"):
        export._portable_regex(r"^gpt(?=-4)")


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text)
    return path


def test_an_override_file_is_read_checked_and_normalised(tmp_path):
    path = _file(
        tmp_path,
        "provider,model,price_unit,usd_price,per_units,effective_from,effective_to,note\n"
        "OpenAI,GPT-4o,input,2.25,,2026-12-01T14:00:00+02:00,2026-12-31,negotiated\n",
    )
    assert read_overrides(path) == [
        {
            "provider": "openai",
            "model": "gpt-4o",
            "price_unit": "input",
            "usd_price": "2.25",
            "per_units": "1000000",
            "effective_from": "2026-12-01 12:00:00",
            "effective_to": "2026-12-31 00:00:00",
            "note": "negotiated",
        }
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("openai,gpt-4o,tokens,1", "line 2: price_unit: 'tokens' is not one of"),
        ("openai,gpt-4o,input,cheap", "line 2: usd_price: 'cheap' is not a number"),
        ("openai,gpt-4o,input,-1", "line 2: usd_price: '-1' must be a number >= 0"),
        ("openai,,input,1", "line 2: model: is empty"),
        ("openai,gpt-4o,input,1,7", "line 2: per_units: '7' is not one of"),
        ("openai,gpt-4o,input,1,,2026-13-01", "line 2: effective_from: '2026-13-01' is not an ISO date"),
        (
            "openai,gpt-4o,input,1,,2026-12-02,2026-12-01",
            "line 2: effective_to: must be after effective_from",
        ),
    ],
)
def test_a_bad_override_names_its_line_and_column(tmp_path, row, message):
    path = _file(
        tmp_path, "provider,model,price_unit,usd_price,per_units,effective_from,effective_to\n" + row + "\n"
    )
    with pytest.raises(PriceOverrideError, match=message.replace("(", r"\(")):
        read_overrides(path)


def test_a_file_without_the_required_columns_says_which(tmp_path):
    with pytest.raises(PriceOverrideError, match="lacks price_unit, usd_price"):
        read_overrides(_file(tmp_path, "provider,model\nopenai,gpt-4o\n"))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(PriceOverrideError, match="cannot read"):
        read_overrides(tmp_path / "absent.csv")
