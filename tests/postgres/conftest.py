"""A private PostgreSQL cluster per test session (the system's PostgreSQL binaries, Debian's package: make
postgres-install), started and stopped here.

Every role gets a fresh random password; nothing is written outside the session's temporary folder.
"""

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.destination import PostgresSettings
from dagster_project.local_postgres import LocalPostgres, free_port, provision_warehouse


@dataclass(frozen=True)
class Cluster:
    server: LocalPostgres
    writer: PostgresSettings


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    # Not under pytest's tmp dir: that one is private to root, and the server may run as another user.
    root = Path(tempfile.mkdtemp(prefix="aiecon-pg-"))
    server = LocalPostgres(root / "pgdata", free_port(), secrets.token_urlsafe(16), durable=False)
    server.start()
    try:
        writer = PostgresSettings("127.0.0.1", server.port, "aiecon", "aiecon", secrets.token_urlsafe(16))
        provision_warehouse(server.admin(), writer)
        yield Cluster(server, writer)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def postgres_environment(writer: PostgresSettings, data_dir: Path) -> dict[str, str]:
    """The settings that point a build at ``writer``'s database (what a user exports for PostgreSQL)."""
    return {
        "AIECON_DESTINATION": "postgres",
        "AIECON_DATA_DIR": str(data_dir),
        "AIECON_PG_HOST": writer.host,
        "AIECON_PG_PORT": str(writer.port),
        "AIECON_PG_DATABASE": writer.database,
        "AIECON_PG_USER": writer.user,
        "AIECON_PG_PASSWORD": writer.password,
    }
