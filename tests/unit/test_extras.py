"""PostgreSQL and Spark are optional extras: without one, its paths fail with one line naming it."""

from __future__ import annotations

import importlib.util

import pytest

from dagster_project import extras
from ingestion.core.setting_registry import SettingError


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(extras, "find_spec", lambda name: None if name in modules else real(name))


def test_the_dev_environment_has_the_extra():
    extras.require_postgres_extra()  # the dev group installs it: PostgreSQL tests need it


def test_a_missing_driver_names_the_extra(monkeypatch):
    _without(monkeypatch, "psycopg2")
    with pytest.raises(SettingError) as raised:
        extras.require_postgres_extra()
    message = str(raised.value)
    assert "psycopg2-binary not installed" in message and "dbt-postgres" not in message, message
    assert "pip install 'ai-economics-warehouse[postgres]'" in message, message


def test_postgres_settings_and_the_cli_refuse_without_it(monkeypatch, capsys):
    _without(monkeypatch, "psycopg2", "dbt.adapters.postgres")
    monkeypatch.setenv("AIECON_PG_PASSWORD", "not-a-real-password")
    from dagster_project.destination import postgres_settings

    with pytest.raises(SettingError, match=r"psycopg2-binary, dbt-postgres not installed"):
        postgres_settings()
    from dagster_project.cli import main

    assert main(["postgres", "up"]) == 1
    assert "ai-economics-warehouse[postgres]" in capsys.readouterr().err


def test_aiecon_check_names_a_missing_extra_on_postgres_only(monkeypatch):
    from dagster_project.check import setting_problems

    _without(monkeypatch, "psycopg2")
    monkeypatch.setenv("AIECON_PG_PASSWORD", "not-a-real-password")
    monkeypatch.setenv("AIECON_DESTINATION", "postgres")
    assert any("psycopg2-binary not installed" in line for line in setting_problems([]).get("postgres", []))
    monkeypatch.setenv("AIECON_DESTINATION", "duckdb")
    assert "postgres" not in setting_problems([])


def test_aiecon_check_names_a_missing_spark_extra_and_java(monkeypatch):
    from dagster_project.check import setting_problems

    monkeypatch.setenv("AIECON_DESTINATION", "spark")
    _without(monkeypatch, "pyspark")
    lines = setting_problems([]).get("spark", [])
    assert any(
        "pyspark" in line and "not installed" in line and "make spark-install" in line for line in lines
    ), lines

    monkeypatch.setattr(extras, "find_spec", lambda name: object())  # the extra present ...
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # ... but no java anywhere
    lines = setting_problems([]).get("spark", [])
    assert any("needs Java 17" in line for line in lines), lines
