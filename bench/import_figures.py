"""经营数据 and 许可证 imports at scale (issue 15): `workbench import` against the raw floor, in the same run.

    .venv/bin/python bench/import_figures.py                         # 200,000-business register
    .venv/bin/python bench/import_figures.py --size 1000000 --runs 1  # the issue's 1,000,000 (builds for minutes)

The register is `workbench demo --size SIZE --seed 1` classified once by `workbench classify` (kept in
.bench/figures-register-SIZE.db and reused: building 1,000,000 takes minutes). The lists are real xlsx
files written from that register: FIGURES businesses × 3 years of 经营数据 (营业收入（万元）, 纳税额（万元）,
从业人数, 参保人数; the demo already holds some of those years, so some rows are updates) and LICENCES
food licences (JY numbers, a 有效期限 range in one cell). Each contender runs in its own fresh process on
its own copy of the register (the copy is not timed):
  (a) floor: python-calamine reads the sheet, sqlite3 executemany inserts the same rows, as they are,
      into a table of the copy;
  (b) `workbench import FILE` (the CLI command itself): sniff, header, kind, normalise, match by code,
      sum, compare with the stored years or licences, write with change log, import record, and the
      reclassification of every business touched, in one transaction.
Target: (b) <= 3x (a), CPU seconds (as bench/import_export.py: other jobs on the shared machine stay out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
YEARS = (2023, 2024, 2025)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.child:
        print(json.dumps(_child(args.child, Path(args.file), args.db)))
        return
    register = _register(args.size)
    _upgrade(register)
    lists = {}
    if args.kind in (None, "figures"):
        lists["figures"] = _figures_list(register, args.size, args.figures)
    if args.kind in (None, "licences"):
        lists["licences"] = _licence_list(register, args.size, args.licences)
    if args.phases:
        for kind, workbook in lists.items():
            with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
                copy = Path(folder) / "phases.db"
                shutil.copyfile(register, copy)
                print(f"{kind}: {_run_child('phases', workbook, str(copy))}", flush=True)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        best: dict[str, dict[str, float]] = {}
        for run in range(args.runs):
            for kind, workbook in lists.items():
                for contender in ("raw", "import"):
                    copy = Path(folder) / f"{kind}-{contender}-{run}.db"
                    shutil.copyfile(register, copy)
                    figures = _run_child(contender, workbook, str(copy))
                    copy.unlink()
                    name = f"{kind}_{contender}"
                    print(f"run {run + 1} {name}: {figures}", file=sys.stderr)
                    if name not in best or figures["cpu"] < best[name]["cpu"]:
                        best[name] = figures
    _print(args, best)


def _print(args: argparse.Namespace, best: dict[str, dict[str, float]]) -> None:
    print(f"\nregister of {args.size:,} businesses; load average {os.getloadavg()[0]:.2f}")
    for kind, rows in (("figures", args.figures * len(YEARS)), ("licences", args.licences)):
        if f"{kind}_raw" not in best:
            continue
        raw, done = best[f"{kind}_raw"], best[f"{kind}_import"]
        print(f"{kind}: {rows:,} rows")
        print(f"  (a) floor   {raw['seconds']:7.2f} s wall {raw['cpu']:7.2f} CPU-s  peak {raw['peak_mb']:,.0f} MB")
        print(f"  (b) import  {done['seconds']:7.2f} s wall {done['cpu']:7.2f} CPU-s  peak {done['peak_mb']:,.0f} MB"
              f"  ({done['written']})")
        print(f"  (b)/(a) = {done['cpu'] / raw['cpu']:.2f}x CPU, {done['seconds'] / raw['seconds']:.2f}x wall (target <= 3x)")


def _register(size: int) -> Path:
    """The demo register of `size` businesses, classified: built once, then reused."""
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"figures-register-{size}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".building.db")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    for command in (["demo", "--size", str(size), "--seed", "1"], ["classify"]):
        subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(partial), *command], check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    partial.rename(path)
    print(f"built the register of {size:,} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def _upgrade(register: Path) -> None:
    """The kept register at this code's schema before it is copied: a migration is no part of an import."""
    from storage.engine import make_engine
    from storage.schema import upgrade

    engine = make_engine(str(register))
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _sample(register: Path, count: int) -> list[tuple[str, str, str]]:
    """(credit code, name, address) of `count` businesses spread over the register."""
    import sqlite3

    connection = sqlite3.connect(register)
    try:
        total = connection.execute("SELECT count(*) FROM business WHERE uscc IS NOT NULL").fetchone()[0]
        step = max(1, total // count)
        rows = connection.execute(
            "SELECT uscc, name, address FROM business WHERE uscc IS NOT NULL AND id % ? = 0 ORDER BY id LIMIT ?",
            (step, count),
        ).fetchall()
    finally:
        connection.close()
    return [(str(code), str(name), str(address)) for code, name, address in rows]


def _figures_list(register: Path, size: int, businesses: int) -> Path:
    path = BENCH_DIR / f"figures-{size}-{businesses}.xlsx"
    if path.exists():
        return path
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("经营数据")
    sheet.write_row(0, 0, ["鹿城区个体工商户经营数据（税务部门提供）"])
    sheet.write_row(1, 0, ["序号", "统一社会信用代码", "纳税人名称", "所属年度", "营业收入（万元）", "纳税额（万元）",
                           "从业人数", "参保人数"])  # fmt: skip
    line = 2
    for serial, (code, name, _address) in enumerate(_sample(register, businesses)):
        for year in YEARS:
            revenue = (serial * 37 + year) % 4000 / 10  # 0 - 400 万
            sheet.write_row(line, 0, [line - 1, code, name, year, revenue, round(revenue * 0.01, 2),
                                      1 + serial % 9, serial % 6])  # fmt: skip
            line += 1
    book.close()
    return path


def _licence_list(register: Path, size: int, licences: int) -> Path:
    path = BENCH_DIR / f"licences-{size}-{licences}.xlsx"
    if path.exists():
        return path
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("许可证")
    sheet.write_row(0, 0, ["序号", "许可证编号", "经营者名称", "社会信用代码", "经营场所", "发证日期", "有效期限",
                           "许可项目"])  # fmt: skip
    for serial, (code, name, address) in enumerate(_sample(register, licences), start=1):
        issued = date(2021, 1, 1) + timedelta(days=serial % 1400)
        expires = issued + timedelta(days=5 * 365)
        sheet.write_row(serial, 0, [serial, f"JY1330302{serial:07d}", name, code, address, issued.isoformat(),
                                    f"{issued.isoformat()}至{expires.isoformat()}", "预包装食品销售"])  # fmt: skip
    book.close()
    return path


def _run_child(name: str, workbook: Path, db: str) -> dict[str, float]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__)), "--child", name, "--file", str(workbook), "--db", db],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: {output}")
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    figures["peak_mb"] = round(usage.ru_maxrss / 1024, 1)
    return figures


