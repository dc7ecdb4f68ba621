#!/usr/bin/env bash
# PostgreSQL's server binaries from Debian's packages, for the local warehouse (`aiecon postgres up`) and the
# PostgreSQL tests: the project starts its own cluster with them (dagster_project/local_postgres.py) and never
# uses the package's cluster or service. Does nothing when initdb is already there (any major version, or
# AIECON_PG_BINDIR). Needs root or sudo; on a non-Debian machine, install PostgreSQL >= 13 yourself and set
# AIECON_PG_BINDIR to the folder holding initdb, pg_ctl and postgres.
set -euo pipefail

if [ -n "${AIECON_PG_BINDIR:-}" ] && [ -x "$AIECON_PG_BINDIR/initdb" ]; then
    exit 0
fi
for bindir in /usr/lib/postgresql/*/bin; do
    if [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] && [ -x "$bindir/postgres" ]; then
        echo "PostgreSQL server binaries: $bindir"
        exit 0
    fi
done

bash "$(dirname "$0")/apt-install.sh" "PostgreSQL's server binaries (for the project's own cluster; elsewhere install PostgreSQL >= 13 and set AIECON_PG_BINDIR to the folder holding initdb, pg_ctl and postgres)" postgresql
ls -d /usr/lib/postgresql/*/bin
