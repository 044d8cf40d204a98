"""The first ever reclassification of an office, as a user runs it: `workbench --db URL classify` (issue 17).

    .venv/bin/python bench/classify_first.py --db postgresql://postgres@127.0.0.1:55440/bench \\
        --tree /work/main --tree /work/wt/pgclassify --rounds 3

The database must hold a register (e.g. the 1M demo office). Before every run it is put back into the
"never classified" state: every classification result and history row and the classification change-log
rows deleted (PostgreSQL: TRUNCATE of the two classification tables, DELETE of the change-log rows, then
VACUUM FULL ANALYZE of the three tables, so that every run starts from the same compact tables and
statistics; SQLite: DELETE and VACUUM). The reset is not timed. Then the whole command runs as a process
(interpreter start, imports, rules, the recompute, the commit), once per --tree in turn (the tree goes
first on PYTHONPATH; the venv's `workbench` script is the same), round after round, so that the trees
meet the same load. Each line gives the wall seconds, the CPU seconds of the command and its worker
processes, the CPU seconds of the whole PostgreSQL cluster over the run (server processes of the same
machine, from /proc: the postmaster's own and reaped children's time plus its live children's) and the
load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.engine import is_sqlite, make_engine  # noqa: E402

WORKBENCH = Path(sys.executable).parent / "workbench"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="SQLite file or postgresql:// URL holding a register")
    parser.add_argument("--tree", action="append", type=Path, help="source tree to run (repeatable)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--who", default=None, help="officer name for --who (default: the office's first)")
    parser.add_argument("--reset-only", action="store_true", help="only put the database back, run nothing")
    args = parser.parse_args(argv)
    engine = make_engine(args.db)
    if args.reset_only:
        reset(engine)
        return
    who = args.who or _first_officer(engine)
    trees = args.tree or [ROOT]
    config = Path(os.environ.get("TMPDIR", "/tmp")) / f"classify-first-{os.getpid()}"
    for round_number in range(1, args.rounds + 1):
        for tree in trees:
            reset(engine)
            line = run_command(args.db, tree, who, config)
            print(f"round {round_number} {tree}: {line}", flush=True)
    engine.dispose()


def reset(engine: Engine) -> None:
    """Back to "never classified": no results, no history, no classification change-log rows."""
    with engine.begin() as connection:
        if is_sqlite(engine):
            connection.execute(text("DELETE FROM classification_history"))
            connection.execute(text("DELETE FROM classification_result"))
        else:
            connection.execute(text("TRUNCATE classification_history, classification_result"))
        connection.execute(
            text("DELETE FROM change_log WHERE entity IN ('classification', 'classification_run')")
        )
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if is_sqlite(engine):
            connection.exec_driver_sql("VACUUM")
        else:
            connection.exec_driver_sql("VACUUM FULL ANALYZE change_log, classification_result, classification_history")
            connection.exec_driver_sql("CHECKPOINT")


def run_command(url: str, tree: Path, who: str, config: Path) -> str:
    environment = dict(os.environ, PYTHONPATH=str(tree), XDG_CONFIG_HOME=str(config / "config"),
                       XDG_DATA_HOME=str(config / "data"))  # fmt: skip
    server_before = _cluster_cpu(url)
    children_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [str(WORKBENCH), "--db", url, "classify", "--who", who, "--json"],
        env=environment, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    client = _children_cpu() - children_before
    server = _cluster_cpu(url) - server_before
    if done.returncode:
        raise SystemExit(f"workbench classify failed ({done.returncode}): {done.stderr[-2000:]}")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    cluster = f" + {server:5.1f} s server" if server else ""
    return f"{wall:6.1f} s wall, CPU {client:5.1f} s command and workers{cluster}; load {load}"


def _first_officer(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT name FROM officer ORDER BY id LIMIT 1")).scalar_one())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cluster_cpu(url: str) -> float:
    """CPU seconds of the local PostgreSQL cluster so far (0 for SQLite or a server not on this machine)."""
    if not url.startswith("postgresql"):
        return 0.0
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            folder = connection.exec_driver_sql("SHOW data_directory").scalar_one()
    finally:
        engine.dispose()
    try:
        postmaster = int(Path(folder, "postmaster.pid").read_text().split()[0])
    except OSError:
        return 0.0
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster:  # its own time and that of the children it has reaped (ended sessions)
            total += sum(int(value) for value in fields[11:15]) / tick
        elif parent == postmaster:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


if __name__ == "__main__":
    main()