def _child(name: str, workbook: Path, db: str) -> dict[str, float]:
    """Runs in the measured process: the work only, timed from here (imports loaded first)."""
    import resource

    if name == "import":
        import imports.list_commit  # noqa: F401
        import workbench.cli  # noqa: F401

    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    if name == "phases":
        return _phases(workbook, db)
    wall, cpu, before = time.perf_counter(), time.process_time(), children()
    written = _raw_floor(workbook, db) if name == "raw" else _workbench_import(workbook, db)
    return {
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu": round(time.process_time() - cpu + children() - before, 3),
        "written": written,  # type: ignore[dict-item]
    }


def _raw_floor(workbook: Path, db: str) -> str:
    import sqlite3

    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(workbook))
    read = [list(row) for row in book.get_sheet_by_index(0).iter_rows()]
    start = next(index for index, row in enumerate(read) if row and row[0] == "序号") + 1
    rows = [tuple(row) for row in read[start:]]
    connection = sqlite3.connect(db)
    width = len(rows[0])
    connection.execute(f"CREATE TABLE raw ({', '.join(f'c{index}' for index in range(width))})")
    connection.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * width)})", rows)
    connection.commit()
    connection.close()
    return f"{len(rows):,} rows"


def _phases(workbook: Path, db: str) -> dict[str, float]:
    """CPU seconds of each phase of the same import, called directly in this process (--phases)."""
    from imports.figures_plan import plan_figures
    from imports.licenses_plan import plan_licenses
    from imports.list_commit import commit_list
    from imports.parse import parse_list_file
    from storage.audit import Actor
    from storage.engine import make_engine
    from workbench.domain.labels import ImportKind
    from workbench.services.classification import load_rules

    engine = make_engine(db)
    actor = Actor(who="bench", device="bench", office_id=1)
    rules, _problem = load_rules(None)
    clock = time.process_time()
    figures: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        figures[name] = round(time.process_time() - clock, 2)
        clock = time.process_time()

    parsed = parse_list_file(workbook)
    lap("open, header, kind")
    rows = list(parsed.rows)
    parsed.rows = iter(rows)
    lap("read and clean rows")
    if parsed.kind is ImportKind.FIGURES:
        plan = plan_figures(engine, parsed, office_id=1)
    else:
        plan = plan_licenses(engine, parsed, office_id=1)
    lap("dry run: match, compare")
    result = commit_list(engine, plan, actor=actor, rules=rules)
    lap("commit: writes, reclassification")
    figures["reclassified"] = result.reclassified
    engine.dispose()
    return figures


def _workbench_import(workbook: Path, db: str) -> str:
    import contextlib
    import io

    from workbench import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            cli.app(["--db", db, "import", str(workbook), "--json"], standalone_mode=False)
        except SystemExit as stopped:
            if stopped.code not in (None, 0, 3):
                raise
    summary = json.loads(out.getvalue())
    committed = summary["committed"]
    return (f"{committed['written']}, reclassified {committed['reclassified']:,}, "
            f"{committed['tier_changes']:,} moved tier")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200_000, help="businesses in the register")
    parser.add_argument("--figures", type=int, default=100_000, help="businesses in the 经营数据 list (× 3 years)")
    parser.add_argument("--licences", type=int, default=50_000, help="rows of the 许可证 list")
    parser.add_argument("--runs", type=int, default=1, help="interleaved runs; the best of each is kept")
    parser.add_argument("--kind", choices=("figures", "licences"), help="only this list (default: both)")
    parser.add_argument("--workdir", default=None, help="where the copies of the register go (default: /tmp)")
    parser.add_argument("--phases", action="store_true", help="CPU seconds per phase of the import, in one process")
    parser.add_argument("--child", choices=("raw", "import", "phases"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
