"""PostgreSQL is an optional extra: ``pip install 'ai-economics-warehouse[postgres]'`` (dbt's adapter and the
driver). Code that needs it imports it lazily and asks here first, so a missing extra is one line naming
it rather than an ImportError from deep inside a run."""

from __future__ import annotations

from importlib.util import find_spec

from ingestion.core.setting_registry import SettingError

EXTRA = "ai-economics-warehouse[postgres]"
# module imported -> the distribution of the extra that provides it (pyproject.toml, [postgres])
MODULES = {"psycopg2": "psycopg2-binary", "dbt.adapters.postgres": "dbt-postgres"}


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package (dbt.adapters) is missing
        return False


def require_postgres_extra() -> None:
    """Raise a one-line ``SettingError`` (about AIECON_DESTINATION) when the postgres extra is not installed."""
    missing = [dist for module, dist in MODULES.items() if not _installed(module)]
    if missing:
        raise SettingError(
            "AIECON_DESTINATION",
            f"AIECON_DESTINATION=postgres needs the postgres extra ({', '.join(missing)} not installed): "
            f"pip install '{EXTRA}' (in a clone: uv sync --extra postgres)",
        )
