"""The read-only analyst role on a PostgreSQL warehouse: the marts and nothing else.

* ``aiecon_analyst`` can log in, use the ``marts`` schema and SELECT its tables and views: those there now
  and, through default privileges of the writer role, every table dbt creates there later (dbt's table
  materialisation builds a new table and renames it into place, so a one-off GRANT would not last).
* It gets nothing on raw_*, staging, intermediate, quarantine or dlt's schemas: PostgreSQL hides the
  contents of a schema from a role without USAGE on it.
* It cannot write: no INSERT/UPDATE/DELETE/CREATE anywhere, no temporary tables, and its sessions are
  read-only by default (a second guard should a grant ever be added by mistake).
"""

from __future__ import annotations

from psycopg2 import sql

from dagster_project.destination import PostgresSettings
from dagster_project.local_postgres import connect, password_verifier

ANALYST_ROLE = "aiecon_analyst"
MARTS_SCHEMA = "marts"


def create_analyst_role(admin: PostgresSettings, password: str, role: str = ANALYST_ROLE) -> None:
    """Create (or reset the password of) the analyst login. Needs a role with CREATEROLE."""
    with connect(admin) as con, con.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", [role])
        verb = "alter" if cur.fetchone() else "create"
        cur.execute(
            sql.SQL(verb + " role {} login nosuperuser nocreatedb nocreaterole noinherit password %s").format(
                sql.Identifier(role)
            ),
            [password_verifier(con, role, password)],
        )
        cur.execute(
            sql.SQL("alter role {} set default_transaction_read_only = on").format(sql.Identifier(role))
        )


def grant_marts_to_analyst(writer: PostgresSettings, role: str = ANALYST_ROLE) -> None:
    """Run as the writer (the owner of the marts): USAGE + SELECT on marts, now and for future tables."""
    ident = {"schema": sql.Identifier(MARTS_SCHEMA), "role": sql.Identifier(role)}
    with connect(writer) as con, con.cursor() as cur:
        cur.execute(sql.SQL("create schema if not exists {schema}").format(**ident))
        cur.execute(
            sql.SQL("grant connect on database {} to {}").format(
                sql.Identifier(writer.database), ident["role"]
            )
        )
        cur.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**ident))
        cur.execute(sql.SQL("grant select on all tables in schema {schema} to {role}").format(**ident))
        cur.execute(
            sql.SQL("alter default privileges in schema {schema} grant select on tables to {role}").format(
                **ident
            )
        )
