"""`workbench import` as a person runs it, against a floor run the same way, into a full or an empty register.

    .venv/bin/python bench/demo_build.py --size 1000000                  # the 1M register, once (.bench/)
    .venv/bin/python bench/import_full.py                                # 100,000 rows into a copy of it
    .venv/bin/python bench/import_full.py --empty                        # into an empty database
    .venv/bin/python bench/import_full.py --register other.db --rows 20000 --runs 3

Both contenders are whole processes, interpreter start and module imports included, each given its own
copy of the register (copying is not timed):
  floor: `python -c` reading the sheet with python-calamine and inserting the same rows, cell for cell, into
         the copy's `business` table with sqlite3 executemany, with the table's indexes and search triggers
         in place (the raw cells go to the columns they name; a uuid per row, the rest the columns' defaults);
         with --empty, into a new plain table instead (as bench/import_export.py's floor: an empty register
         has no index worth keeping, and the import itself builds the search index once there);
  import: the installed `workbench --db COPY import FILE --json` command (empty config folder).
Measured per process tree: wall seconds, CPU seconds (user + system of the process and its waited-for
children, the import's worker processes included, from wait4), and peak memory as PSS summed over the
process and all its descendants, sampled every 50 ms from /proc/PID/smaps_rollup (shared pages counted
once). The memory is measured in runs of its own (--memory-runs, after the timed pairs): reading
smaps_rollup walks the page tables of a 400 MB process, ~12 ms of CPU a sample, a fifth of a CPU at 50 ms
and the process's memory lock besides, which slowed the timed import by ~0.5-1 s on 2 CPUs (session 15).
Runs alternate which contender goes first (paired, interleaved); the load average is printed with
each pair. The workbook is imports.sample_register.write_messy_xlsx (seed 7), as in bench/import_export.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
SHEET = "登记名录"
HEADER_INDEX = 2
# The sample list's headers (imports.sample_register.HEADERS) and the business columns the floor writes them to.
FLOOR_COLUMNS = {
    "统一社会信用代码": "uscc", "注册号": "reg_no", "个体工商户名称": "name", "经营者": "operator",
    "身份证号": "id_number", "联系电话": "phone", "经营场所": "address", "成立日期": "registered_on",
    "登记状态": "status", "行业代码": "industry_code", "资金数额（万元）": "capital", "从业人员": "employees",
    "组成形式": "composition",
}  # fmt: skip

FLOOR = r"""
import sqlite3, sys, uuid
import python_calamine
path, db, sheet_name, header_index, mapping = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), eval(sys.argv[5])
read = [list(row) for row in python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name(sheet_name).iter_rows()]
header, body = read[header_index], read[header_index + 1:]
positions = [(header.index(label), column) for label, column in mapping.items()]
connection = sqlite3.connect(db)
office_id = connection.execute("SELECT min(id) FROM office").fetchone()[0]
# the NOT NULL columns the list does not fill, as a new row of the app holds them
fixed = {"version": 1, "office_id": office_id, "updated_by": "", "device": "", "kind": "individual",
         "industry_code_version": "2017", "suspended": 0, "abnormal": 0, "tags": "", "name_pinyin": "", "search_chars": ""}
required = {"name", "operator", "phone", "address", "status"}
columns = ["uuid", *fixed, *[column for _position, column in positions]]
rows = []
for row in body:
    row = row + [None] * (len(header) - len(row))
    cells = [row[position] if row[position] != "" else ("" if column in required else None) for position, column in positions]
    rows.append((str(uuid.uuid4()), *fixed.values(), *cells))
table = "business"
if sys.argv[6] == "plain":  # into an empty database: a new table of the cells, no index (bench/import_export.py's)
    table = "raw"
    connection.execute(f"CREATE TABLE raw ({', '.join(columns)})")
