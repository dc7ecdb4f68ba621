# The production run path in a container: `aiecon serve` (the Dagster webserver and daemon) on a persistent
# instance, warehouse and serving copy in the volume /data, against the vendors the environment configures.
#
#   docker build -t aiecon .
#   docker run -d --name aiecon --env-file .env -p 127.0.0.1:3000:3000 -v aiecon-data:/data aiecon
#
# docs/deploy/README.md says more (secrets, upgrades, PostgreSQL); tests/unit/test_deploy_files.py checks
# what this file references.
FROM python:3.11-slim

# tini as PID 1: it reaps the processes Dagster's run workers leave re-parented to PID 1 and passes
# `docker stop`'s SIGTERM on to `aiecon serve`, which stops the webserver and the daemon.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv>=0.5,<1" \
    && useradd --create-home --uid 10001 aiecon

ENV UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    PYTHONUNBUFFERED=1 \
    AIECON_DATA_DIR=/data \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app
# The locked dependencies first (a layer that changes only with uv.lock), then the project itself. The
# PostgreSQL extra is included so one image serves either destination (AIECON_DESTINATION).
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra postgres --no-install-project
COPY . .
RUN uv sync --frozen --no-dev --extra postgres \
    && mkdir -p /data dbt_project/target dbt_project/logs \
    && chown -R aiecon:aiecon /data dbt_project/target dbt_project/logs

USER aiecon
# dbt's manifest, parsed once here: every start loads it instead of parsing the project again.
RUN aiecon prepare

VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/server_info', timeout=5)"]
ENTRYPOINT ["tini", "--"]
CMD ["aiecon", "serve", "--host", "0.0.0.0", "--port", "3000"]
