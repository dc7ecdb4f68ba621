"""The design the code cites lives in the repository: every ``docs/…`` a file names exists, and no file
cites a document outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
TEXT_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".txt", ""}
DOCS_REFERENCE = re.compile(r"(?<![\w/.-])docs/[\w./-]+?\.md")
# Documents that live outside the repository (the founding brief's folder) and must not be cited.
OUTSIDE = re.compile(r"DESIGN(\.md| §| section)|\.\./shared|shared/vendor-apis|stack-notes|peers\.md")


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    files = [REPO_ROOT / name for name in listed]
    return [f for f in files if f.is_file() and f.suffix in TEXT_SUFFIXES and "specs" not in f.parts]


FILES = _tracked_text_files()


def test_the_scan_sees_the_code_and_the_docs():
    names = {f.relative_to(REPO_ROOT).as_posix() for f in FILES}
    assert {"README.md", "docs/conventions.md", "dbt_project/dbt_project.yml"} <= names


def _citations(pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    found = []
    for path in FILES:
        if path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            for match in pattern.finditer(line):
                found.append((path.relative_to(REPO_ROOT).as_posix(), number, match.group(0)))
    return found


def test_every_cited_design_document_exists():
    # docs/vendor-apis/ cites paths inside the vendors' own repositories (``docs/rest/…``), not ours.
    missing = [
        f"{where}:{line} cites {doc}"
        for where, line, doc in _citations(DOCS_REFERENCE)
        if not where.startswith("docs/vendor-apis/") and not (REPO_ROOT / doc).exists()
    ]
    assert not missing, "\n".join(missing)


def test_no_file_cites_a_document_outside_the_repository():
    outside = [f"{where}:{line}: {text}" for where, line, text in _citations(OUTSIDE)]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("planted", ["see DESIGN §4", "../shared/vendor-apis/revenium.md"])
def test_the_outside_pattern_catches_a_planted_citation(planted):
    assert OUTSIDE.search(planted)
