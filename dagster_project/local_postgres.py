"""A private PostgreSQL cluster for development and tests, from the system's PostgreSQL binaries.

The binaries come from Debian's ``postgresql`` package (``make postgres-install``, ``scripts/install-postgres.sh``):
initdb, pg_ctl and postgres in ``/usr/lib/postgresql/<major>/bin``. We only use the binaries, never the
package's own cluster or service: our cluster lives in its own data directory on its own port.
``AIECON_PG_BINDIR`` names another folder holding them (a PostgreSQL built elsewhere, another distribution).

* The cluster listens on 127.0.0.1 only, with scram-sha-256 password authentication for every role.
* PostgreSQL refuses to run as root: under root (as on CI machines) the server runs as a system user
  ``aiecon_pg`` (created with useradd when missing) that owns the data directory.
* Passwords are handed over through a 0600 file read by initdb (``--pwfile``) and through libpq connections,
  never on a command line (``ps``) or in a log.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg2
from psycopg2 import sql
from psycopg2.extensions import encrypt_password

from dagster_project.destination import PostgresSettings
from ingestion.core.setting_registry import value

SERVER_USER = "aiecon_pg"  # the system account the server runs as when we are root
ADMIN_ROLE = "aiecon_admin"  # the cluster's superuser


NEEDED = ("initdb", "pg_ctl", "postgres")


def _has_server(folder: Path) -> bool:
    return all((folder / name).is_file() and os.access(folder / name, os.X_OK) for name in NEEDED)


def _major(folder: Path) -> int:
    try:
        return int(folder.parent.name)
    except ValueError:
        return 0


def _candidates() -> list[Path]:
    """Where the server binaries may be, in order: AIECON_PG_BINDIR, Debian's newest major, ``pg_config
    --bindir``, the folder of an ``initdb`` on PATH (Debian puts only wrappers for the client tools on PATH)."""
    if os.environ.get("AIECON_PG_BINDIR"):
        return [Path(os.environ["AIECON_PG_BINDIR"])]
    found = sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")), key=_major, reverse=True)
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            found.append(Path(result.stdout.strip()))
    if shutil.which("initdb"):
        found.append(Path(shutil.which("initdb")).resolve().parent)
    return found


def _bin_dir() -> Path:
    for folder in _candidates():
        if _has_server(folder):
            return folder
    where = (
        os.environ.get("AIECON_PG_BINDIR") or "/usr/lib/postgresql/<major>/bin, pg_config --bindir or PATH"
    )
    raise RuntimeError(
        f"PostgreSQL's server binaries ({', '.join(NEEDED)}) were not found in {where}: install them with "
        "`make postgres-install` (Debian's postgresql package), or set AIECON_PG_BINDIR to their folder"
    )


def _bin(name: str) -> str:
    return str(_bin_dir() / name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalPostgres:
    """One cluster in ``pgdata``; ``start`` initialises it on first use."""

    pgdata: Path
    port: int
    admin_password: str = field(repr=False)  # never in a traceback or a log
    # Tests' throw-away clusters skip fsync (faster); a developer's cluster keeps it (a crash loses nothing).
    durable: bool = True

    def _run_as(self) -> dict:
        if os.geteuid() != 0:
            return {}
        _ensure_system_user(SERVER_USER)
        return {"user": SERVER_USER, "group": pwd.getpwnam(SERVER_USER).pw_gid}

    def _prepare_permissions(self) -> None:
        """Under root: the server user must own pgdata and traverse to it and to the binaries."""
        if os.geteuid() != 0:
            return
        account = pwd.getpwnam(SERVER_USER)
        self.pgdata.mkdir(parents=True, exist_ok=True)
        os.chown(self.pgdata, account.pw_uid, account.pw_gid)
        for path in [self.pgdata, _bin_dir() / "postgres"]:
            for parent in path.parents:
                mode = parent.stat().st_mode
                if mode & (stat.S_IXOTH) == 0:
                    parent.chmod(mode | stat.S_IXOTH)

    def start(self) -> None:
        run_as = self._run_as()
        self._prepare_permissions()
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(parents=True, exist_ok=True)
            # initdb wants an empty pgdata: the password file sits in a private folder beside it.
            secret_dir = Path(tempfile.mkdtemp(dir=self.pgdata.parent, prefix=".initdb-"))
            secret_dir.chmod(0o711)
            pwfile = secret_dir / "pw"
            pwfile.write_text(self.admin_password + "\n")
            pwfile.chmod(0o600)
            try:
                if run_as:
                    os.chown(pwfile, pwd.getpwnam(SERVER_USER).pw_uid, -1)
                _check_run(
                    [
                        _bin("initdb"),
                        "-D",
                        str(self.pgdata),
                        "-U",
                        ADMIN_ROLE,
                        f"--pwfile={pwfile}",
                        "--auth=scram-sha-256",
                        "--encoding=UTF8",
                        "--locale=C",
                    ],
                    **run_as,
                )
            finally:
                shutil.rmtree(secret_dir, ignore_errors=True)
        if self.is_running():
            return
        _check_run(
            [
                _bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.pgdata / "server.log"),
                # TCP on loopback only; the Unix socket lives in pgdata (nothing else is writable for us).
                "-o",
                f'-h 127.0.0.1 -p {self.port} -k "{self.pgdata}" -c TimeZone=UTC'
                + ("" if self.durable else " -c fsync=off -c synchronous_commit=off"),
                "start",
            ],
            **run_as,
        )

    def is_running(self) -> bool:
        status = [_bin("pg_ctl"), "-D", str(self.pgdata), "status"]
        return subprocess.run(status, capture_output=True, **self._run_as()).returncode == 0

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            _check_run([_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"], **self._run_as())

    def admin(self, database: str = "postgres") -> PostgresSettings:
        return PostgresSettings("127.0.0.1", self.port, database, ADMIN_ROLE, self.admin_password)


def _check_run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        _check_run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])


def password_verifier(con, role: str, password: str) -> str:
    """The SCRAM verifier of a password, computed client-side: the statement that sets it (which the server
    may log on an error) never carries the password itself."""
    return encrypt_password(password, role, con, "scram-sha-256")


@contextmanager
def connect(settings: PostgresSettings) -> Iterator[psycopg2.extensions.connection]:
    """An autocommit connection, closed on exit (psycopg2's own ``with`` opens a transaction instead)."""
    con = psycopg2.connect(**settings.psycopg_kwargs())
    con.autocommit = True
    try:
        yield con
    finally:
        con.close()


def provision_warehouse(admin: PostgresSettings, writer: PostgresSettings) -> None:
    """The warehouse database, owned by the writer role dlt and dbt log in as (idempotent)."""
    with connect(admin) as con, con.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", [writer.user])
        verb = "alter" if cur.fetchone() else "create"
        cur.execute(
            sql.SQL(verb + " role {} login password %s").format(sql.Identifier(writer.user)),
            [writer.password],
        )
        cur.execute("select 1 from pg_database where datname = %s", [writer.database])
        if not cur.fetchone():
            cur.execute(
                sql.SQL("create database {} owner {}").format(
                    sql.Identifier(writer.database), sql.Identifier(writer.user)
                )
            )
    # Nobody but the owner may create objects or temp tables in the new database (PUBLIC may by default).
    with connect(replace(admin, database=writer.database)) as con, con.cursor() as cur:
        cur.execute(
            sql.SQL("revoke temporary on database {} from public").format(sql.Identifier(writer.database))
        )
        cur.execute("revoke create on schema public from public")


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set: export it first (see README, 'PostgreSQL')")
    return value


def local_cluster_from_env(need_admin: bool = True) -> LocalPostgres:
    """The developer's cluster: $AIECON_DATA_DIR/postgres, port AIECON_PG_PORT (5433)."""
    from dagster_project.settings import data_dir

    return LocalPostgres(
        pgdata=data_dir() / "postgres" / "pgdata",
        port=value("AIECON_PG_PORT"),
        admin_password=_required_env("AIECON_PG_ADMIN_PASSWORD") if need_admin else "",
    )


def up() -> LocalPostgres:
    """Start the local cluster and provision the warehouse database, the writer and the analyst role."""
    from dagster_project.analyst_access import create_analyst_role, grant_marts_to_analyst
    from dagster_project.destination import postgres_settings

    cluster = local_cluster_from_env()
    writer = postgres_settings()
    if writer.host not in ("127.0.0.1", "localhost") or writer.port != cluster.port:
        raise SystemExit("AIECON_PG_HOST/AIECON_PG_PORT point elsewhere than the local cluster (127.0.0.1)")
    cluster.start()
    provision_warehouse(cluster.admin(), writer)
    create_analyst_role(cluster.admin(writer.database), _required_env("AIECON_PG_ANALYST_PASSWORD"))
    grant_marts_to_analyst(writer)
    return cluster
