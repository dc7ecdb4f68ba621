"""The vendor registry (``ingestion.vendors``) is the one vendor list in Python, and its packages agree with it.

Every ``.py`` file under ingestion/, dagster_project/, bench/ and tests/ is parsed, and a list, tuple or set
literal, or a dict literal's keys, naming two or more registered vendors is flagged: such code reads the
registry instead (``VENDORS``, ``VENDOR_NAMES``, ``vendor_named``). A vendor's own package and the registry
are exempt; the simulator is the vendors' mock, out of scope.
"""

from __future__ import annotations

import ast
import importlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.core.vendor import Vendor
from ingestion.vendors import DATASETS, VENDOR_NAMES, VENDORS, raw_tables, vendor_named

REPO_ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("ingestion", "dagster_project", "bench", "tests")
EXEMPT = {REPO_ROOT / "ingestion" / "vendors.py", *(REPO_ROOT / "ingestion" / name for name in VENDOR_NAMES)}


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _listed_vendors(elements: list[ast.expr]) -> set[str]:
    """The vendors a literal's elements list: strings, or the first items of ``(name, value)`` pairs when
    they key a mapping (each vendor once; pairs that repeat a vendor are data rows, not a vendor list)."""
    named = {_string(e) for e in elements} & set(VENDOR_NAMES)
    firsts = [
        _string(e.elts[0]) for e in elements if isinstance(e, ast.Tuple | ast.List) and len(e.elts) == 2
    ]
    keyed = [f for f in firsts if f in VENDOR_NAMES]
    if len(keyed) == len(set(keyed)):
        named |= set(keyed)
    return named


def vendor_lists(source: str, filename: str = "<source>") -> list[tuple[int, list[str]]]:
    """(line, vendor names) of every literal in ``source`` that lists two or more vendors."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            elements = list(node.elts)
        elif isinstance(node, ast.Dict):
            elements = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            elements = [ast.Constant(k.arg) for k in node.keywords if k.arg]
        else:
            continue
        names = _listed_vendors(elements)
        if len(names) >= 2:
            found.append((node.lineno, sorted(names)))
    return found


def _python_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            if any(path == e or e in path.parents for e in EXEMPT):
                continue
            files.append(path)
    return files


def test_no_vendor_list_outside_the_registry():
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {', '.join(names)}"
        for path in _python_files()
        for line, names in vendor_lists(path.read_text(), str(path))
    ]
    assert not offenders, "vendor lists outside ingestion/vendors.py (read the registry):\n" + "\n".join(
        offenders
    )


@pytest.mark.parametrize(
    "planted",
    [
        'SOURCES = {"revenium": a, "helicone": b, "orq": c}',
        'for vendor in ("helicone", "orq"): pass',
        'assert sources == {"revenium", "helicone", "orq"}',
        '@pytest.mark.parametrize("v", ["revenium", "orq"])\ndef test(v): pass',
        'CASES = [("revenium", None), ("helicone", "in_helicone")]',
        "SETTINGS = dict(revenium=1, helicone=2)",
    ],
)
def test_the_scan_flags_a_planted_vendor_list(planted):
    assert vendor_lists(planted)


@pytest.mark.parametrize(
    "innocent",
    [
        'x = ("revenium", "openai")',  # one vendor among other values
        'rows = [("orq", "fct_ai_calls", 1, 2), ("revenium", "fct_ai_calls", 3, 4)]',  # data rows
        "sql = \"where source_system in ('revenium', 'orq')\"",  # text, not a Python list
        'expected = {(1, "helicone", "openai"): 2, (1, "orq", "openai"): 3}',  # keys with one vendor each
        'pairs = {("revenium", "a"), ("revenium", "b"), ("orq", "c")}',  # data rows repeating a vendor
    ],
)
def test_the_scan_leaves_other_literals_alone(innocent):
    assert not vendor_lists(innocent)


def test_the_registry_lists_each_vendor_package_once_in_order():
    assert tuple(v.name for v in VENDORS) == VENDOR_NAMES
    assert len(set(VENDOR_NAMES)) == len(VENDOR_NAMES)
    for v in VENDORS:
        assert isinstance(v, Vendor)
        assert importlib.import_module(f"ingestion.{v.name}").VENDOR is v
        assert vendor_named(v.name) is v
        assert v.dataset == f"raw_{v.name}" and v.dataset in DATASETS
        assert v.make_source.__name__ == f"{v.name}_source"


def test_every_raw_table_belongs_to_its_vendor_and_has_unique_name():
    for v in VENDORS:
        names = [t.name for t in v.raw_tables]
        assert len(set(names)) == len(names), v.name
        assert all(t.vendor == v.name for t in v.raw_tables)
        rules = importlib.import_module(f"ingestion.{v.name}.row_rules").RULES
        assert set(rules) == set(names), f"{v.name}: rules for undeclared tables or tables without rules"
        assert all(rules[t.name] is t.rules for t in v.raw_tables)
    assert len(raw_tables()) == sum(len(v.raw_tables) for v in VENDORS)


def test_the_sources_land_exactly_the_declared_tables():
    for v in VENDORS:
        source = v.make_source(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
        assert source.name == v.name
        assert set(source.resources) == {t.name for t in v.raw_tables}


def test_the_gates_read_tables_the_vendor_declares():
    for v in VENDORS:
        declared = {t.name for t in v.raw_tables}
        assert {v.volume_table, v.reconciliation.table, v.reconciliation.figure_table} <= declared, v.name
        for sql in (v.reconciliation.ours_sql, v.reconciliation.figure_sql):
            assert f"from {v.dataset}." in sql, (v.name, sql)


def test_the_core_never_imports_a_vendor_nor_the_registry():
    vendor_modules = ("ingestion.vendors", *(f"ingestion.{name}" for name in VENDOR_NAMES))
    for path in sorted((REPO_ROOT / "ingestion" / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            assert not [m for m in modules if m.startswith(vendor_modules)], f"{path.name} imports a vendor"
