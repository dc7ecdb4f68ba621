#!/usr/bin/env bash
# What AIECON_DESTINATION=spark needs on this machine: Java 17 (Debian's openjdk package) for PySpark's JVM,
# then the spark extra (dbt-spark, PySpark) in its own environment, .venvs/spark, from uv.lock (`make setup`'s
# .venv stays without the ~320 MB of Spark). Does nothing for Java when `java` 17 or newer is already there
# (PATH or JAVA_HOME). Needs root or sudo for apt-get; elsewhere, install a JDK >= 17 and set JAVA_HOME.
# Usage: scripts/install-spark.sh <uv> (the Makefile passes its uv).
set -euo pipefail
uv="${1:-uv}"

java_major() {
    local java="java"
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; fi
    command -v "$java" >/dev/null || { echo 0; return; }
    # `java -version` prints e.g.: openjdk version "17.0.15" 2025-04-15 (on stderr)
    "$java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

if [ "$(java_major)" -ge 17 ] 2>/dev/null; then
    echo "Java $(java_major): $(command -v java)"
else
    bash "$(dirname "$0")/apt-install.sh" "Java 17 for PySpark's JVM (elsewhere install a JDK >= 17 and set JAVA_HOME)" \
        openjdk-17-jre-headless
    java -version
fi

echo "the spark extra (dbt-spark, PySpark) in .venvs/spark"
UV_PROJECT_ENVIRONMENT=.venvs/spark "$uv" sync --frozen --extra spark
