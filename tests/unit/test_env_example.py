"""Every variable the code reads is declared, and ``.env.example`` and README's Configuration table list
every declared one.

The code is scanned, not trusted: each ``.py`` under ingestion/ and dagster_project/ is parsed for
``os.environ.get("X")``, ``os.getenv("X")``, ``os.environ["X"]`` (read, not assigned) and for any string
literal that is a whole ``AIECON_*`` / ``<VENDOR>_*`` variable name (passed to a helper, named in a
``SettingNames``); dbt's ``profiles.yml`` for ``env_var('X')``. The simulator and the tests are not the
product and are not scanned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dagster_project.check import env_example
from ingestion.vendors import VENDOR_NAMES, declared_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("ingestion", "dagster_project")
# Read by the code but set by a tool, never by a user.
NOT_USER_SETTINGS = {"DAGSTER_IS_DEV_CLI": "set by `dagster dev` itself"}
PREFIXES = ("AIECON", *(name.upper() for name in VENDOR_NAMES))
VARIABLE = re.compile(rf"^(?:{'|'.join(PREFIXES)})_[A-Z0-9_]*[A-Z0-9]$")


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def variables_read(source: str) -> set[str]:
    """The environment variables ``source`` reads or names (see the module doc)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reads_env = isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
            )
            if reads_env and (name := _literal(node.args[0])):
                found.add(name)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            if name := _literal(node.slice):
                found.add(name)
        elif (name := _literal(node)) and VARIABLE.match(name):
            found.add(name)
    return found


def read_in_code() -> dict[str, str]:
    """variable -> the first file that reads it."""
    found: dict[str, str] = {}
    for top in SCANNED:
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            for name in variables_read(path.read_text()):
                found.setdefault(name, str(path.relative_to(REPO_ROOT)))
    profiles = REPO_ROOT / "dbt_project" / "profiles.yml"
    for name in re.findall(r"env_var\(\s*['\"]([A-Z0-9_]+)['\"]", profiles.read_text()):
        found.setdefault(name, "dbt_project/profiles.yml")
    return found


DECLARED = [s.name for s in declared_settings()]


def test_each_setting_is_declared_once():
    assert len(DECLARED) == len(set(DECLARED)), sorted(n for n in DECLARED if DECLARED.count(n) > 1)


def test_every_variable_read_in_code_is_declared():
    missing = {
        name: where
        for name, where in read_in_code().items()
        if name not in DECLARED and name not in NOT_USER_SETTINGS
    }
    assert not missing, (
        "read in code but not declared (ingestion/core/setting_registry.py, or the vendor's settings.py): "
        + ", ".join(f"{name} ({where})" for name, where in sorted(missing.items()))
    )


@pytest.mark.parametrize(
    ("planted", "name"),
    [
        ('x = os.environ.get("AIECON_PLANTED", "1")', "AIECON_PLANTED"),
        ('x = os.getenv("SOME_TOOL_HOME")', "SOME_TOOL_HOME"),
        ('x = os.environ["AIECON_PLANTED"]', "AIECON_PLANTED"),
        ('x = _required_env("AIECON_PG_PLANTED")', "AIECON_PG_PLANTED"),
        ('SETTINGS = SettingNames(api_key="ORQ_PLANTED_KEY")', "ORQ_PLANTED_KEY"),
    ],
)
def test_the_scan_finds_a_planted_read(planted, name):
    assert name in variables_read(planted)


def test_the_scan_ignores_assignments_and_prose():
    assert not variables_read('os.environ["LOAD__DELETE_COMPLETED_JOBS"] = "true"')
    assert not variables_read('msg = "check AIECON_HTTP_TIMEOUT_S or AIECON_HTTP_DEADLINE_S"')


def test_env_example_is_the_rendering_of_every_declared_setting():
    path = REPO_ROOT / ".env.example"
    assert path.exists(), "no .env.example: write it with `aiecon check --env-example > .env.example`"
    written = path.read_text()
    listed = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", written, flags=re.MULTILINE)
    assert sorted(listed) == sorted(DECLARED), (
        f"not in .env.example: {sorted(set(DECLARED) - set(listed))}; "
        f"not declared: {sorted(set(listed) - set(DECLARED))} (regenerate: aiecon check --env-example > .env.example)"
    )
    assert written == env_example(), (
        "stale .env.example: regenerate with aiecon check --env-example > .env.example"
    )


def test_env_example_leaves_every_secret_empty():
    secrets = {s.name for s in declared_settings() if s.secret}
    assert secrets >= {"AIECON_PG_PASSWORD", *(f"{v.upper()}_API_KEY" for v in VENDOR_NAMES)}
    for line in (REPO_ROOT / ".env.example").read_text().splitlines():
        name, _, text = line.partition("=")
        if name in secrets:
            assert text == "", f"{name} has a value in .env.example"


def test_the_readme_configuration_table_lists_every_declared_setting():
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    in_table = {
        name
        for row in section.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    assert sorted(set(DECLARED) - in_table) == [], "declared but missing from README's Configuration table"
    assert sorted(in_table - set(DECLARED)) == [], "in README's Configuration table but not declared"
