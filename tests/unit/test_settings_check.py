"""The validation ``aiecon check`` prints runs before any run: ``aiecon build`` fails at once, before loading
anything, with one line per problem; days after today are refused; only settings in use are required."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dagster_project.check import SettingsProblems, day_problems, require_valid_settings, setting_problems
from dagster_project.cli import main
from ingestion.core.setting_registry import today_utc
from ingestion.vendors import VENDORS, declared_settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No setting of this project in the environment, dlt's config pointed at an empty folder."""
    for s in declared_settings():
        monkeypatch.delenv(s.name, raising=False)
    monkeypatch.setenv("DLT_PROJECT_DIR", str(tmp_path))  # no .dlt/secrets.toml of the developer
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def set_good_vendor_settings(monkeypatch):
    monkeypatch.setenv("REVENIUM_TEAM_IDS", "tmAcme01")
    for v in VENDORS:
        monkeypatch.setenv(v.api_key_env, f"key-{v.name}")


def test_good_settings_have_no_problem(clean_env, monkeypatch):
    set_good_vendor_settings(monkeypatch)
    assert setting_problems() == {}
    require_valid_settings()  # does not raise


def test_the_issues_settings_are_one_line_each(clean_env, monkeypatch):
    set_good_vendor_settings(monkeypatch)
    monkeypatch.setenv("REVENIUM_TEAM_IDS", ",,,")
    monkeypatch.setenv("AIECON_HTTP_MAX_ATTEMPTS", "-1")
    monkeypatch.setenv("AIECON_LATE_DATA_LOOKBACK_DAYS", "-3")
    monkeypatch.setenv("AIECON_VOLUME_HISTORY_DAYS", "14 days")
    monkeypatch.delenv("HELICONE_API_KEY")
    with pytest.raises(SettingsProblems) as caught:
        require_valid_settings()
    assert sorted(caught.value.lines) == sorted(
        [
            "AIECON_HTTP_MAX_ATTEMPTS='-1': expected an integer >= 1",
            "AIECON_VOLUME_HISTORY_DAYS='14 days': expected an integer >= 1",
            "AIECON_LATE_DATA_LOOKBACK_DAYS='-3': expected an integer >= 0",
            "REVENIUM_TEAM_IDS=',,,': expected a comma-separated list of at least one item",
            "HELICONE_API_KEY is not set (nor sources.helicone.api_key in dlt secrets): "
            "needed by vendor helicone (enabled; AIECON_VENDORS can leave it out)",
        ]
    )


def test_postgres_settings_are_required_only_on_postgres(clean_env, monkeypatch):
    set_good_vendor_settings(monkeypatch)
    monkeypatch.setenv("AIECON_PG_PORT", "five")  # not in use on DuckDB
    assert setting_problems() == {}
    monkeypatch.setenv("AIECON_DESTINATION", "postgres")
    assert setting_problems() == {
        "postgres": [
            "AIECON_PG_PORT='five': expected an integer from 1 to 65535",
            "AIECON_PG_PASSWORD is not set",
        ]
    }
    monkeypatch.setenv("AIECON_DESTINATION", "mysql")
    assert setting_problems() == {
        "core": ["AIECON_DESTINATION='mysql': expected one of duckdb, postgres, spark"]
    }


def test_an_ingest_step_checks_the_core_and_its_own_vendor_only(clean_env, monkeypatch):
    set_good_vendor_settings(monkeypatch)
    first, *others = VENDORS
    monkeypatch.delenv(others[0].api_key_env)
    require_valid_settings((first,))  # another vendor's missing key does not stop this vendor's step
    with pytest.raises(SettingsProblems, match=others[0].api_key_env):
        require_valid_settings((others[0],))


def test_days_after_today_are_refused():
    today = today_utc()
    assert day_problems([today, today - timedelta(days=30)]) == []
    tomorrow = today + timedelta(days=1)
    assert day_problems([tomorrow], "--last") == [
        f"--last {tomorrow} is in the future (today is {today}, UTC): no vendor has data for it"
    ]


def test_build_of_a_future_day_is_refused_before_anything(clean_env, capsys):
    tomorrow = (today_utc() + timedelta(days=1)).isoformat()
    assert main(["build", "--first", tomorrow, "--last", tomorrow]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"build: --first/--last {tomorrow} is in the future (today is {today_utc()}, UTC): no vendor has data for it"
    )
    assert not (clean_env / "data" / "dlt_pipelines").exists()


def test_build_with_broken_settings_fails_before_loading_anything(clean_env, monkeypatch, capsys):
    set_good_vendor_settings(monkeypatch)
    monkeypatch.delenv("HELICONE_API_KEY")
    monkeypatch.setenv("ORQ_SPAN_WORKERS", "abc")
    day = date(2026, 3, 3).isoformat()
    assert main(["build", "--first", day, "--last", day]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "HELICONE_API_KEY is not set (nor sources.helicone.api_key in dlt secrets): "
        "needed by vendor helicone (enabled; AIECON_VENDORS can leave it out)",
        "ORQ_SPAN_WORKERS='abc': expected an integer >= 1",
        "nothing was run: fix the settings above (aiecon check lists them)",
    ]
    data = clean_env / "data"
    assert not (data / "dlt_pipelines").exists() and not (data / "warehouse.duckdb").exists()


def test_a_bad_price_override_file_is_named_with_its_line(clean_env, monkeypatch, tmp_path):
    set_good_vendor_settings(monkeypatch)
    overrides = tmp_path / "prices.csv"
    overrides.write_text(
        "provider,model,price_unit,usd_price\nopenai,gpt-4o,input,1\nopenai,gpt-4o,tokens,1\n"
    )
    monkeypatch.setenv("AIECON_PRICE_OVERRIDES", str(overrides))
    assert setting_problems() == {
        "core": [
            f"{overrides} line 3: price_unit: 'tokens' is not one of "
            "input, output, cache_read, cache_write, output_reasoning, requests"
        ]
    }
    overrides.write_text("provider,model,price_unit,usd_price\nopenai,gpt-4o,input,1\n")
    assert setting_problems() == {}
