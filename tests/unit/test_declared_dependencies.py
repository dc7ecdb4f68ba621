"""Every third-party module the product imports is provided by a dependency pyproject.toml declares.

A module that arrives only transitively (``urllib3`` through ``requests``, ``yaml`` through dbt) works until
the dependency that drags it in drops it; declaring it makes the install say what the code needs. The scan
reads every ``import`` (ast, so imports inside functions count too) under the product's packages and the
bench; the installed distributions say which distribution provides each top-level module
(``importlib.metadata.packages_distributions``). Dev-only tools (pytest, hypothesis, jsonschema) are not
accepted here: the product runs without the dev group.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("ingestion", "dagster_project", "simulator", "bench")
FIRST_PARTY = set(SCANNED)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_normalise(re.match(r"[A-Za-z0-9._-]+", r.strip()).group(0)) for r in requirements}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _declared() -> set[str]:
    """The distribution names of [project] dependencies and every optional extra (runtime, not dev)."""
    project = _project()
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return _names(requirements)


def _imports(packages: tuple[str, ...] = SCANNED) -> dict[str, set[str]]:
    """Top-level module → the files that import it (absolute imports only; relative ones are first-party)."""
    found: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_scan_sees_known_third_party_imports() -> None:
    # Guards the scan itself: these imports exist in the tree today (dlt sources, the Dagster definitions,
    # the HTTP client's retry types); an empty or broken walk would make the test below pass vacuously.
    modules = _imports()
    assert {"dlt", "dagster", "urllib3", "duckdb"} <= modules.keys(), sorted(modules)


def test_every_third_party_import_is_declared() -> None:
    declared = _declared()
    providers = packages_distributions()
    undeclared = []
    for module, files in sorted(_imports().items()):
        if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
            continue
        distributions = {_normalise(d) for d in providers.get(module, [])}
        if not distributions:
            undeclared.append(
                f"{module}: no installed distribution provides it (imported by {sorted(files)})"
            )
        elif not distributions & declared:
            undeclared.append(
                f"{module}: provided by {sorted(distributions)}, none declared in pyproject.toml "
                f"(imported by {sorted(files)})"
            )
    assert not undeclared, "undeclared direct imports:\n" + "\n".join(undeclared)


def test_the_simulator_extra_names_every_third_party_module_the_simulator_imports() -> None:
    # The simulator is its own package (the product never imports it): its extra must be enough on its own.
    extra = _names(_project()["optional-dependencies"]["simulator"])
    providers = packages_distributions()
    missing = [
        f"{module} (imported by {sorted(files)})"
        for module, files in sorted(_imports(("simulator",)).items())
        if module not in sys.stdlib_module_names
        and module not in FIRST_PARTY
        and module != "__future__"
        and not {_normalise(d) for d in providers.get(module, [])} & extra
    ]
    assert not missing, f"not provided by the simulator extra in pyproject.toml: {missing}"
