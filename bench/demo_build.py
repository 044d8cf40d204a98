"""How long `workbench demo` takes to build a big office: seconds per phase, businesses/s and rows/s.

    .venv/bin/python bench/demo_build.py                        # SQLite, 1,000,000 businesses
    .venv/bin/python bench/demo_build.py --size 200000 --workers 0
    .venv/bin/python bench/demo_build.py --pg-url postgresql://postgres@127.0.0.1:5433/bench
    .venv/bin/python bench/demo_build.py --without-change-log   # also build once without the ChangeLog rows

SQLite goes to .bench/demo-SIZE.db (replaced each run). A PostgreSQL database must be empty, or is
emptied with --reset (TRUNCATE of the office's tables: use a database kept for benchmarks).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from storage.engine import make_engine
from storage.schema import upgrade
from workbench.services import demo_rows
from workbench.services.demo import DemoSummary, build_demo

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
TODAY = date(2025, 6, 15)
DEMO_TABLES = "change_log, license, year_figures, business, officer, grid, office"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: build_demo's choice)"
    )
    parser.add_argument("--pg-url", help="also build into this PostgreSQL database")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL demo tables first")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--without-change-log",
        action="store_true",
        help="build a second time without the one ChangeLog row per business, to show its cost",
    )
    parser.add_argument(
        "--without-search",
        action="store_true",
        help="measure the demo alone: stub search_fields and skip the search index rebuild "
        "(the database is then NOT searchable)",
    )
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
        f"{platform.platform()}; size {args.size:,}, seed {args.seed}, workers {args.workers}"
    )
    targets = [] if args.skip_sqlite else ["sqlite"]
    targets += [args.pg_url] if args.pg_url else []
    for target in targets:
        for with_log in (True, False) if args.without_change_log else (True,):
            engine = _fresh(target, args.size, args.reset)
            try:
                with _change_log(with_log), _search(not args.without_search):
                    _run(engine, target, args, with_log)
            finally:
                engine.dispose()
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _fresh(target: str, size: int, reset: bool) -> Engine:
    if target == "sqlite":
        path = BENCH_DIR / f"demo-{size}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(str(path))
    else:
        engine = make_engine(target)
    upgrade(engine)
    if target != "sqlite":
        with engine.begin() as connection:
            if reset:
                connection.execute(text(f"TRUNCATE {DEMO_TABLES} RESTART IDENTITY CASCADE"))
            elif connection.execute(text("SELECT count(*) FROM business")).scalar():
                sys.exit("the PostgreSQL database holds businesses: use an empty one, or --reset")
    return engine


@contextmanager
def _change_log(keep: bool) -> Iterator[None]:
    """Without the change log: the same build, its ChangeLog rows dropped before they are written."""
    if keep:
        yield
        return
    original = demo_rows.BusinessMaker.chunk

    def chunk(self: demo_rows.BusinessMaker, index: int, chunk_size: int, size: int) -> demo_rows.Chunk:
        made = original(self, index, chunk_size, size)
        made.changes = []
        return made

    demo_rows.BusinessMaker.chunk = chunk  # type: ignore[method-assign]
    try:
        yield
    finally:
        demo_rows.BusinessMaker.chunk = original  # type: ignore[method-assign]


@contextmanager
def _search(keep: bool) -> Iterator[None]:
    """Without search: derived columns left empty and no index rebuild, to time the demo's own work."""
    if keep:
        yield
        return
    from storage import search, search_pg, search_sqlite

    patched: list[tuple[Any, str, Any]] = [
        (search, "search_fields", search.search_fields),
        (search_sqlite.SqliteSearch, "rebuild", search_sqlite.SqliteSearch.rebuild),
        (search_pg.PgSearch, "rebuild", search_pg.PgSearch.rebuild),
    ]
    keys = tuple(search.search_fields("", "", ""))
    setattr(search, "search_fields", lambda name, operator, address: dict.fromkeys(keys, ""))  # noqa: B010
    for owner, name, _original in patched[1:]:
        setattr(owner, name, lambda self, connection: None)
    try:
        yield
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)


def _run(engine: Engine, target: str, args: argparse.Namespace, with_log: bool) -> None:
    phases: list[tuple[str, float, float]] = []
    cpu_before, load_before = _cpu(), os.getloadavg()[0]
    started = time.perf_counter()

    def progress(done: int, total: int, what: str) -> None:
        if not phases or phases[-1][0] != what:
            phases.append((what, time.perf_counter(), time.process_time()))

    summary = build_demo(
        engine, size=args.size, seed=args.seed, today=TODAY, workers=args.workers, progress=progress
    )
    seconds = time.perf_counter() - started
    _print(engine, target, summary, (started + seconds, time.process_time()), seconds, phases, with_log)
    main_cpu, worker_cpu = (after - before for after, before in zip(_cpu(), cpu_before, strict=True))
    print(
        f"  CPU: this process {main_cpu:.1f} s, worker processes {worker_cpu:.1f} s "
        f"(wall {seconds:.1f} s; load average before/after {load_before:.2f}/{os.getloadavg()[0]:.2f})"
    )


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _print(
    engine: Engine,
    target: str,
    summary: DemoSummary,
    ended: tuple[float, float],
    seconds: float,
    phases: list[tuple[str, float, float]],
    with_log: bool,
) -> None:
    """Totals, then each phase's wall seconds and this (the writing) process's CPU seconds."""
    rows = summary.businesses + summary.year_figures + summary.licenses + summary.change_log
    label = "SQLite" if target == "sqlite" else "PostgreSQL"
    print(
        f"\n{label}{'' if with_log else ' (without ChangeLog rows)'}: {seconds:.1f} s, "
        f"{summary.businesses / seconds:,.0f} businesses/s, {rows / seconds:,.0f} rows/s ({rows:,} rows: "
        f"{summary.businesses:,} businesses, {summary.year_figures:,} year figures, "
        f"{summary.licenses:,} licenses, {summary.change_log:,} change log)"
    )
    ends = [(wall, cpu) for _what, wall, cpu in phases[1:]] + [ended]
    print("  phase              wall    CPU (writer)")
    for (what, wall, cpu), (wall_end, cpu_end) in zip(phases, ends, strict=True):
        print(f"  {what:<10}\t{wall_end - wall:7.1f} s {cpu_end - cpu:7.1f} s")
    if target == "sqlite" and engine.url.database:
        print(f"  database file: {Path(engine.url.database).stat().st_size / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
