"""Search latency at scale: keystroke -> first page (100 rows, the list's page, default sort), and the count.

    .venv/bin/python bench/search.py                       # SQLite, 1,000,000 businesses, built once
    .venv/bin/python bench/search.py --reuse               # query the database built before
    .venv/bin/python bench/search.py --db postgresql://postgres@127.0.0.1:5433/bench --size 1000000

The database is the demo office (workbench.services.demo.build_demo). Queries are drawn from the rows
themselves: substrings of names (1, 2, 3-4 characters); pinyin initials and full pinyin of 3-4
characters inside a name (what people remember: 张三面馆 -> zsmg) and from the start of a name (which
in this office mostly means the 温州市鹿城区 that a quarter of all names begin with); credit-code
prefixes; the last four digits of phones. Each query runs in a fresh session, as a keystroke's
worker would. Cold runs (the default) run each text for the first time (what the OS still caches of
the file from the queries before, or from other work, stays cached); --evict makes them colder: before
each timed query the engine is closed and the file dropped from the OS page cache (posix_fadvise
DONTNEED, this file only), as for the first search after the computer started. --warm runs each query
once, untimed, first (as typing on does: 面 then 面馆 touch the same pages). Times: wall and CPU
(time.process_time) of this process, since the machine is shared; the load averages before and after are
printed with the table. --fresh opens a new connection for each timed query without evicting the file: the
first keystroke after launch, before the list's warm-up ran (no page cache, no memory map). Categories added
for issue 17: the end of a credit code (4-6 characters, anywhere in the code: migration 0019), a 注册号
prefix, and two pinyin initials from inside a name (`cs` for 超市).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from storage.engine import is_sqlite, make_engine, normalise_url
from storage.queries import DEFAULT_SORT, BusinessFilter, Sort, count_businesses, page_businesses
from storage.schema import upgrade
from storage.search import rebuild_index, search_fields
from storage.search_pg import INDEXES
from storage.search_warmup import warm_search

DEFAULT_DB = Path(__file__).resolve().parent.parent / ".bench" / "search-{size}.db"
PAGE = 100  # screens.business_list.PAGE_SIZE (not imported: that would load Textual)
Query = tuple[str, str]  # (category, text)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    url = args.db or str(DEFAULT_DB).format(size=args.size)
    engine = make_engine(url)
    if args.cache_mib and is_sqlite(engine):
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute(f"PRAGMA cache_size = -{args.cache_mib * 1024}"))
    if not (args.reuse and _has_businesses(engine)):
        _build(engine, url, args.size, args.seed)
    office_id, queries = _queries(engine, args.samples, random.Random(args.seed))
    print(_environment(engine))
    print(f"{'warm' if args.warm else 'cold'}{' (evicted)' if args.evict else ''} runs; SQLite page cache "
          f"{args.cache_mib or 2} MiB" if is_sqlite(engine) else f"{'warm' if args.warm else 'cold'} runs")
    if args.warm_up and is_sqlite(engine):
        with engine.connect() as connection:
            started, cpu = time.perf_counter(), time.process_time()
            warm_search(connection, office_id)
            print(f"warm-up (storage.search_warmup): {time.perf_counter() - started:.1f} s, "
                  f"CPU {time.process_time() - cpu:.1f} s; searches map the file from now on")
    if args.only:
        queries = [query for query in queries if query[0] in args.only.split(",")]
    print(f"load average before: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    _report(engine, office_id, queries, args.warm, args.sort or DEFAULT_SORT, args.evict and is_sqlite(engine),
            not args.no_count, args.fresh)
    print(f"load average after: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    if args.launch_runs:
        _report_launch(url, args.launch_runs)


def _report_launch(url: str, runs: int) -> None:
    """Launch to the first page painted, each run a new `workbench`-like process (bench/launch.py): from
    the app's start (what the app itself costs) and from the process's start (interpreter and imports too)."""
    import tempfile

    from launch import _one as one_launch

    with tempfile.TemporaryDirectory() as folder:
        measured = [one_launch(url, Path(folder) / "device.json") for _ in range(runs)]
    from_app = [run["total_ms"] - run["before_app_ms"] for run in measured]
    from_process = [run["total_ms"] for run in measured]
    print(f"\nlaunch to first page painted, {runs} new processes (120x36, officer remembered):")
    print(f"  from app start: median {statistics.median(from_app):.0f} ms, worst {max(from_app):.0f} ms")
    print(f"  from process start (interpreter and imports included): median "
          f"{statistics.median(from_process):.0f} ms, worst {max(from_process):.0f} ms")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="SQLite file or postgresql:// URL (default: .bench/search-SIZE.db)")
    parser.add_argument("--size", type=int, default=1_000_000, help="businesses to build")
    parser.add_argument("--reuse", action="store_true", help="query the database already built there")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=60, help="queries per category")
    parser.add_argument("--warm", action="store_true", help="run each query once, untimed, before timing it")
    parser.add_argument("--evict", action="store_true",
                        help="SQLite: drop the file from the OS page cache before each timed query")
    parser.add_argument("--fresh", action="store_true",
                        help="a new connection for each timed query (the first keystroke before the warm-up)")
    parser.add_argument("--only", default="", help="comma-separated categories to run (default: all)")
    parser.add_argument("--warm-up", action="store_true",
                        help="SQLite: first read the file in as the list does after its first page (search_warmup)")
    parser.add_argument("--no-count", action="store_true", help="time the first page only (counts take minutes)")
    parser.add_argument("--launch-runs", type=int, default=5,
                        help="then launch the app this many times and time the first page (0: skip)")
    parser.add_argument("--sort", default=None, choices=["name", "registered_on", "-registered_on"],
                        help="list order (default: the list screen's default order)")
    parser.add_argument("--cache-mib", type=int, default=0,
                        help="SQLite page cache per connection (default: the engine's, 2 MiB)")
    return parser.parse_args(argv)


def _has_businesses(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT count(*) FROM (SELECT 1 FROM business LIMIT 1) AS one")).scalar())
    except Exception:
        return False


def _build(engine: Engine, url: str, size: int, seed: int) -> None:
    from workbench.services.demo import build_demo

    if is_sqlite(engine):
        engine.dispose()
        database = Path(engine.url.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    upgrade(engine)
    with _search_index_off(engine):
        summary = build_demo(engine, size=size, seed=seed, progress=_progress(started))
    print(f"\nbuilt {size:,} businesses into {normalise_url(url)} in {time.perf_counter() - started:.0f} s"
          f" (build_demo: {summary.seconds:.0f} s)")


@contextmanager
def _search_index_off(engine: Engine) -> Iterator[None]:
    """Row-by-row index upkeep (FTS5 triggers: ~0.2 ms a row; GIN) is slower than one build at the end.

    build_demo writes in its own transaction, so storage.search.bulk_load cannot wrap it from here.
    """
    with engine.begin() as connection:
        if is_sqlite(engine):
            restore = [sql for _name, sql in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'business'").all()]
            drop = "DROP TRIGGER {}"
        else:
            restore = [INDEXES[name] for name in INDEXES]
            drop = "DROP INDEX IF EXISTS {}"
        for name in ([sql.split()[2] for sql in restore]):
            connection.exec_driver_sql(drop.format(name))
    yield
    with engine.begin() as connection:
        for sql in restore:
            connection.exec_driver_sql(sql)
        if not is_sqlite(engine):  # SQLite: build_demo's own rebuild_index filled the FTS tables
            rebuild_index(connection)


def _progress(started: float) -> Callable[[int, int, str], None]:
    shown = [0.0]

    def show(done: int, total: int, what: str) -> None:
        now = time.perf_counter()
        if now - shown[0] > 5 or done == total:
            shown[0] = now
            print(f"\r{now - started:6.0f} s  {done:>9,} / {total:,}  {what}   ", end="", file=sys.stderr, flush=True)

    return show


def _queries(engine: Engine, samples: int, rng: random.Random) -> tuple[int, list[Query]]:
    """Query texts drawn from random live rows of the biggest office."""
    with engine.connect() as connection:
        office_id, top = connection.execute(text(
            "SELECT office_id, max(id) FROM business GROUP BY office_id ORDER BY count(*) DESC LIMIT 1")).one()
        picked = rng.sample(range(1, top + 1), min(top, samples * 3))
        rows = connection.execute(text(
            "SELECT name, name_pinyin, uscc, reg_no, phone FROM business WHERE deleted_at IS NULL AND id IN "
            f"({', '.join(map(str, picked))})")).all()
    queries: list[Query] = []
    for name, pinyin, uscc, reg_no, phone in rows:
        words = pinyin.split()
        queries += [("1 char", _substring(rng, name, 1)), ("2 chars", _substring(rng, name, 2)),
                    ("3-4 chars", _substring(rng, name, rng.choice((3, 4))))]
        initials, full = _pinyin(_substring(rng, name, rng.choice((3, 4))))
        if len(initials) >= 3:
            queries += [("pinyin initials (a word)", initials), ("pinyin full (a word)", full)]
        queries.append(("pinyin initials (name start)", words[0][: rng.randint(3, 6)]))
        queries.append(("pinyin full (name start)", words[-1][: rng.randint(6, 12)]))
        if uscc:
            queries.append(("code prefix", uscc[: rng.randint(8, 14)]))
            queries.append(("code end 4-6 anywhere", uscc[-rng.randint(4, 6):]))
        if reg_no:
            queries.append(("注册号 prefix", reg_no[: rng.randint(8, 12)]))
        if len(words[0]) >= 3 and words[0].isalpha():
            start = rng.randrange(1, len(words[0]) - 1)
            queries.append(("2 initials inside a name", words[0][start : start + 2]))
        if len(phone) >= 4:
            queries.append(("phone last 4", phone[-4:]))
    per_category: dict[str, list[Query]] = {}
    for query in queries:
        per_category.setdefault(query[0], []).append(query)
    return int(office_id), [query for listed in per_category.values() for query in listed[:samples]]


def _pinyin(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a piece of a name, as people type the part they remember."""
    words = search_fields(text, "", "")["name_pinyin"].split()
    return (words[0], words[-1]) if words else ("", "")


