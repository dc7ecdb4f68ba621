"""``aiecon``: the one entry point the Makefile wraps.

aiecon demo      the main job for the last 7 complete days against the simulator, then a summary
aiecon dev       the Dagster UI on 127.0.0.1:3000 against the simulator
aiecon simulator serve the vendor simulator alone
aiecon prepare   parse the dbt project so Dagster can load its manifest
aiecon check     validate every setting and probe each enabled vendor (exit 1 on any problem)
aiecon serve     the Dagster webserver + daemon on a persistent instance, against the configured vendors
aiecon build     load and transform days without Dagster, on the configured destination (DuckDB or PostgreSQL)
aiecon prune     delete raw rows, quarantine and run history older than the retention settings
aiecon runs free [RUN_ID]  fail crashed Dagster runs and free their duckdb_warehouse pool slots
aiecon postgres up|down  a local PostgreSQL warehouse (Debian's PostgreSQL binaries) with writer and analyst roles
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from datetime import date, timedelta

from dagster_project.settings import REPO_ROOT, venv_executable


def _demo(args: argparse.Namespace) -> int:
    from dagster_project.local_stack import ensure_data_dir, prepare_dagster_home, simulator
    from dagster_project.settings import data_dir

    warehouse = ensure_data_dir()
    prepare_dagster_home()
    with simulator(seed=args.seed, calls_per_day=args.calls_per_day) as base_url:
        if (refused := _settings_refused()) is not None:
            return refused
        # Definitions read the warehouse path and partitions at import: import once the env is set.
        import dagster as dg

        from dagster_project.definitions import defs
        from dagster_project.defs.schedules import MAIN_JOB_NAME
        from dagster_project.demo import console_to_log, cost_by_provider_table, demo_days, demo_log_path

        first, last = demo_days(args.days)
        log_path = demo_log_path(data_dir())
        print(f"simulator at {base_url}; running {MAIN_JOB_NAME} for {first} .. {last} (one run)", flush=True)
        print(f"dbt's output is summarised below; the whole console goes to {log_path}", flush=True)
        from dagster_project.defs.isolation import MISSING_VENDORS_TAG, failed_steps, run_partition_range

        job = defs.resolve_job_def(MAIN_JOB_NAME)
        with console_to_log(log_path) as dbt_summary:
            # The run, and when only vendors' ingest steps or gates failed, the partial run without them that
            # the run-failure sensor would ask a daemon for.
            results = run_partition_range(
                job,
                dg.DagsterInstance.get(),
                first,
                last,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
    print()
    print(dbt_summary.render(log_path), flush=True)
    if not results[0].success:
        failed = failed_steps(results)
        print(f"the run failed (steps: {', '.join(failed) or 'see the log above'})", file=sys.stderr)
        if len(results) > 1:
            missing = results[1].dagster_run.tags[MISSING_VENDORS_TAG]
            outcome = (
                "the other vendors' marts are built and published" if results[1].success else "failed too"
            )
            print(f"partial run without {missing}: {outcome}", file=sys.stderr)
        return 1
    print()
    print("Cost by provider per day (USD, source system Revenium) beside Revenium's own analytics figure:")
    print(cost_by_provider_table(first, last))
    print(f"\nwarehouse: {warehouse}")
    return 0


def _dev(args: argparse.Namespace) -> int:
    from dagster_project.local_stack import ensure_data_dir, prepare_dagster_home, simulator

    ensure_data_dir()
    prepare_dagster_home()
    from dagster_project.run_recovery import sweep_current_instance

    sweep_current_instance()  # runs whose process died: failed, their slots freed
    with simulator(seed=args.seed, calls_per_day=args.calls_per_day) as base_url:
        print(f"simulator at {base_url}; Dagster UI at http://127.0.0.1:{args.port}", flush=True)
        workspace = str(REPO_ROOT / "workspace.yaml")
        command = [
            venv_executable("dagster"),
            "dev",
            "-w",
            workspace,
            "-h",
            "127.0.0.1",
            "-p",
            str(args.port),
        ]
        # A shell that starts us in the background makes us ignore SIGINT, and children inherit that;
        # dagster dev maps SIGTERM to its SIGINT handler, so it would then ignore both.
        ui = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=os.environ.copy(),
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        # dagster dev stops its webserver, daemon and code server on SIGINT; pass a SIGTERM on as one,
        # so stopping `aiecon dev` never leaves them behind.
        signal.signal(signal.SIGTERM, lambda *_: ui.send_signal(signal.SIGINT))
        try:
            return ui.wait()
        except KeyboardInterrupt:
            ui.send_signal(signal.SIGINT)
            return ui.wait()


def _simulator(args: argparse.Namespace) -> int:
    from simulator.__main__ import serve

    return serve(args)


def _prepare(args: argparse.Namespace) -> int:
    from dagster_project.defs.dbt.project import dbt_project, parse

    project = dbt_project()
    parse(project)
    print(f"dbt manifest: {project.manifest_path}")
    return 0


def _docs(args: argparse.Namespace) -> int:
    from dagster_project.defs.dbt.project import dbt_executable
    from dagster_project.destination import destination_name
    from dagster_project.docs_profile import write_docs_profile
    from dagster_project.settings import DBT_PROJECT_DIR, data_dir, warehouse_path

    target = data_dir() / "docs"
    command = [
        dbt_executable(),
        "docs",
        "generate",
        "--static",
        "--profiles-dir",
        ".",
        "--target-path",
        str(target),
    ]
    if not warehouse_path().exists():
        command.append("--empty-catalog")  # no warehouse yet: document models, without row counts and types
    if destination_name() == "duckdb":  # relations named as in the serving copy: serving.marts.<table>
        command[command.index("--profiles-dir") + 1] = str(write_docs_profile(target, warehouse_path()))
    env = {**os.environ, "AIECON_WAREHOUSE": str(warehouse_path())}
    code = subprocess.call(command, cwd=DBT_PROJECT_DIR, env=env)
    if code == 0:
        print(f"documentation: {target / 'static_index.html'} (one file: open it in a browser)")
    return code


def _build(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from dagster_project.destination import destination_name
    from dagster_project.direct_build import VendorLoadsFailed, build_days
    from dagster_project.local_stack import ensure_data_dir, simulator
    from dagster_project.settings import data_dir

    if destination_name() != "postgres":  # DuckDB, or Spark's landing file
        ensure_data_dir()
    days = [args.first + timedelta(days=i) for i in range((args.last - args.first).days + 1)]
    if not days:
        raise SystemExit("--last is before --first")
    from dagster_project.check import day_problems

    if future := day_problems((args.first, args.last), "build: --first/--last"):
        print("\n".join(dict.fromkeys(future)), file=sys.stderr)
        return 1
    from dagster_project.warehouse_lock import warehouse_writer

    # The writer lock first: a second writer is refused before it starts anything (main prints why).
    with (
        warehouse_writer(),
        simulator(seed=args.seed, calls_per_day=args.calls_per_day) if args.simulator else nullcontext(),
    ):
        if (refused := _settings_refused()) is not None:
            return refused
        try:
            build_days(days, data_dir() / f"dbt_{destination_name()}", per_day=not args.backfill)
        except VendorLoadsFailed as failed:
            print(str(failed), file=sys.stderr)
            return 1
    print(f"built {days[0]} .. {days[-1]} on {destination_name()}")
    return 0


def _settings_refused() -> int | None:
    """1 (after printing one line per problem) when a setting in use is invalid, else None."""
    from dagster_project.check import SettingsProblems, require_valid_settings

    try:
        require_valid_settings()
    except SettingsProblems as problems:
        print(
            f"{problems}\nnothing was run: fix the settings above (aiecon check lists them)", file=sys.stderr
        )
        return 1
    return None


def _check(args: argparse.Namespace) -> int:
    from dagster_project.check import main as check_main

    return check_main(args)


def _serve(args: argparse.Namespace) -> int:
    from dagster_project.serve import serve

    return serve(args)


def _runs(args: argparse.Namespace) -> int:
    import dagster as dg

    from dagster_project.local_stack import prepare_dagster_home
    from dagster_project.run_recovery import free_by_hand

    prepare_dagster_home()
    with dg.DagsterInstance.get() as instance:
        return free_by_hand(instance, args.run_ids, force=args.force)


def _prune(args: argparse.Namespace) -> int:
    from dagster_project.defs.retention import prune_cli

    return prune_cli()


def _postgres(args: argparse.Namespace) -> int:
    from dagster_project.extras import require_postgres_extra

    require_postgres_extra()
    from dagster_project.local_postgres import local_cluster_from_env, up

    if args.action == "up":
        cluster = up()
        print(f"PostgreSQL on 127.0.0.1:{cluster.port}, data in {cluster.pgdata}")
    else:
        cluster = local_cluster_from_env(need_admin=False)
        cluster.stop()
        print("PostgreSQL stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aiecon", description="AI Economics Warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    for name, fn, help_ in (
        ("demo", _demo, "run the main job for the last N complete days against the simulator"),
        ("dev", _dev, "start the Dagster UI against the simulator"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--calls-per-day", type=int, default=20_000)
        p.set_defaults(fn=fn)
        if name == "demo":
            p.add_argument("--days", type=int, default=7)
        else:
            p.add_argument("--port", type=int, default=3000)

    from simulator.__main__ import add_arguments as add_simulator_arguments  # standard library only

    p = sub.add_parser(
        "simulator",
        help="serve the vendor simulator (options as python -m simulator)",
        description="Serve the vendor simulator until SIGTERM or Ctrl-C (the options of python -m simulator).",
    )
    add_simulator_arguments(p)
    p.set_defaults(fn=_simulator)

    p = sub.add_parser("prepare", help="parse the dbt project (writes its manifest)")
    p.set_defaults(fn=_prepare)

    p = sub.add_parser("docs", help="build the dbt documentation site")
    p.set_defaults(fn=_docs)

    p = sub.add_parser("build", help="dlt loads + dbt build for days, on AIECON_DESTINATION, without Dagster")
    p.add_argument("--first", type=date.fromisoformat, required=True, help="first UTC day (YYYY-MM-DD)")
    p.add_argument("--last", type=date.fromisoformat, required=True, help="last UTC day, inclusive")
    p.add_argument("--backfill", action="store_true", help="one dbt run over all days instead of one per day")
    p.add_argument("--simulator", action="store_true", help="against a local vendor simulator")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--calls-per-day", type=int, default=2_000)
    p.set_defaults(fn=_build)

    p = sub.add_parser("check", help="validate every setting, then ask each enabled vendor once")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per vendor probe")
    p.add_argument("--no-probe", action="store_true", help="validate the settings only")
    p.add_argument("--env-example", action="store_true", help="print .env.example (every setting) and exit")
    p.set_defaults(fn=_check)

    from dagster_project.serve import add_arguments as add_serve_arguments  # standard library only

    p = sub.add_parser("serve", help="run the Dagster webserver and daemon against the configured vendors")
    add_serve_arguments(p)
    p.set_defaults(fn=_serve)

    p = sub.add_parser(
        "runs", help="free what crashed Dagster runs hold (status, duckdb_warehouse pool slot)"
    )
    runs = p.add_subparsers(dest="action", required=True)
    p = runs.add_parser("free", help="fail runs whose process is gone and free their pool slots")
    p.add_argument("run_ids", nargs="*", help="runs to free even if their process cannot be judged")
    p.add_argument("--force", action="store_true", help="free the named runs even if their process is alive")
    p.set_defaults(fn=_runs)

    p = sub.add_parser("prune", help="delete raw, quarantine and run history past the retention settings")
    p.set_defaults(fn=_prune)

    p = sub.add_parser("postgres", help="start (and provision) or stop the local PostgreSQL warehouse")
    p.add_argument("action", choices=["up", "down"])
    p.set_defaults(fn=_postgres)

    args = parser.parse_args(argv)
    from dagster_project.warehouse_lock import WarehouseBusy
    from ingestion.core.setting_registry import SettingError  # standard library only

    try:
        return args.fn(args)
    except SettingError as error:  # a setting read outside the up-front checks: its one line, no trace
        print(error, file=sys.stderr)
        return 1
    except WarehouseBusy as busy:  # another run writes the warehouse: one line naming it
        print(busy, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