statement = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
connection.execute("BEGIN IMMEDIATE")
connection.executemany(statement, rows)
connection.commit()
connection.close()
print(len(rows))
"""

# `workbench` from the checkout first on PYTHONPATH (--tree): its own entry point, whichever it has.
RUN_TREE = (
    "import sys; from workbench import cli; sys.argv[0] = 'workbench'; "
    "sys.exit((getattr(cli, 'console_main', None) or cli.main)())"
)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    workbook = _workbook(args.rows)
    register = None if args.empty else Path(args.register)
    if register is not None and not register.exists():
        raise SystemExit(f"{register} is missing: build it with bench/demo_build.py --size 1000000")
    results: dict[str, list[dict[str, float]]] = {"floor": [], "import": []}
    memory: dict[str, list[float]] = {"floor": [], "import": []}
    with tempfile.TemporaryDirectory(dir=args.workdir or BENCH_DIR) as folder:
        for run in range(args.runs):
            order = ("floor", "import") if run % 2 == 0 else ("import", "floor")
            for name in order:
                db = Path(folder) / f"{name}-{run}.db"
                _fresh_copy(register, db)
                figures = _measure(name, workbook, db, Path(folder), args.tree, plain_floor=args.empty)
                figures["load"] = round(os.getloadavg()[0], 2)
                results[name].append(figures)
                print(f"run {run + 1} {name}: {figures}", file=sys.stderr, flush=True)
                for leftover in Path(folder).glob(f"{name}-{run}.db*"):
                    leftover.unlink()
        for run in range(args.memory_runs):
            for name in ("floor", "import") if run % 2 == 0 else ("import", "floor"):
                db = Path(folder) / f"{name}-memory-{run}.db"
                _fresh_copy(register, db)
                figures = _measure(name, workbook, db, Path(folder), args.tree, plain_floor=args.empty, memory=True)
                memory[name].append(figures["pss_mb"])
                print(f"memory run {run + 1} {name}: {figures}", file=sys.stderr, flush=True)
                for leftover in Path(folder).glob(f"{name}-memory-{run}.db*"):
                    leftover.unlink()
    _print(results, memory, args, workbook)


def _workbook(rows: int) -> Path:
    workbook = BENCH_DIR / f"import-messy-{rows}-7.xlsx"
    if not workbook.exists():
        from imports.sample_register import write_messy_xlsx

        BENCH_DIR.mkdir(exist_ok=True)
        write_messy_xlsx(workbook.with_suffix(".tmp.xlsx"), rows, seed=7).rename(workbook)
    return workbook


def _fresh_copy(register: Path | None, db: Path) -> None:
    """A copy of the register (its WAL checkpointed first), or a new initialised office."""
    if register is None:
        subprocess.run(
            [str(Path(sys.executable).parent / "workbench"), "--db", str(db), "init", "--office", "五马市场监管所",
             "--officer", "陈晓东", "--officer", "林丽丽", "--officer", "王建国",
             *[arg for number in range(1, 13) for arg in ("--grid", f"五马网格{number}")]],
            check=True, stdout=subprocess.DEVNULL, env=_environment(db.parent),
        )  # fmt: skip
        return
    import sqlite3

    with sqlite3.connect(register) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(register, db)


def _environment(folder: Path) -> dict[str, str]:
    config = folder / "config"
    config.mkdir(exist_ok=True)  # an empty config folder: no 地址→网格 table a demo left behind
    return {**os.environ, "XDG_CONFIG_HOME": str(config)}


def _measure(
    name: str, workbook: Path, db: Path, folder: Path, tree: str | None, *, plain_floor: bool, memory: bool = False
) -> dict[str, float]:
    python = sys.executable
    if name == "floor":
        plain = "plain" if plain_floor else "business"
        command = [
            python,
            "-c",
            FLOOR,
            str(workbook),
            str(db),
            SHEET,
            str(HEADER_INDEX),
            repr(FLOOR_COLUMNS),
            plain,
        ]
    elif tree is not None:  # that checkout's own entry point (the installed script names this one's)
        command = [python, "-c", RUN_TREE, "--db", str(db), "import", str(workbook), "--json"]
    else:
        command = [
            str(Path(sys.executable).parent / "workbench"),
            "--db",
            str(db),
            "import",
            str(workbook),
            "--json",
        ]
    log = folder / f"{name}.log"
    with open(log, "w+b") as output:
        started = time.perf_counter()
        environment = _environment(folder)
        if tree is not None and name == "import":
            environment["PYTHONPATH"] = tree
        process = subprocess.Popen(command, stdout=output, stderr=output, env=environment)
        peak = _PssSampler(process.pid)
        if memory:
            peak.start()
        _pid, status, usage = os.wait4(process.pid, 0)  # the tree's CPU: waited-for children included
        wall = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if memory:
            peak.stop()
    if code not in (0, 3):  # 3: the messy list's bad rows are (rightly) refused
        raise SystemExit(f"{name} failed ({code}): {log.read_text()[-2000:]}")
    return {"seconds": round(wall, 2), "cpu": round(usage.ru_utime + usage.ru_stime, 2),
            "pss_mb": round(peak.peak_kib / 1024, 1) if memory else None, "rows": _rows(db)}  # fmt: skip


def _rows(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM business").fetchone()[0])


class _PssSampler(threading.Thread):
    """Peak of the summed PSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_kib = max(self.peak_kib, sum(map(_pss_kib, _tree(self.pid))))
            self._done.wait(0.05)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    waiting += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _print(
    results: dict[str, list[dict[str, float]]], memory: dict[str, list[float]], args: argparse.Namespace,
    workbook: Path,
) -> None:
    where = "an empty database" if args.empty else f"a copy of {args.register}"
    print(f"\n{args.rows:,} rows of {workbook.name} into {where}; {os.cpu_count()} CPUs; whole processes")
    print("| run | floor wall / CPU s | import wall / CPU s | CPU ratio | wall ratio | load |")
    print("|---|---:|---:|---:|---:|---:|")
    for run, (floor, imported) in enumerate(zip(results["floor"], results["import"], strict=True), start=1):
        print(
            f"| {run} | {floor['seconds']:.1f} / {floor['cpu']:.1f} | {imported['seconds']:.1f} / "
            f"{imported['cpu']:.1f} | {imported['cpu'] / floor['cpu']:.2f}x | "
            f"{imported['seconds'] / floor['seconds']:.2f}x | {floor['load']:.1f}-{imported['load']:.1f} |"
        )
    if memory["import"]:
        print(f"peak PSS over all processes (runs of their own): import {max(memory['import']):.0f} MB, "
              f"floor {max(memory['floor']):.0f} MB")  # fmt: skip
    print(json.dumps({"timed": results, "pss_mb": memory}))


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--register", default=str(BENCH_DIR / "demo-1000000.db"))
    parser.add_argument("--empty", action="store_true", help="import into an empty, initialised database")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2, help="pairs, alternating which contender goes first")
    parser.add_argument(
        "--tree",
        default=None,
        help="run the import with another checkout's code (PYTHONPATH), e.g. git archive",
    )
    parser.add_argument("--memory-runs", type=int, default=1, help="runs of each with the PSS sampler, untimed")
    parser.add_argument("--workdir", default=None, help="where the copies go (default: .bench)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
