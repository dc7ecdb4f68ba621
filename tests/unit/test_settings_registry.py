"""Settings parse through their declarations: hand-written values of each kind, and the one-line errors
that name the variable, the value and what is expected."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest

from ingestion.core.http_client import RetryPolicy
from ingestion.core.setting_registry import CORE_SETTINGS, Setting, SettingError, today_utc, value


def parsed(kind: str, text: str, **extra):
    return Setting("X_TEST", kind, None, "test", **extra).parse(text)


def error_of(kind: str, text: str, **extra) -> str:
    with pytest.raises(SettingError) as caught:
        parsed(kind, text, **extra)
    assert caught.value.name == "X_TEST"
    return str(caught.value)


@pytest.mark.parametrize(
    ("kind", "text", "extra", "expected"),
    [
        ("int", " 6 ", {}, 6),
        ("int", "-1", {"minimum": -1}, -1),
        ("float", "0.25", {"minimum": 0, "maximum": 1}, 0.25),
        ("float", "60", {}, 60.0),
        ("bool", "Yes", {}, True),
        ("bool", "0", {}, False),
        ("bool", "off", {}, False),
        ("url", "https://api.example.com:8443/base", {}, "https://api.example.com:8443/base"),
        ("list", " a, ,b ", {}, ["a", "b"]),
        ("list", "audio,Video", {"choices": ("AUDIO", "IMAGE", "VIDEO")}, ["AUDIO", "VIDEO"]),
        ("enum", "POSTGRES", {"choices": ("duckdb", "postgres")}, "postgres"),
        ("str", "1GB", {}, "1GB"),
        ("path", "/tmp/x", {}, "/tmp/x"),
        ("cron", " 30  2 * * MON-FRI ", {}, "30 2 * * MON-FRI"),
        ("cron", "*/15 * * * *", {}, "*/15 * * * *"),
    ],
)
def test_a_valid_value_parses_to_its_type(kind, text, extra, expected):
    assert parsed(kind, text, **extra) == expected


@pytest.mark.parametrize(
    ("kind", "text", "extra", "message"),
    [
        ("int", "-1", {"minimum": 1}, "X_TEST='-1': expected an integer >= 1"),
        ("int", "4x", {"minimum": 1}, "X_TEST='4x': expected an integer >= 1"),
        ("int", "2.5", {}, "X_TEST='2.5': expected an integer"),
        (
            "int",
            "70000",
            {"minimum": 1, "maximum": 65535},
            "X_TEST='70000': expected an integer from 1 to 65535",
        ),
        ("float", "1.5", {"minimum": 0, "maximum": 1}, "X_TEST='1.5': expected a number from 0 to 1"),
        ("float", "nan", {"minimum": 0}, "X_TEST='nan': expected a number >= 0"),
        ("float", "ten", {}, "X_TEST='ten': expected a number"),
        ("bool", "maybe", {}, "X_TEST='maybe': expected true or false (also 1/0, yes/no, on/off)"),
        (
            "url",
            "my.orq.ai",
            {},
            "X_TEST='my.orq.ai': expected an http(s) URL such as https://api.example.com",
        ),
        (
            "url",
            "ftp://host",
            {},
            "X_TEST='ftp://host': expected an http(s) URL such as https://api.example.com",
        ),
        (
            "url",
            "http://host:port",
            {},
            "X_TEST='http://host:port': expected an http(s) URL such as https://api.example.com",
        ),
        ("list", ",,,", {}, "X_TEST=',,,': expected a comma-separated list of at least one item"),
        (
            "list",
            "AUDIO,SMELL",
            {"choices": ("AUDIO", "VIDEO")},
            "X_TEST='AUDIO,SMELL': expected a comma-separated list of at least one item of AUDIO, VIDEO",
        ),
        (
            "enum",
            "mysql",
            {"choices": ("duckdb", "postgres")},
            "X_TEST='mysql': expected one of duckdb, postgres",
        ),
        ("date", "2025-13-01", {}, "X_TEST='2025-13-01': expected a date YYYY-MM-DD"),
        (
            "cron",
            "30 2 * *",
            {},
            "X_TEST='30 2 * *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
        (
            "cron",
            "30;2 * * * *",
            {},
            "X_TEST='30;2 * * * *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
        # the right shape, numbers out of their field's range (minute 0-59, hour 0-23, month 1-12), a step 0
        (
            "cron",
            "61 2 * * *",
            {},
            "X_TEST='61 2 * * *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
        (
            "cron",
            "30 24 * * *",
            {},
            "X_TEST='30 24 * * *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
        (
            "cron",
            "0 0 1 0-12 *",
            {},
            "X_TEST='0 0 1 0-12 *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
        (
            "cron",
            "*/0 * * * *",
            {},
            "X_TEST='*/0 * * * *': expected a cron expression of 5 fields, e.g. '30 2 * * *'",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_variable_value_and_expectation(kind, text, extra, message):
    assert error_of(kind, text, **extra) == message


def test_a_day_after_today_is_refused_where_days_must_have_happened():
    tomorrow = (today_utc() + timedelta(days=1)).isoformat()
    assert parsed("date", tomorrow) is not None  # a plain date may be any day
    message = error_of("date", tomorrow, not_future=True)
    assert message.startswith(f"X_TEST='{tomorrow}': expected a date YYYY-MM-DD not after today")
    assert parsed("date", today_utc().isoformat(), not_future=True) == today_utc()


def test_a_malformed_url_is_echoed_without_its_credentials():
    message = error_of("url", "https://svc:s3cr3t@proxy.example.com:abc/v1")
    assert "s3cr3t" not in message and "svc" not in message, message
    assert message.startswith("X_TEST='https://(hidden)@proxy.example.com:abc/v1': expected an http(s) URL")


def test_a_secret_is_never_echoed():
    message = error_of("secret", "   ")
    assert message == "X_TEST=(hidden): expected a non-empty value"


def test_unset_or_empty_takes_the_default_and_a_required_setting_says_it_is_missing():
    s = Setting("X_TEST", "int", "7", "test", minimum=1)
    assert s.read({}) == 7
    assert s.read({"X_TEST": ""}) == 7  # `X_TEST=` in an env file keeps the default
    assert s.read({"X_TEST": "9"}) == 9
    assert Setting("X_TEST", "str", None, "test").read({}) is None
    with pytest.raises(SettingError, match=r"^X_TEST is not set$"):
        Setting("X_TEST", "secret", None, "test", required=True).read({})


def test_each_core_setting_has_a_kind_a_doc_and_a_default_that_parses():
    for s in CORE_SETTINGS:
        assert s.doc, s.name
        if s.default is not None:
            s.parse(s.default)  # raises on a default that its own declaration refuses
        else:
            assert s.secret or s.shown_default, f"{s.name}: say what applies when it is unset"


def test_the_retry_policy_defaults_are_the_declared_ones(monkeypatch):
    for name in [s.name for s in CORE_SETTINGS if s.name.startswith("AIECON_HTTP_")]:
        monkeypatch.delenv(name, raising=False)
    assert RetryPolicy.from_env() == RetryPolicy()


@pytest.mark.parametrize(
    ("name", "text", "reader", "message"),
    [
        (
            "AIECON_HTTP_MAX_ATTEMPTS",
            "-1",
            "ingestion.core.http_client:RetryPolicy.from_env",
            "AIECON_HTTP_MAX_ATTEMPTS='-1': expected an integer >= 1",
        ),
        (
            "AIECON_LATE_DATA_LOOKBACK_DAYS",
            "-3",
            "dagster_project.defs.schedules:late_data_lookback_days",
            "AIECON_LATE_DATA_LOOKBACK_DAYS='-3': expected an integer >= 0",
        ),
        (
            "ORQ_SPAN_WORKERS",
            "four",
            "ingestion.orq.source:_span_workers",
            "ORQ_SPAN_WORKERS='four': expected an integer >= 1",
        ),
        (
            "REVENIUM_TEAM_IDS",
            ",,,",
            "ingestion.revenium.settings:ReveniumSettings.from_env",
            "REVENIUM_TEAM_IDS=',,,': expected a comma-separated list of at least one item",
        ),
        (
            "AIECON_RAW_RETENTION_DAYS",
            "10",
            "dagster_project.defs.retention:RetentionPolicy.from_settings",
            "AIECON_RAW_RETENTION_DAYS='10': expected 0 (keep for ever) or an integer >= 31",
        ),
        (
            "HELICONE_BASE_URL",
            "api.helicone.ai",
            "ingestion.helicone.settings:HeliconeSettings.from_env",
            "HELICONE_BASE_URL='api.helicone.ai': expected an http(s) URL such as https://api.example.com",
        ),
    ],
)
def test_readers_fail_with_the_variables_line(monkeypatch, name, text, reader, message):
    monkeypatch.setenv("REVENIUM_API_KEY", "rk-test")
    monkeypatch.setenv("HELICONE_API_KEY", "sk-test")
    monkeypatch.setenv(name, text)
    module, _, path = reader.partition(":")
    read = importlib.import_module(module)
    for attr in path.split("."):
        read = getattr(read, attr)
    with pytest.raises(SettingError) as caught:
        read()
    assert str(caught.value) == message


def test_value_refuses_an_undeclared_name():
    with pytest.raises(KeyError, match="AIECON_NO_SUCH_THING is not declared"):
        value("AIECON_NO_SUCH_THING")
