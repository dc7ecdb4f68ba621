"""``aiecon docs`` names every mart as analysts query it in the serving copy: ``serving.marts.<table>``."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_aiecon_docs_names_the_marts_as_in_the_serving_copy(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIECON_")}
    env.update(AIECON_DATA_DIR=str(tmp_path), AIECON_DESTINATION="duckdb")  # no warehouse: --empty-catalog
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "docs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    manifest = json.loads((tmp_path / "docs" / "manifest.json").read_text())
    marts = {n["name"]: n["relation_name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"
             and n["schema"] == "marts"}  # fmt: skip
    assert len(marts) > 10, "the project's marts"
    wrong = {name: rel for name, rel in marts.items() if rel != f'"serving"."marts"."{name}"'}
    assert not wrong, f"marts not named serving.marts.<table> in the docs: {wrong}"
