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

if ! command -v apt-get >/dev/null; then
    echo "PostgreSQL's server binaries are missing and this is not a Debian-like system (no apt-get):" >&2
    echo "install PostgreSQL >= 13 and set AIECON_PG_BINDIR to the folder holding initdb, pg_ctl and postgres" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "installing PostgreSQL needs root (or sudo)" >&2; exit 1; }
    sudo="sudo"
fi
echo "installing Debian's postgresql package (server binaries for the project's own cluster)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends postgresql
ls -d /usr/lib/postgresql/*/bin
