# Two commands do all set-up on a machine that has only Python 3.11: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH if present, else bootstrapped into .tools/ with the machine's own Python.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: setup demo test test-e2e test-fast test-spark spark-install test-python newest-python focus-validator test-postgres postgres-install postgres-up postgres-down dev docs validate lint bootstrap-uv clean bench bench-quick bench-spark

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

# Every test but the end-to-end operator paths (marker e2e: about 10 min on 2 cores), which
# make test-e2e and CI (.ci/run) run, and the Spark build (marker spark: make test-spark, also in CI).
test: setup postgres-install
	$(UV) run pytest -m "not e2e and not spark"

test-e2e: setup postgres-install
	$(UV) run pytest -m e2e

test-fast: setup
	$(UV) run pytest -m "not slow"

# Apache Spark (AIECON_DESTINATION=spark, docs/scale-out.md): Java 17 from Debian's openjdk package and the spark
# extra (dbt-spark, PySpark) in its own environment .venvs/spark (scripts/install-spark.sh). test-spark runs
# the Spark tests there: every mart built on DuckDB and on Spark, compared row for row (about 8 min).
spark-install: bootstrap-uv
	bash scripts/install-spark.sh $(UV)

test-spark: setup spark-install
	.venvs/spark/bin/pytest -m spark -p no:cacheprovider

# PostgreSQL's server binaries from Debian's packages (apt-get, as root or with sudo) when initdb is missing:
# the tests and `make postgres-up` start the project's own cluster with them (scripts/install-postgres.sh).
postgres-install:
	bash scripts/install-postgres.sh

# The unit suite on another Python (3.12, 3.13; `make setup` and `make test` stay on $(PYTHON)): its own venv
# .venvs/<version> with the locked dependencies. PY is a version or an interpreter's path; a version is
# python<PY> on PATH or pyenv's newest <PY>.x, whichever runs (a pyenv shim of an inactive version does not).
PY ?= 3.13
FIND_PYTHON := find_python() { for c in "$$1" "$$(command -v "python$$1" 2>/dev/null)" \
	$$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/$$1.*/bin/python 2>/dev/null | sort -rV); do \
	if [ -n "$$c" ] && [ -x "$$c" ] && "$$c" -c '' 2>/dev/null; then echo "$$c"; return; fi; done; }

test-python: bootstrap-uv
	@$(FIND_PYTHON); interp="$$(find_python $(PY))"; \
	if [ -z "$$interp" ]; then echo "no Python $(PY) on this machine (python$(PY) on PATH or pyenv): skipped"; exit 0; fi; \
	version="$$("$$interp" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; \
	echo "unit suite on Python $$version ($$interp) in .venvs/$$version"; \
	UV_PROJECT_ENVIRONMENT=.venvs/$$version UV_PYTHON="$$interp" $(UV) sync --frozen --python "$$interp" && \
	.venvs/$$version/bin/aiecon prepare && \
	.venvs/$$version/bin/pytest tests/unit -p no:cacheprovider $(PYTEST_ARGS)

# The newest Python above 3.11 this machine runs (3.13, else 3.12), or nothing: .ci/run's choice of PY.
newest-python:
	@$(FIND_PYTHON); for v in 3.13 3.12; do if [ -n "$$(find_python $$v)" ]; then echo $$v; break; fi; done

# The FinOps Foundation's FOCUS validator (PyPI focus-validator, Python 3.12: it pins numpy 1.26 and pandas 2,
# so it lives in its own venv outside uv.lock; pyarrow < 20 is the last with wheels for that numpy). It bundles
# the FOCUS 1.2 rules and runs offline (--block-download); its 1.3 rules are fetched from GitHub, not reachable
# here. tests/e2e/test_focus_validator.py runs it on focus_ai_costs. FOCUS_VALIDATOR_VENV is its path.
FOCUS_VALIDATOR_VENV ?= .venvs/focus-validator
focus-validator:
	@$(FIND_PYTHON); interp="$$(find_python 3.12)"; \
	if [ -z "$$interp" ]; then echo "no Python 3.12 on this machine: the FOCUS validator needs it" >&2; exit 1; fi; \
	if [ ! -x $(FOCUS_VALIDATOR_VENV)/bin/focus-validator ]; then \
	"$$interp" -m venv $(FOCUS_VALIDATOR_VENV) && \
	$(FOCUS_VALIDATOR_VENV)/bin/pip install -q "focus-validator==2.2.1" "pyarrow<20"; fi

# The PostgreSQL build only: DuckDB/PostgreSQL parity of every mart, the analyst role and the Dagster job on
# PostgreSQL (own temp cluster).
test-postgres: setup postgres-install
	$(UV) run pytest -m postgres

# A local PostgreSQL warehouse (see README, PostgreSQL): needs AIECON_PG_PASSWORD, AIECON_PG_ADMIN_PASSWORD
# and AIECON_PG_ANALYST_PASSWORD in the environment.
postgres-up: setup postgres-install
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

# Spark local against DuckDB on the same partition at 10k and 50k calls a day (bench/spark_sizing.py, about
# 20 min on 2 cores): writes bench/results-spark.json, quoted by docs/scale-out.md and README's "Scale out".
bench-spark: setup spark-install
	.venvs/spark/bin/python -m bench.spark_sizing

lint: setup
	$(UV) run ruff check . && $(UV) run ruff format --check .

clean:
	rm -rf .venvs data dbt_project/target dbt_project/target_postgres dbt_project/logs .pytest_cache
