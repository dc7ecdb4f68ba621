"""The warehouse destination is configuration: AIECON_DESTINATION and AIECON_PG_* pick it, code does not."""

import pytest

from dagster_project.defs.dlt.pipelines import vendor_pipeline
from dagster_project.destination import destination_name, postgres_settings


def test_duckdb_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("AIECON_DESTINATION", raising=False)
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    assert destination_name() == "duckdb"
    assert vendor_pipeline("orq").destination.destination_name == "duckdb"


def test_postgres_is_chosen_by_the_environment_with_its_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("AIECON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIECON_DESTINATION", "postgres")
    monkeypatch.setenv("AIECON_PG_PORT", "6543")
    monkeypatch.setenv("AIECON_PG_PASSWORD", "s3cret-from-env")
    settings = postgres_settings()
    assert (settings.host, settings.port, settings.database, settings.user) == (
        "127.0.0.1",
        6543,
        "aiecon",
        "aiecon",
    )
    assert "s3cret-from-env" not in repr(settings)  # what a log or traceback would show
    assert vendor_pipeline("orq").destination.destination_name == "postgres"


def test_postgres_without_a_password_and_unknown_destinations_are_refused(monkeypatch):
    monkeypatch.setenv("AIECON_DESTINATION", "postgres")
    monkeypatch.delenv("AIECON_PG_PASSWORD", raising=False)
    with pytest.raises(RuntimeError, match="AIECON_PG_PASSWORD"):
        postgres_settings()
    monkeypatch.setenv("AIECON_DESTINATION", "snowflake")
    with pytest.raises(ValueError, match="snowflake"):
        destination_name()
