#!/usr/bin/env bash
# Debian packages for the project's install scripts (install-postgres.sh, install-spark.sh): apt-get update, then
# install without recommends, as root or through sudo. Usage: scripts/apt-install.sh <what, for messages> <package>...
set -euo pipefail
what="$1"; shift

if ! command -v apt-get >/dev/null; then
    echo "$what is missing and this is not a Debian-like system (no apt-get)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "installing $what needs root (or sudo)" >&2; exit 1; }
    sudo="sudo"
fi
echo "installing Debian's $* ($what)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "$@"
