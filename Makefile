# Two commands do all set-up on a machine that has only Python 3.11: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH if present, else bootstrapped into .tools/ with the machine's own Python.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: setup demo test test-e2e test-fast test-postgres postgres-up postgres-down dev docs validate lint bootstrap-uv clean bench bench-quick

bootstrap-uv:
	@if [ "$(UV)" = ".tools/bin/uv" ] && [ ! -x .tools/bin/uv ]; then \
		echo "bootstrapping uv into .tools/"; \
		$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv; \
	fi

setup: bootstrap-uv
	$(UV) sync --frozen
	$(UV) run aiecon prepare

demo: setup
	$(UV) run aiecon demo

# Every test but the end-to-end operator paths (tests/e2e, marker e2e: about 5.5 min on 2 cores), which
# make test-e2e and CI (.ci/run) run.
test: setup
	$(UV) run pytest -m "not e2e"

test-e2e: setup
	$(UV) run pytest -m e2e

test-fast: setup
	$(UV) run pytest -m "not slow"

# The PostgreSQL build only: DuckDB/PostgreSQL parity of every mart and the analyst role (own temp cluster).
test-postgres: setup
	$(UV) run pytest -m postgres

# A local PostgreSQL warehouse (see README, PostgreSQL): needs AIECON_PG_PASSWORD, AIECON_PG_ADMIN_PASSWORD
# and AIECON_PG_ANALYST_PASSWORD in the environment.
postgres-up: setup
	$(UV) run aiecon postgres up

postgres-down:
	$(UV) run aiecon postgres down

dev: setup
	$(UV) run aiecon dev

docs: setup
	$(UV) run aiecon docs

validate: setup
	$(UV) run dagster definitions validate -w workspace.yaml

# Performance benchmark (bench/run.py): the full run (~40 min on 2 cores) writes bench/results.json;
# the quick one (same code, small sizes) writes bench/results-quick.json and runs in CI.
bench: setup
	$(UV) run python -m bench.run

bench-quick: setup
	$(UV) run python -m bench.run --quick

lint: setup
	$(UV) run ruff check . && $(UV) run ruff format --check .

clean:
	rm -rf data dbt_project/target dbt_project/target_postgres dbt_project/logs .pytest_cache
