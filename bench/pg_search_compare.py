"""PostgreSQL search: this tree's plan against a reference tree's, on the same database, in one run.

    .venv/bin/python bench/pg_bench_server.py                     # once: a kept server, prints its URL
    .venv/bin/python bench/search.py --db URL --samples 60         # once: builds 1,000,000 businesses
    git archive HEAD | tar -x -C /tmp/wb_before                     # the reference: the committed code
    .venv/bin/python bench/pg_search_compare.py --db URL --reference /tmp/wb_before [--cold]

The machine is shared, so wall times drift with other people's work: each category runs with the
reference tree and then with this one, back to back, so both see the same load. Queries are
bench/search.py's (same seed, same draw). Besides wall-clock p50/p95 of the first page and of the
count, it reports CPU seconds: this client's and the PostgreSQL backend's (from /proc, the server
runs on this machine), summed over the category; they drift far less with load than wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--reference", type=Path, help="another checkout of the code to compare with")
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="no untimed run of each query first")
    parser.add_argument("--only", action="append", help="categories to run (substring match)")
    parser.add_argument("--reference-only", action="store_true", help="run the reference tree alone")
    parser.add_argument("--no-count", action="store_true", help="first pages only (counts take minutes)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--category", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    trees = ([("before", args.reference)] if args.reference else []) + [("after", ROOT)]
    trees = trees[:1] if args.reference_only else trees
    categories = _categories(args)
    print(_load("start"))
    results: dict[str, dict[str, Any]] = {}
    for category in categories:
        for label, tree in trees:
            results[f"{category}|{label}"] = _run_worker(args, tree, category)
    print(_load("end"))
    print(f"{'cold' if args.cold else 'warm'}, {args.samples} queries per category\n")
    print(
        "| query | tree | page p50 | page p95 | page CPU s (server+client) | count p50 | count p95 | count server CPU s "
        "| slowest page |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for category in categories:
        for label, _tree in trees:
            r = results[f"{category}|{label}"]
            print(
                f"| {category} | {label} | {_p(r['page'], 50)} | {_p(r['page'], 95)} | "
                f"{r['page_server']:.2f}+{r['page_client']:.2f} | {_p(r['count'], 50)} | {_p(r['count'], 95)} | "
                f"{r['count_server']:.2f} | "
                f"{r['slowest'][0]:.0f} ms `{r['slowest'][1]}` |"
            )


def _load(when: str) -> str:
    return f"load average at {when}: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"


def _categories(args: argparse.Namespace) -> list[str]:
    bench = _bench_module()
    engine = _engine(args.db)
    _office, queries = bench._queries(engine, args.samples, __import__("random").Random(args.seed))
    names = list(dict.fromkeys(category for category, _ in queries))
    return [name for name in names if not args.only or any(part in name for part in args.only)]


def _run_worker(args: argparse.Namespace, tree: Path, category: str) -> dict[str, Any]:
    command = (
        [
            sys.executable,
            str(Path(__file__)),
            "--db",
            args.db,
            "--worker",
            str(tree),
            "--category",
            category,
            "--samples",
            str(args.samples),
            "--seed",
            str(args.seed),
        ]
        + (["--cold"] if args.cold else [])
        + (["--no-count"] if args.no_count else [])
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tree)
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(args.worker))
    import random

    from sqlalchemy import text
    from sqlmodel import Session

    from storage.queries import BusinessFilter, count_businesses, page_businesses

    bench = _bench_module(args.worker)
    engine = _engine(args.db)
    office_id, queries = bench._queries(engine, args.samples, random.Random(args.seed))
    texts = [query for category, query in queries if category == args.category]
    with engine.connect() as connection:  # one pooled connection: the same backend throughout
        backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    bench._warm_up(engine, office_id)
    page: list[float] = []
    count: list[float] = []
    slowest = (0.0, "")
    cpu = {"page_server": 0.0, "page_client": 0.0, "count_server": 0.0}
    for query in texts:
        flt = BusinessFilter(office_id=office_id, text=query)
        if not args.cold:
            with Session(engine) as session:
                page_businesses(session, flt, 0, bench.PAGE)
                if not args.no_count:
                    count_businesses(session, flt)
        server, client, started = _backend_cpu(backend), time.process_time(), time.perf_counter()
        with Session(engine) as session:
            page_businesses(session, flt, 0, bench.PAGE)
        page.append((time.perf_counter() - started) * 1000)
        cpu["page_server"] += _backend_cpu(backend) - server
        cpu["page_client"] += time.process_time() - client
        slowest = max(slowest, (page[-1], query))
        if args.no_count:
            count.append(0.0)
            continue
        server, started = _backend_cpu(backend), time.perf_counter()
        with Session(engine) as session:
            count_businesses(session, flt)
        count.append((time.perf_counter() - started) * 1000)
        cpu["count_server"] += _backend_cpu(backend) - server
    result = {"page": page, "count": count, "slowest": slowest, **cpu}
    print(json.dumps(result))


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine

    from storage.engine import normalise_url

    return create_engine(normalise_url(url), pool_size=1, max_overflow=0)


def _bench_module(tree: Path = ROOT) -> Any:
    """bench/search.py of the tree measured: its imports must be that tree's."""
    spec = importlib.util.spec_from_file_location("bench_search", tree / "bench" / "search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _p(values: list[float], percentile: int) -> str:
    return f"{statistics.quantiles(values, n=100, method='inclusive')[percentile - 1]:.1f} ms"


if __name__ == "__main__":
    main()
