"""Finding PostgreSQL's server binaries (dagster_project/local_postgres.py): AIECON_PG_BINDIR first, and a clear
error naming the way to install them when they are missing. No server is started here."""

import pytest

from dagster_project import local_postgres

pytestmark = pytest.mark.postgres


def test_aiecon_pg_bindir_is_used_when_it_holds_the_three_binaries(tmp_path, monkeypatch):
    for name in ("initdb", "pg_ctl", "postgres"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("AIECON_PG_BINDIR", str(tmp_path))
    assert local_postgres._bin_dir() == tmp_path


def test_missing_binaries_name_the_install_command(tmp_path, monkeypatch):
    (tmp_path / "initdb").write_text("#!/bin/sh\n")  # pg_ctl and postgres missing
    (tmp_path / "initdb").chmod(0o755)
    monkeypatch.setenv("AIECON_PG_BINDIR", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"not found in .*: install them with `make postgres-install`"):
        local_postgres.LocalPostgres(tmp_path / "pgdata", 5999, "unused").start()


def test_without_a_setting_the_debian_binaries_are_found(monkeypatch):
    monkeypatch.delenv("AIECON_PG_BINDIR", raising=False)
    found = local_postgres._bin_dir()
    assert (found / "initdb").is_file() and (found / "postgres").is_file(), found
