"""The deployment files (Dockerfile, .dockerignore, docs/deploy/aiecon.service) reference what exists: the files
they copy, the extras they install, a command line `aiecon serve` accepts, a health check on the port it
serves. Where `docker info` succeeds the image is also built (marked e2e: minutes, and the network)."""

from __future__ import annotations

import configparser
import fnmatch
import json
import shlex
import shutil
import subprocess
import tomllib
from itertools import pairwise
from pathlib import Path

import pytest

from dagster_project import cli

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
UNIT = REPO_ROOT / "docs" / "deploy" / "aiecon.service"
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
# What the running product reads from the build context: the packages, the dbt project, the workspace.
NEEDED_IN_IMAGE = (
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "workspace.yaml",
    "dagster_project/definitions.py",
    "dagster_project/instance/dagster.yaml",
    "ingestion/vendors.py",
    "simulator/__main__.py",
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
)
NEVER_IN_IMAGE = (".env", "data/warehouse.duckdb", ".venv/bin/python", ".dlt/secrets.toml", ".git/HEAD")


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    found, pending = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        text = pending + stripped
        pending = ""
        keyword, _, rest = text.partition(" ")
        found.append((keyword.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return found


def of(keyword: str) -> list[str]:
    return [rest for k, rest in instructions() if k == keyword]


def exec_form(text: str) -> list[str]:
    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), text
    return value


def parsed_serve_arguments(argv: list[str], monkeypatch: pytest.MonkeyPatch):
    """What `aiecon` makes of ``argv`` when it is a serve command line (the serve itself is not run)."""
    import dagster_project.serve as serve_module

    seen = []
    monkeypatch.setattr(serve_module, "serve", lambda args: seen.append(args) or 0)
    assert argv[0] == "serve", argv
    assert cli.main(argv) == 0
    (args,) = seen
    return args


def test_the_base_image_is_python_311_slim():
    assert of("FROM") == ["python:3.11-slim"]


def test_dependencies_are_installed_from_the_lock_file_with_existing_extras():
    syncs = [run for run in of("RUN") if "uv sync" in run]
    assert syncs and all("--frozen" in run for run in syncs), syncs
    extras = {word for run in syncs for flag, word in pairwise(shlex.split(run)) if flag == "--extra"}
    declared = set(PYPROJECT["project"].get("optional-dependencies", {}))
    assert extras <= declared, f"extras {sorted(extras - declared)} are not in pyproject.toml"


def test_every_copied_path_exists():
    for copy in of("COPY"):
        *sources, _destination = shlex.split(copy)
        for source in sources:
            assert (REPO_ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_it_runs_as_a_non_root_user_with_the_data_directory_as_a_volume():
    ordered = instructions()
    users = [rest for k, rest in ordered if k == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    last_user = max(i for i, (k, _) in enumerate(ordered) if k == "USER")
    assert all(k != "RUN" or "aiecon prepare" in rest for k, rest in ordered[last_user:]), (
        "only the dbt parse runs as the user; set-up steps run before USER"
    )
    env = " ".join(of("ENV"))
    assert "AIECON_DATA_DIR=/data" in env
    assert exec_form(of("VOLUME")[0]) == ["/data"]


def test_the_command_is_aiecon_serve_on_all_interfaces_and_the_health_check_asks_its_port(monkeypatch):
    command = exec_form(of("CMD")[-1])
    assert command[0] in PYPROJECT["project"]["scripts"], "CMD does not start a console script of the project"
    args = parsed_serve_arguments(command[1:], monkeypatch)
    assert args.host == "0.0.0.0"
    (healthcheck,) = of("HEALTHCHECK")
    assert f"http://127.0.0.1:{args.port}/server_info" in healthcheck
    assert of("EXPOSE") == [str(args.port)]
    assert exec_form(of("ENTRYPOINT")[-1])[0] == "tini", "PID 1 must reap orphans and pass SIGTERM on"


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, enough for these patterns: the last matching line wins; `!` re-includes."""
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(
            fnmatch.fnmatch(p, pattern) or fnmatch.fnmatch(p, pattern.removeprefix("**/")) for p in prefixes
        ):
            verdict = not negate
    return verdict


def test_dockerignore_keeps_secrets_and_local_state_out_but_not_the_product():
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in NEEDED_IN_IMAGE:
        assert (REPO_ROOT / path).exists(), path
        assert not ignored(path, patterns), f"{path} is needed in the image but .dockerignore drops it"
    for path in NEVER_IN_IMAGE:
        assert ignored(path, patterns), f"{path} would be copied into the image"


def test_the_systemd_unit_restarts_on_failure_reads_env_and_runs_aiecon_serve(monkeypatch):
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read_string(UNIT.read_text())
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].endswith("/.env")
    assert service["KillMode"] == "mixed", "SIGTERM to serve alone: it stops its children itself"
    executable, *argv = shlex.split(service["ExecStart"])
    assert executable.endswith("/.venv/bin/aiecon")
    assert parsed_serve_arguments(argv, monkeypatch).host == "127.0.0.1"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def _docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.skipif(
    not _docker_works(), reason="no working docker here (`docker info` fails or docker is missing)"
)
def test_the_image_builds_and_its_command_parses():
    tag = "aiecon-test:deploy-files"
    build = subprocess.run(["docker", "build", "-t", tag, str(REPO_ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    try:
        ran = subprocess.run(
            ["docker", "run", "--rm", tag, "aiecon", "serve", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0 and "--host" in ran.stdout, ran.stdout + ran.stderr
        user = subprocess.run(["docker", "run", "--rm", tag, "id", "-u"], capture_output=True, text=True)
        assert user.stdout.strip() not in ("", "0"), user
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)
