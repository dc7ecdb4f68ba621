"""Which warehouse the pipelines write to, chosen by configuration only.

| variable | default | meaning |
|---|---|---|
| AIECON_DESTINATION | duckdb | ``duckdb`` (the embedded file), ``postgres`` or ``spark`` |
| AIECON_PG_HOST | 127.0.0.1 | PostgreSQL host |
| AIECON_PG_PORT | 5433 | PostgreSQL port (5433: the project's local cluster, not a system server) |
| AIECON_PG_DATABASE | aiecon | database holding raw_*, staging, intermediate and marts schemas |
| AIECON_PG_USER | aiecon | the writer role dlt and dbt log in as |
| AIECON_PG_PASSWORD | (none) | its password: from the environment or a secrets manager, never in files we commit |

dbt reads the same variables (``dbt_project/profiles.yml``, target ``postgres``); the profile's target follows
AIECON_DESTINATION, so one variable switches dlt and dbt together. With ``spark`` dlt still lands in the DuckDB
file, which is then the landing store of the raw layer; dbt builds on Spark from the lake the window's raw days
are written to (``dagster_project/spark_lake.py``, docs/scale-out.md; AIECON_SPARK_* variables).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.core.setting_registry import core_setting, value

DESTINATIONS = ("duckdb", "postgres", "spark")


def destination_name() -> str:
    return value("AIECON_DESTINATION")


@dataclass(frozen=True)
class PostgresSettings:
    host: str
    port: int
    database: str
    user: str
    password: str = ""

    def __repr__(self) -> str:  # never print the password (logs, tracebacks, Dagster metadata)
        return f"PostgresSettings(host={self.host!r}, port={self.port}, database={self.database!r}, user={self.user!r})"

    def dlt_credentials(self) -> dict[str, str | int]:
        return {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "username": self.user,
            "password": self.password,
        }

    def psycopg_kwargs(self) -> dict[str, str | int]:
        return {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": self.user,
            "password": self.password,
        }


def postgres_settings() -> PostgresSettings:
    from dagster_project.extras import require_postgres_extra

    require_postgres_extra()  # every PostgreSQL path starts here: a missing extra is one line naming it
    password = core_setting("AIECON_PG_PASSWORD").raw()  # raw: the message below says why it is needed
    if not password:
        raise RuntimeError(
            "AIECON_DESTINATION=postgres needs AIECON_PG_PASSWORD (the writer role's password) in the environment"
        )
    return PostgresSettings(
        host=value("AIECON_PG_HOST"),
        port=value("AIECON_PG_PORT"),
        database=value("AIECON_PG_DATABASE"),
        user=value("AIECON_PG_USER"),
        password=password,
    )
