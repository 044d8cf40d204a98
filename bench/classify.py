"""Reclassifying a whole office: tiers and size classes of 1,000,000 businesses (issue 5).

    .venv/bin/python bench/classify.py                    # SQLite, .bench/classify-1000000.db (built once)
    .venv/bin/python bench/classify.py --reuse            # use the database built before
    .venv/bin/python bench/classify.py --db postgresql://postgres@127.0.0.1:5433/bench --size 1000000
    .venv/bin/python bench/classify.py --pg                # a throw-away PostgreSQL server (tests/pg_server.py)

The database is the demo office (workbench.services.demo.build_demo; on SQLite the 1M search bench's
database is copied when it exists, the FTS tables are not needed here). Four runs, each timed from the
first SELECT to the COMMIT, as `workbench classify` does them (wall clock, and the CPU seconds of this
process: on a shared machine the second is the steadier figure; PostgreSQL's own CPU is not in it):
  1. first classification (every result created, with history and change-log rows),
  2. the same again (nothing changed: every business read and skipped),
  3. a rules change (the 发展型 revenue threshold lowered: every result updated, some move),
  4. a dry run of the original rules (what the TUI shows before committing).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import time
from datetime import date
from pathlib import Path

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
    _clear(engine)
    _timed(engine, actor, shipped, "1. first classification", dry_run=False)
    _timed(engine, actor, shipped, "2. again, nothing changed", dry_run=False)
    _timed(engine, actor, lowered, "3. rules changed", dry_run=False)
    _timed(engine, actor, shipped, "4. dry run (back to shipped rules)", dry_run=True)


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


def _timed(engine: Engine, actor: Actor, rules: LoadedRules[TierRules], label: str, *, dry_run: bool) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        report = recompute(session, actor=actor, rules=rules, today=TODAY, dry_run=dry_run)
        computed = time.perf_counter() - started
        if not dry_run:
            session.commit()
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    moves = "; ".join(move.text for move in report.moves[:3])
    print(f"{label:38} {total:6.1f} s wall, {cpu:6.1f} s CPU of this process (commit {total - computed:4.1f} s)  created {report.created:,}, "
          f"updated {report.updated:,}, unchanged {report.unchanged:,}; {moves}")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
