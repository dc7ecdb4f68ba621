"""Fast checks of the dbt project's files against the raw-table contract and the documentation rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ingestion.vendors import VENDOR_NAMES, vendor_named

from .dbt_harness import DBT_PROJECT_DIR, RAW_SCHEMAS
from .project_layout import folder_config

MODELS_DIR = DBT_PROJECT_DIR / "models"
MACROS_DIR = DBT_PROJECT_DIR / "macros"
CORE_FACTS = {"fct_ai_calls", "fct_tool_calls", "fct_ai_usage_hourly"}
FOLDER_CONFIGS = ("materialized", "incremental_strategy", "on_schema_change")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("vendor", sorted(VENDOR_NAMES))
def test_sources_mirror_the_raw_table_contract(vendor):
    schema = vendor_named(vendor).dataset
    (source,) = _load(MODELS_DIR / "staging" / vendor / f"_{vendor}__sources.yml")["sources"]
    assert source["name"] == vendor and source["schema"] == schema
    declared = {t["name"]: t for t in source["tables"]}
    assert set(declared) == {t.name for t in RAW_SCHEMAS[schema]}
    for raw in RAW_SCHEMAS[schema]:
        table = declared[raw.name]
        assert table["config"]["meta"]["dagster"]["asset_key"] == [schema, raw.name]
        assert [c["name"] for c in table["columns"]] == [*raw.column_names, "_dlt_load_id"]
        assert table["description"] and all(c["description"] for c in table["columns"])


def _model_files() -> list[Path]:
    return sorted(MODELS_DIR.rglob("*.sql"))


@pytest.mark.parametrize("sql", _model_files(), ids=lambda p: p.stem)
def test_every_model_has_its_yaml_with_grain_and_described_columns(sql):
    doc = sql.with_suffix(".yml")
    assert doc.exists(), f"{sql.name} needs {doc.name} beside it"
    (model,) = _load(doc)["models"]
    assert model["name"] == sql.stem
    assert "Grain:" in model["description"], "state the grain in the model description"
    assert model["columns"] and all(c.get("description") for c in model["columns"])


def test_model_names_follow_the_layout():
    for sql in _model_files():
        parts = sql.relative_to(MODELS_DIR).parts
        layer = parts[0]
        if layer == "staging":
            vendor = sql.parent.name
            assert sql.stem.startswith(f"stg_{vendor}__"), sql
        elif layer == "intermediate":
            assert sql.stem.startswith("int_"), sql
        elif "building_blocks" in parts:
            # non-public helpers of a mart area: intermediate models by name and schema, not served marts
            assert layer == "marts" and sql.stem.startswith("int_"), sql
            assert folder_config(sql)["schema"] == "intermediate", sql
        else:
            assert layer == "marts" and not sql.stem.startswith(("int_", "stg_")), sql
            assert folder_config(sql)["schema"] == "marts", sql
    core = {p.stem for p in (MODELS_DIR / "marts" / "core").glob("*.sql")}
    assert core == CORE_FACTS
    cost = {p.stem for p in (MODELS_DIR / "marts" / "cost").glob("*.sql")}
    assert "cost_by_dimension_daily" in cost


# ---------------------------------------------------------------- lineage visible in each model's own file


def _jinja_code(path: Path) -> str:
    """The file without its Jinja comments ({# ... #}), which may mention ref() in prose."""
    return re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)


def _call_arguments(code: str, function: str) -> list[str]:
    """The argument text of every call function(...) in code (parentheses balanced, strings respected)."""
    arguments = []
    for match in re.finditer(rf"(?<![\w.]){function}\(", code):
        depth, quote, start = 1, None, match.end()
        for i in range(start, len(code)):
            char = code[i]
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    arguments.append(code[start:i])
                    break
    return arguments


_LITERAL = r"""\s*(?:'[\w.-]+'|"[\w.-]+")\s*"""
LITERAL_REF = re.compile(rf"^{_LITERAL}(,{_LITERAL})?(,\s*v(ersion)?\s*=\s*[\w'\".]+\s*)?$")
LITERAL_SOURCE = re.compile(rf"^{_LITERAL},{_LITERAL}$")


def _refs(path: Path) -> set[str]:
    """The models a file refs (literal refs only: test_refs_and_sources_are_literal guarantees there are no others):
    the last quoted name of ref('model') / ref('package', 'model'), a version argument left out."""
    refs = set()
    for argument in _call_arguments(_jinja_code(path), "ref"):
        if LITERAL_REF.match(argument):
            names = re.findall(r"""['"]([\w.-]+)['"]""", re.split(r",\s*v(?:ersion)?\s*=", argument)[0])
            refs.add(names[-1])
    return refs


@pytest.mark.parametrize("sql", _model_files(), ids=lambda p: p.stem)
def test_every_model_names_its_parents_in_its_own_file(sql):
    """A model's parents are visible where it is defined: its file calls ref() or source() itself."""
    code = _jinja_code(sql)
    assert _call_arguments(code, "ref") or _call_arguments(code, "source"), (
        f"{sql.relative_to(DBT_PROJECT_DIR)} calls no ref()/source(): pass ref(...) to the macro instead"
    )


def test_macros_call_no_ref_or_source():
    """Macros are column or relation helpers: they take relations as arguments, never ref() a model themselves."""
    for path in sorted(MACROS_DIR.glob("*.sql")):
        code = _jinja_code(path)
        assert not _call_arguments(code, "ref") and not _call_arguments(code, "source"), path.name


def test_refs_and_sources_are_literal():
    """ref('model') / source('vendor', 'table') with literal names only, never built by concatenation."""
    files = [*_model_files(), *MACROS_DIR.glob("*.sql"), *(DBT_PROJECT_DIR / "tests").rglob("*.sql")]
    for path in files:
        code = _jinja_code(path)
        for argument in _call_arguments(code, "ref"):
            assert LITERAL_REF.match(argument), f"{path.name}: ref({argument}) is not a literal model name"
        for argument in _call_arguments(code, "source"):
            assert LITERAL_SOURCE.match(argument), f"{path.name}: source({argument}) is not literal"


def test_intermediate_models_read_no_mart():
    """models/intermediate builds on staging and intermediate only; what reads a mart lives beside its marts."""
    path_of = {sql.stem: sql.relative_to(MODELS_DIR) for sql in _model_files()}
    seeds = {csv.stem for csv in (MODELS_DIR.parent / "seeds").rglob("*.csv")}  # reference data may be read
    for sql in sorted((MODELS_DIR / "intermediate").rglob("*.sql")):
        refs = _refs(sql)
        assert refs, sql.name
        for parent in set(refs) - seeds:
            assert path_of[parent].parts[0] in ("staging", "intermediate"), (
                f"{sql.name} reads {parent} ({path_of[parent]}): move it to that area's building_blocks/"
            )


# ---------------------------------------------------------------- folder configs live in dbt_project.yml


def _file_configs(sql: Path) -> dict[str, object]:
    """materialized / incremental_strategy / on_schema_change a model sets in its config() call or its YAML."""
    found: dict[str, object] = {}
    for argument in _call_arguments(_jinja_code(sql), "config"):
        for key, value in re.findall(r"\b(\w+)\s*=\s*['\"]([^'\"]*)['\"]", argument):
            if key in FOLDER_CONFIGS:
                found[key] = value
    (model,) = _load(sql.with_suffix(".yml"))["models"]
    found.update({k: v for k, v in (model.get("config") or {}).items() if k in FOLDER_CONFIGS})
    return found


@pytest.mark.parametrize("sql", _model_files(), ids=lambda p: p.stem)
def test_models_do_not_repeat_their_folder_config(sql):
    """The folder's schema and materialization are set once in dbt_project.yml; a model sets one only to differ."""
    folder = folder_config(sql)
    for key, value in _file_configs(sql).items():
        assert value != folder.get(key), (
            f"{sql.relative_to(DBT_PROJECT_DIR)} repeats {key}={value!r}, its folder's default in dbt_project.yml"
        )
    assert folder.get("schema") and folder.get("materialized"), f"no folder config for {sql.parent}"
