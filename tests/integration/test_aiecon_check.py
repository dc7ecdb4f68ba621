"""``aiecon check`` against the simulator: every setting validated at once (one line each), then one
authenticated probe per enabled vendor — ok with the simulator's keys, 401 with a wrong key, unreachable on
a closed port, timeout on a server that accepts and never answers. Exit 1 on any problem."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from dagster_project.cli import main
from ingestion.vendors import VENDOR_NAMES


def check(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["check", "--timeout", "1", *args])
    return code, capsys.readouterr().out.splitlines()


def vendor_lines(lines: list[str]) -> dict[str, str]:
    return {line.split(":", 1)[0]: line for line in lines if line.split(":", 1)[0] in VENDOR_NAMES}


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def test_good_keys_probe_ok_and_exit_0(simulator, capsys):
    code, lines = check(capsys)
    assert code == 0, "\n".join(lines)
    probes = vendor_lines(lines)
    assert sorted(probes) == sorted(VENDOR_NAMES)
    for vendor, line in probes.items():
        assert line.startswith(f"{vendor}: ok ("), line
    assert f"{simulator.base_url}/helicone/" in probes["helicone"]  # it asked the configured host
    assert lines[-1].startswith("aiecon check: settings valid")


def test_a_wrong_key_is_401_naming_the_key(simulator, capsys, monkeypatch):
    monkeypatch.setenv("HELICONE_API_KEY", "sk-wrong-key")
    code, lines = check(capsys)
    assert code == 1
    probes = vendor_lines(lines)
    assert probes["helicone"].startswith("helicone: 401 ("), probes["helicone"]
    assert "HELICONE_API_KEY" in probes["helicone"]
    assert "sk-wrong-key" not in "\n".join(lines)  # the key is never echoed
    others = [v for v in VENDOR_NAMES if v != "helicone"]
    assert all(probes[v].startswith(f"{v}: ok (") for v in others), lines
    assert lines[-1] == "aiecon check: 1 problem(s)"


def test_three_broken_settings_print_three_lines_naming_them(simulator, capsys, monkeypatch):
    broken = {
        "REVENIUM_TEAM_IDS": ",,,",
        "AIECON_HTTP_MAX_ATTEMPTS": "-1",
        "AIECON_LATE_DATA_LOOKBACK_DAYS": "-3",
    }
    for name, text in broken.items():
        monkeypatch.setenv(name, text)
    code, lines = check(capsys)
    assert code == 1
    probes = vendor_lines(lines)
    problems = [
        line for line in lines if line not in probes.values() and not line.startswith("aiecon check:")
    ]
    assert sorted(problems) == sorted(
        [
            "AIECON_HTTP_MAX_ATTEMPTS='-1': expected an integer >= 1",
            "AIECON_LATE_DATA_LOOKBACK_DAYS='-3': expected an integer >= 0",
            "REVENIUM_TEAM_IDS=',,,': expected a comma-separated list of at least one item",
        ]
    )
    # Revenium's settings are broken: it is not probed; the others still are, and answer.
    assert "revenium" not in probes
    assert all(line.split(": ", 1)[1].startswith("ok (") for line in probes.values()), probes
    assert lines[-1] == "aiecon check: 3 problem(s); not probed: revenium (fix their settings first)"


def test_a_closed_port_is_unreachable(simulator, capsys, monkeypatch, closed_port):
    monkeypatch.setenv("ORQ_BASE_URL", f"http://127.0.0.1:{closed_port}")
    code, lines = check(capsys)
    assert code == 1
    line = vendor_lines(lines)["orq"]
    assert line.startswith(f"orq: unreachable (http://127.0.0.1:{closed_port}/v3/traces/search)"), line
    assert "ORQ_BASE_URL" in line


def test_a_server_that_never_answers_is_a_timeout(simulator, capsys, monkeypatch, silent_server):
    monkeypatch.setenv("HELICONE_BASE_URL", f"http://127.0.0.1:{silent_server}")
    code, lines = check(capsys)
    assert code == 1
    line = vendor_lines(lines)["helicone"]
    assert line.startswith(f"helicone: timeout (http://127.0.0.1:{silent_server}/v1/request/"), line


def test_only_enabled_vendors_need_keys_and_are_probed(simulator, capsys, monkeypatch):
    left_out = VENDOR_NAMES[0]
    monkeypatch.setenv("AIECON_VENDORS", ",".join(VENDOR_NAMES[1:]))
    monkeypatch.delenv(f"{left_out.upper()}_API_KEY")
    code, lines = check(capsys)
    assert code == 0, "\n".join(lines)
    assert sorted(vendor_lines(lines)) == sorted(VENDOR_NAMES[1:])


def test_a_dagster_ingest_step_fails_on_its_vendors_settings_before_loading(
    simulator, warehouse, monkeypatch
):
    """The same validation at the start of each ingest step: the step of the vendor with a broken setting
    fails with the setting's line and lands nothing; another vendor's step in the same run is not held back."""
    import dagster as dg
    import duckdb
    from dagster_dlt import DagsterDltResource

    from dagster_project.defs.dlt.assets import INGEST_ASSETS
    from tests.conftest import DAY_1

    broken, other = INGEST_ASSETS["orq"], INGEST_ASSETS["helicone"]
    monkeypatch.setenv("ORQ_SPAN_WORKERS", "many")
    result = dg.materialize(
        [broken, other],
        partition_key=DAY_1.isoformat(),
        resources={"dlt": DagsterDltResource()},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    failures = {e.step_key: e for e in result.all_events if e.is_step_failure}
    assert list(failures) == [broken.op.name], list(failures)
    failure = failures[broken.op.name].step_failure_data
    assert failure.user_failure_data.description == (
        "settings of orq are invalid, nothing was loaded:\nORQ_SPAN_WORKERS='many': expected an integer >= 1"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {
            s
            for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()
        }
    assert "raw_orq" not in schemas and "raw_helicone" in schemas
