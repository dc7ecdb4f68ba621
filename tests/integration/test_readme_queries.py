"""The README's example questions run, as written, against a published serving copy."""

import re
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_sql() -> list[str]:
    section = README.read_text().split("## Query the marts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_the_readme_has_eight_questions():
    assert len(readme_sql()) == 8


@pytest.mark.parametrize("number", range(8))
def test_each_readme_question_answers_from_the_serving_copy(two_days, number):
    path, _ = two_days
    with duckdb.connect(str(path.parent / "serving.duckdb"), read_only=True) as con:
        rows = con.execute(readme_sql()[number]).fetchall()
    assert rows, f"question {number + 1} returned nothing"