def _substring(rng: random.Random, name: str, length: int) -> str:
    length = min(length, len(name))
    start = rng.randrange(0, len(name) - length + 1)
    return name[start : start + length]


def _report(engine: Engine, office_id: int, queries: list[Query], warm: bool, sort: Sort, evict: bool,
            counts: bool = True, fresh: bool = False) -> None:
    _warm_up(engine, office_id)
    page_ms: dict[str, list[float]] = {}
    page_cpu: dict[str, list[float]] = {}
    count_ms: dict[str, list[float]] = {}
    slowest: dict[str, tuple[float, str]] = {}
    for category, query in queries:
        flt = BusinessFilter(office_id=office_id, text=query, sort=sort)
        if warm:
            _timed(engine, _first_page(flt))
            if counts:
                _timed(engine, _count(flt))
        if evict:
            _evict(engine)
        elif fresh:
            engine.dispose()
        cpu = time.process_time()
        elapsed = _timed(engine, _first_page(flt))
        page_cpu.setdefault(category, []).append((time.process_time() - cpu) * 1000)
        page_ms.setdefault(category, []).append(elapsed)
        if elapsed > slowest.get(category, (0.0, ""))[0]:
            slowest[category] = (elapsed, query)
        count_ms.setdefault(category, []).append(_timed(engine, _count(flt)) if counts else 0.0)
    print("| query | n | first page p50 | first page p95 | CPU p50 | CPU p95 | count p50 | count p95 | slowest first page |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for category, times in page_ms.items():
        count_times, cpus = count_ms[category], page_cpu[category]
        worst_ms, worst = slowest[category]
        print(f"| {category} | {len(times)} | {_p(times, 50)} | {_p(times, 95)} | {_p(cpus, 50)} | {_p(cpus, 95)} | "
              f"{_p(count_times, 50)} | {_p(count_times, 95)} | {worst_ms:.0f} ms `{worst}` |")
    print(f"order: {sort}")
    blank = BusinessFilter(office_id=office_id, sort=sort)
    print(f"\nno text: first page {_timed(engine, _first_page(blank)):.1f} ms, "
          f"count {_timed(engine, _count(blank)):.0f} ms")


def _first_page(flt: BusinessFilter) -> Callable[[Session], object]:
    return lambda session: page_businesses(session, flt, 0, PAGE)


def _count(flt: BusinessFilter) -> Callable[[Session], object]:
    return lambda session: count_businesses(session, flt)


def _warm_up(engine: Engine, office_id: int) -> None:
    for query in ("面", "温州", "zs", "9133"):
        _timed(engine, _first_page(BusinessFilter(office_id, query)))


def _evict(engine: Engine) -> None:
    """Close every connection (their page caches and memory maps go) and drop the file's cached pages."""
    engine.dispose()
    for suffix in ("", "-wal"):
        path = Path(f"{engine.url.database}{suffix}")
        if path.exists():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


def _timed(engine: Engine, work: Callable[[Session], object]) -> float:
    started = time.perf_counter()
    with Session(engine) as session:
        work(session)
    return (time.perf_counter() - started) * 1000


def _p(values: list[float], percentile: int) -> str:
    if len(values) < 2:
        return f"{values[0]:.1f} ms" if values else "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[percentile - 1]:.1f} ms"


def _environment(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM business")).scalar_one()
        version = (f"SQLite {sqlite3.sqlite_version}" if is_sqlite(engine)
                   else str(connection.execute(text("SHOW server_version")).scalar()))
    return (f"\n{rows:,} businesses; {version}; Python {platform.python_version()}; "
            f"{platform.machine()}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
