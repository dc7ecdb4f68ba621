"""Files the repository commits but a generator writes (dbt sources YAML, the price book's seeds): one command
line for all of them, ``--check`` to fail when a committed file differs from what its generator gives."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_or_check(
    description: str, files: Mapping[Path, str], argv: list[str] | None = None, root: Path = REPO_ROOT
) -> int:
    """Write each file whose text differs (or, with ``--check``, write nothing and exit 1 if any differs);
    each file is named relative to ``root``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="exit 1 when a file differs; write nothing")
    args = parser.parse_args(argv)
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    for path in stale:
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path])
        print(f"{'differs' if args.check else 'wrote'}: {path.relative_to(root)}")
    return 1 if args.check and stale else 0
