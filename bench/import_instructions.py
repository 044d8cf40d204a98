"""Instructions a register import costs, counted by valgrind: the one figure the shared machine's load does
not move (perf counters are not available in the VM; CPU seconds of the same import moved 2x minutes apart).

    .venv/bin/python bench/import_instructions.py                       # this checkout, 10,000 messy rows
    .venv/bin/python bench/import_instructions.py --tree /tmp/old      # and another checkout, same file
    .venv/bin/python bench/import_instructions.py --profile /tmp/x.prof  # cProfile instead (no valgrind)

The file is imports.sample_register.write_messy_xlsx(rows, seed 7), as bench/import_export.py's, kept in
.bench/. For each tree, two runs under `valgrind --tool=cachegrind --cache-sim=no`, each a fresh
interpreter with PYTHONHASHSEED=0, an empty config folder (XDG_CONFIG_HOME: no 地址→网格 table or rule
file of this machine's), after one run outside valgrind that writes the modules' bytecode
(PYTHONDONTWRITEBYTECODE unset, so no module is compiled in the counted runs), and the import's worker
pool off (imports.parallel.worker_count -> 0, so every instruction is in the measured process): (1) `workbench init` alone, (2) `workbench init` then
`workbench import FILE` into that empty database. The figure is (2) - (1): the import's own instructions,
without the interpreter's start, the modules' loading and the database's creation. Both runs execute the
code of the tree they are given (its directory first on sys.path), with this checkout's .venv packages.
A run of 10,000 rows takes ~3-6 minutes under valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
SEED = 7
INIT = ["init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "五马片区", "--region", "330302"]


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.child:
        _child(args.child, Path(args.tree[0]), args.db, args.file, args.profile)
        return
    workbook = _workbook(args.rows)
    trees = [Path(tree).resolve() for tree in args.tree] or [ROOT]
    if args.profile:
        with tempfile.TemporaryDirectory() as folder:
            _run(trees[0], "import", workbook, Path(folder) / "p.db", profile=args.profile)
        print(f"cProfile of {trees[0]} written to {args.profile}")
        return
    figures: dict[Path, int] = {}
    for tree in trees:
        with tempfile.TemporaryDirectory() as folder:
            _run(tree, "import", workbook, Path(folder) / "warm.db")  # compiles what the import loads (.pyc)
            counts = {step: _instructions(tree, step, workbook, Path(folder)) for step in ("init", "import")}
            if args.keep:  # for cg_annotate / cg_diff: instructions per C function
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                for step in ("init", "import"):
                    shutil.copyfile(Path(folder) / f"cachegrind.{step}.out", Path(args.keep) / f"{tree.name}.{step}.out")
        figures[tree] = counts["import"] - counts["init"]
        print(f"{tree}: init {counts['init'] / 1e9:.3f} G, init + import {counts['import'] / 1e9:.3f} G, "
              f"import {figures[tree] / 1e9:.3f} G instructions", flush=True)  # fmt: skip
    if len(trees) > 1:
        base = figures[trees[0]]
        for tree in trees[1:]:
            print(f"{tree} vs {trees[0]}: {(figures[tree] - base) / base * 100:+.2f} %")


def _workbook(rows: int) -> Path:
    from imports.sample_register import write_messy_xlsx

    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"import-messy-{rows}-{SEED}.xlsx"
    if not path.exists():
        write_messy_xlsx(path, rows, SEED)
    return path


def _instructions(tree: Path, step: str, workbook: Path, folder: Path) -> int:
    out = folder / f"cachegrind.{step}.out"
    _run(tree, step, workbook, folder / f"{step}.db",
         valgrind=["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}"])  # fmt: skip
    summary = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
    if summary is None:
        raise SystemExit(f"no summary in {out}")
    return int(summary.group(1))


def _run(tree: Path, step: str, workbook: Path, db: Path, *, valgrind: list[str] | None = None,
         profile: str | None = None) -> None:  # fmt: skip
    command = [*(valgrind or []), sys.executable, str(Path(__file__).resolve()), "--child", step, "--tree",
               str(tree), "--db", str(db), "--file", str(workbook), *(["--profile", profile] if profile else [])]  # fmt: skip
    # An empty config folder: the machine's own (an 地址→网格 table a demo wrote, say) must not change the count.
    config = db.parent / "config"
    config.mkdir(exist_ok=True)
    environment = {**os.environ, "PYTHONHASHSEED": "0", "XDG_CONFIG_HOME": str(config)}
    # The warm-up run must leave the modules' bytecode behind, or every counted run compiles the modules the
    # import loads again: with PYTHONDONTWRITEBYTECODE set (this machine's shell sets it) the counts held
    # 0.25 G (8e8018b) to 0.45 G (main, session 11) of compiling, more than most changes measured here.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{step} in {tree} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def _child(step: str, tree: Path, db: str, workbook: str, profile: str | None) -> None:
    """In the measured process: the tree's own code, no worker processes, init (and the import)."""
    sys.path.insert(0, str(tree))
    import imports.parallel as parallel

    parallel.worker_count = lambda rows: 0  # before anything imports it by name
    from workbench import cli

    _cli(cli, ["--db", db, *INIT])
    if step == "init":
        return
    profiler = None
    if profile:
        import cProfile
        import time

        profiler = cProfile.Profile(time.process_time)  # CPU time: the load's preemptions stay out
        profiler.enable()
    _cli(cli, ["--db", db, "import", workbook, "--json"])
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)


def _cli(cli: object, words: list[str]) -> None:
    import contextlib
    import io

    sys.argv = ["workbench", *words]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main()  # type: ignore[attr-defined]
        except SystemExit as stopped:
            if stopped.code not in (None, 0, 3):  # 3: imported with rows left out
                raise


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the messy list (default 10,000)")
    parser.add_argument("--tree", action="append", default=[], help="a checkout to measure (repeat; default: this one)")
    parser.add_argument("--profile", help="write a cProfile of the import (first tree) here instead of counting")
    parser.add_argument("--keep", help="copy the cachegrind output files into this folder")
    parser.add_argument("--child", choices=("init", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
