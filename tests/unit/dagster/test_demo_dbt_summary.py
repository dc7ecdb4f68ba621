"""``aiecon demo`` summarises dbt's console output (counts and failures) and keeps all of it in a log file."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_project.demo import DbtSummary, console_to_log, demo_log_path

G, R, Y, N = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"

# What dagster-dbt copies to stdout for a `dbt build` (recorded with dbt-core 1.11.16, duckdb 1.11.1):
# a warning, a failing test and the two models it skips ...
FAILING_BUILD = f"""Running with dbt=1.11.16
Registered adapter: duckdb=1.11.1
Unable to do partial parsing because saved manifest not found. Starting full parse.
Found 3 models, 2 data tests, 511 macros

Concurrency: 1 threads (target='dev')

1 of 5 START sql table model main.a ............................................ [RUN]
1 of 5 OK created sql table model main.a ....................................... [{G}OK{N} in 0.26s]
2 of 5 START test accepted_values_a_kind__x .................................... [RUN]
2 of 5 WARN 1 accepted_values_a_kind__x ........................................ [{Y}WARN 1{N} in 0.12s]
3 of 5 START test not_null_a_id ................................................ [RUN]
3 of 5 FAIL 1 not_null_a_id .................................................... [{R}FAIL 1{N} in 0.05s]
4 of 5 SKIP relation main.b .................................................... [{Y}SKIP{N}]
5 of 5 SKIP relation main.c .................................................... [{Y}SKIP{N}]

Finished running 3 table models, 2 data tests in 0 hours 0 minutes and 0.77 seconds (0.77s).

{R}Completed with 1 error, 0 partial successes, and 1 warning:{N}

{R}Failure in test not_null_a_id (models/schema.yml){N}
  Got 1 result, configured to fail if != 0

  compiled code at target/8dbae91/compiled/failing/models/schema.yml/not_null_a_id.sql

{Y}Warning in test accepted_values_a_kind__x (models/schema.yml){N}
Got 1 result, configured to warn if != 0

  compiled code at target/8dbae91/compiled/failing/models/schema.yml/accepted_values_a_kind__x.sql

Done. PASS=1 WARN=1 ERROR=1 SKIP=2 NO-OP=0 TOTAL=5"""

# ... and a model that errors, and the model it skips.
MODEL_ERROR = f"""Running with dbt=1.11.16
Registered adapter: duckdb=1.11.1
Unable to do partial parsing because saved manifest not found. Starting full parse.
Found 3 models, 2 data tests, 511 macros

Concurrency: 1 threads (target='dev')

1 of 5 START sql table model main.a ............................................ [RUN]
1 of 5 OK created sql table model main.a ....................................... [{G}OK{N} in 0.64s]
2 of 5 START test accepted_values_a_kind__x .................................... [RUN]
2 of 5 PASS accepted_values_a_kind__x .......................................... [{G}PASS{N} in 0.12s]
3 of 5 START test not_null_a_id ................................................ [RUN]
3 of 5 PASS not_null_a_id ...................................................... [{G}PASS{N} in 0.04s]
4 of 5 START sql table model main.b ............................................ [RUN]
4 of 5 ERROR creating sql table model main.b ................................... [{R}ERROR{N} in 0.02s]
5 of 5 SKIP relation main.c .................................................... [{Y}SKIP{N}]

Finished running 3 table models, 2 data tests in 0 hours 0 minutes and 1.31 seconds (1.31s).

{R}Completed with 1 error, 0 partial successes, and 0 warnings:{N}

{R}Failure in model b (models/b.sql){N}
  Runtime Error in model b (models/b.sql)
  Binder Error: Referenced column "cost" not found in FROM clause!
  Candidate bindings: "id"

  compiled code at target/e57d872/compiled/failing/models/b.sql

Done. PASS=3 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=5"""


def test_the_summary_counts_per_status_and_gives_every_failure_with_its_message():
    summary = DbtSummary()
    assert not summary.feed("2026-12-06 03:00:00 +0000 - dagster - INFO - step started")  # not dbt's
    assert all(summary.feed(line) for line in FAILING_BUILD.splitlines())  # every dbt line is dbt's
    assert not summary.feed("after dbt")
    assert all(summary.feed(line) for line in MODEL_ERROR.splitlines())  # a second invocation adds up
    text = summary.render(Path("/data/logs/demo.log"))
    first = text.splitlines()[0]
    assert first == "dbt: 10 nodes: PASS 4, WARN 1, ERROR 2, SKIP 3 (full dbt output: /data/logs/demo.log)"
    assert summary.problems == [
        ("WARN", "accepted_values_a_kind__x"),
        ("FAIL", "not_null_a_id"),
        ("ERROR", "main.b"),
    ]
    for message in (
        "Failure in test not_null_a_id (models/schema.yml)",
        "Got 1 result, configured to fail if != 0",
        "Warning in test accepted_values_a_kind__x (models/schema.yml)",
        "Got 1 result, configured to warn if != 0",
        "Failure in model b (models/b.sql)",
        'Binder Error: Referenced column "cost" not found in FROM clause!',
    ):
        assert message in text
    assert " of 5 " not in text and "\x1b[" not in text  # no node lines, no colour codes


def test_a_clean_build_is_one_line_and_an_unfinished_one_says_so():
    clean = DbtSummary()
    lines = ["Running with dbt=1.11.16"]
    lines += [f"{i} of 529 PASS not_null_t_{i} ..... [{G}PASS{N} in 0.03s]" for i in range(1, 530)]
    lines += [
        "",
        f"{G}Completed successfully{N}",
        "",
        "Done. PASS=529 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=529",
    ]
    for line in lines:
        clean.feed(line)
    assert clean.render() == "dbt: 529 nodes: PASS 529, WARN 0, ERROR 0, SKIP 0"

    cut = DbtSummary()
    for line in MODEL_ERROR.splitlines()[:14]:  # killed after the fourth node's START
        cut.feed(line)
    text = cut.render()
    assert text.splitlines()[0] == "dbt: 3 nodes: PASS 3, WARN 0, ERROR 0, SKIP 0"
    assert "did not finish" in text
    assert DbtSummary().render() == "dbt: did not run"


def test_the_console_shows_all_but_dbt_and_the_log_file_has_everything(tmp_path, capsys):
    log = demo_log_path(tmp_path)
    with console_to_log(log) as summary:
        print("dlt loaded revenium")
        print(FAILING_BUILD)
        sys.stdout.write("partial ")
        sys.stdout.write("line\n")
        print("a warning", file=sys.stderr)
        print("unterminated", end="")
    captured = capsys.readouterr()
    assert captured.out == "dlt loaded revenium\npartial line\nunterminated\n"
    assert captured.err == "a warning\n"
    assert summary.counts["ERROR"] == 1
    logged = log.read_text()
    assert log.parent == tmp_path / "logs"
    assert "3 of 5 FAIL 1 not_null_a_id" in logged
    assert "dlt loaded revenium" in logged and "a warning" in logged and "Done. PASS=1" in logged
