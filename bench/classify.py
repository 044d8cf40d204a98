"""Reclassifying a whole office: tiers and size classes of 1,000,000 businesses (issue 5).

    .venv/bin/python bench/classify.py                    # SQLite, .bench/classify-1000000.db (built once)
    .venv/bin/python bench/classify.py --reuse            # use the database built before
    .venv/bin/python bench/classify.py --db postgresql://postgres@127.0.0.1:5433/bench --size 1000000
    .venv/bin/python bench/classify.py --pg                # a throw-away PostgreSQL server (tests/pg_server.py)
    .venv/bin/python bench/classify.py --size 100000 --reuse --reference   # the pre-session-3 code first
    options: --workers N (0: decide in this process), --profile DIR (a cProfile per run)

The database is the demo office (workbench.services.demo.build_demo; on SQLite the 1M search bench's
database is copied when it exists, the FTS tables are not needed here). Building 1M into PostgreSQL
takes ~18 min on the shared machine: for repeated runs start a server that outlives the script and pass
--db URL (then --reuse). Four runs, each timed from the first SELECT to the COMMIT, as `workbench
classify` does them: wall clock, and CPU seconds split into this process, the worker processes that
decide, and (PostgreSQL on this machine) the session's server process; on a shared machine the CPU
seconds are the steadier figure, and each line ends with the load average:
  1. first classification (every result created, with history and change-log rows),
  2. the same again (nothing changed: every business read and skipped),
  3. a rules change (the 发展型 revenue threshold lowered: every result updated, some move),
  4. a dry run of the original rules (what the TUI shows before committing).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import platform
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import is_sqlite, make_engine, normalise_url
from storage.schema import upgrade
from workbench.domain.rule_files import LoadedRules, load_rule_file
from workbench.domain.tiers import TierRules, tier_rules_from
from workbench.services.classification_recompute import recompute

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / ".bench" / "classify-{size}.db"
SEARCH_DB = ROOT / ".bench" / "search-{size}.db"
TODAY = date(2026, 11, 23)
PROFILE: Path | None = None
WORKERS: int | None = None
LOWER = "[tier.development]\nrevenue_at_micro_ceiling = false\nfallback_revenue_yuan = 500000\n"


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    url = args.db or str(DEFAULT_DB).format(size=args.size)
    if args.pg:
        url, _server = _throwaway_pg()
    if not args.reuse:
        _build(url, args.size)
    engine = make_engine(url)
    upgrade(engine)
    office_id = _office(engine)
    print(f"{platform.python_version()} on {platform.machine()}, {normalise_url(url)}: "
          f"{_count(engine, 'business'):,} businesses; shared 2-CPU machine")  # fmt: skip
    actor = Actor(who="bench", device="bench", office_id=office_id)
    shipped = load_rule_file("classification", tier_rules_from)
    lowered = _lowered_rules(args.rules_dir)
    global PROFILE, WORKERS
    PROFILE, WORKERS = args.profile, args.workers
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")
    for name, run in _implementations(args.reference):
        print(f"-- {name}")
        _clear(engine)
        _timed(engine, actor, shipped, "1. first classification", dry_run=False, run=run)
        _timed(engine, actor, shipped, "2. again, nothing changed", dry_run=False, run=run)
        _timed(engine, actor, lowered, "3. rules changed", dry_run=False, run=run)
        _timed(engine, actor, shipped, "4. dry run (back to shipped rules)", dry_run=True, run=run)


def _implementations(reference: bool) -> list[tuple[str, Any]]:
    """The recompute, and with --reference first the code before the speed work (tests/classification_reference.py)."""
    found: list[tuple[str, Any]] = []
    if reference:
        sys.path.insert(0, str(ROOT / "tests"))
        from classification_reference import reference_recompute

        found.append(("reference (before the speed work)", reference_recompute))
    fast = functools.partial(recompute, workers=WORKERS)
    return [*found, (f"recompute (workers: {'default' if WORKERS is None else WORKERS})", fast)]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="SQLite file or postgresql:// URL (default: .bench/classify-SIZE.db)")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="use the database already built there")
    parser.add_argument(
        "--pg", action="store_true", help="start a throw-away PostgreSQL server and build there"
    )
    parser.add_argument("--rules-dir", type=Path, default=ROOT / ".bench" / "classify-rules")
    parser.add_argument("--profile", type=Path, help="write a cProfile of each run into this folder")
    parser.add_argument(
        "--reference", action="store_true", help="first run the code before the speed work, for comparison"
    )
    parser.add_argument(
        "--workers", type=int, help="decide in this many worker processes (default: recompute's own choice)"
    )
    return parser.parse_args(argv)


def _build(url: str, size: int) -> None:
    from workbench.services.demo import build_demo

    target = Path(url)
    source = Path(str(SEARCH_DB).format(size=size))
    started = time.perf_counter()
    if not url.startswith("postgresql") and source.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        print(f"copied {source.name} in {time.perf_counter() - started:.0f} s")
        return
    engine = make_engine(url)
    upgrade(engine)
    summary = build_demo(engine, size=size, seed=1)
    print(f"built {summary.businesses:,} businesses in {time.perf_counter() - started:.0f} s")
    engine.dispose()


def _throwaway_pg() -> tuple[str, object]:
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_server

    server = pg_server.start_server()
    with server.connect() as admin:
        pg_server.create_database(admin, "bench_classify")
    return server.url("bench_classify"), server


def _office(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT min(office_id) FROM business")).scalar_one())


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _lowered_rules(folder: Path) -> LoadedRules[TierRules]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "classification.toml").write_text(LOWER, encoding="utf-8")
    return load_rule_file("classification", tier_rules_from, override_dir=folder)


def _clear(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM classification_history"))
        connection.execute(text("DELETE FROM classification_result"))
        connection.execute(
            text("DELETE FROM change_log WHERE entity IN ('classification', 'classification_run')")
        )
    if is_sqlite(engine):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _timed(
    engine: Engine, actor: Actor, rules: LoadedRules[TierRules], label: str, *, dry_run: bool, run: Any
) -> None:
    profiler = cProfile.Profile() if PROFILE else None
    if profiler is not None:
        profiler.enable()
    started, cpu_started, workers_started = time.perf_counter(), time.process_time(), _children_cpu()
    with Session(engine) as session:
        server = _server_cpu(session)
        report = run(session, actor=actor, rules=rules, today=TODAY, dry_run=dry_run)
        computed = time.perf_counter() - started
        if not dry_run:
            session.commit()
        server = _server_cpu(session) - server
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    workers = _children_cpu() - workers_started
    if profiler is not None and PROFILE is not None:
        profiler.disable()
        PROFILE.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(PROFILE / f"{label.split('.')[0]}.prof")
    moves = "; ".join(move.text for move in report.moves[:3])
    load = os.getloadavg()[0]
    print(f"{label:38} {total:6.1f} s wall, CPU {cpu:5.1f} s this process + {workers:5.1f} s workers"
          f"{f' + {server:5.1f} s server' if server else ''} (commit {total - computed:4.1f} s, load {load:.1f})  "
          f"created {report.created:,}, updated {report.updated:,}, unchanged {report.unchanged:,}; {moves}")  # fmt: skip
    sys.stdout.flush()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(session: Session) -> float:
    """PostgreSQL on this machine: the CPU seconds of this session's server process (from /proc); 0 else."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return 0.0
    pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
