"""PostgreSQL and Spark are optional extras: ``pip install 'ai-economics-warehouse[postgres]'`` (dbt's adapter
and the driver) and ``[spark]`` (dbt's Spark adapter and PySpark, which also needs Java 17). Code that needs
one imports it lazily and asks here first, so a missing extra is one line naming it rather than an ImportError
from deep inside a run."""

from __future__ import annotations

import os
import shutil
from importlib.util import find_spec

from ingestion.core.setting_registry import SettingError

# extra -> {module imported: the distribution that provides it} (pyproject.toml, [project.optional-dependencies])
EXTRAS = {
    "postgres": {"psycopg2": "psycopg2-binary", "dbt.adapters.postgres": "dbt-postgres"},
    "spark": {"pyspark": "pyspark", "dbt.adapters.spark": "dbt-spark"},
}
INSTALL = {
    "postgres": "uv sync --extra postgres",
    "spark": "make spark-install, which also installs Java",
}


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package (dbt.adapters) is missing
        return False


def _require(extra: str) -> None:
    missing = [dist for module, dist in EXTRAS[extra].items() if not _installed(module)]
    if missing:
        raise SettingError(
            "AIECON_DESTINATION",
            f"AIECON_DESTINATION={extra} needs the {extra} extra ({', '.join(missing)} not installed): "
            f"pip install 'ai-economics-warehouse[{extra}]' (in a clone: {INSTALL[extra]})",
        )


def require_postgres_extra() -> None:
    """Raise a one-line ``SettingError`` (about AIECON_DESTINATION) when the postgres extra is not installed."""
    _require("postgres")


def require_spark_extra() -> None:
    """The same for the spark extra, and for the Java that PySpark starts (JAVA_HOME or ``java`` on PATH)."""
    _require("spark")
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.access(os.path.join(java_home, "bin", "java"), os.X_OK)) and not shutil.which(
        "java"
    ):
        raise SettingError(
            "AIECON_DESTINATION",
            "AIECON_DESTINATION=spark needs Java 17 or newer (JAVA_HOME or java on PATH): "
            "scripts/install-spark.sh installs Debian's openjdk-17-jre-headless",
        )
