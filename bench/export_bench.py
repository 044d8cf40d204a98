"""Register export at scale: `export_register` vs xlsxwriter (constant_memory) merely writing the same cells.

    .venv/bin/python bench/export_bench.py                 # 100,000 businesses (.bench/export-100000.db, built once)
    .venv/bin/python bench/export_bench.py --db .bench/search-1000000.db --export-only   # 1,000,000: time, RSS
    .venv/bin/python bench/export_bench.py --openpyxl      # also openpyxl write_only writing the same cells

The floor is xlsxwriter in constant_memory mode writing exactly the cells the export writes (values taken
from an export read back), given as ready Python values: no database, no masking, no width measuring.
The export is the whole thing a person waits for: count, query, mask, format, write, log, rename.
CPU seconds (reading SQLite is in-process), min of interleaved runs, so other work on the machine
stays out of the ratio; wall seconds are printed too. Target (issue 3): export <= 1.5x the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
import xlsxwriter
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from imports.export import DATA_SHEET, export_register
from storage.audit import Actor
from storage.engine import make_engine
from storage.queries import BusinessFilter
from storage.schema import upgrade
from storage.tables import Business

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
DATE_COLUMNS = {"成立日期"}


def bench_export(engine: Engine, *, runs: int = 3, with_openpyxl: bool = False) -> dict[str, float]:
    """Time the export of the biggest office against the floor; prints and returns the figures."""
    office_id, size = _biggest_office(engine)
    actor = Actor("基准测试", platform.node(), office_id)
    flt = BusinessFilter(office_id=office_id, sort="name")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def export() -> None:
            with Session(engine) as session:
                export_register(session=session, actor=actor, flt=flt, path=out / "export.xlsx")

        export()  # warm: the OS cache holds the database, as it does for the second export of a day
        headers, rows = _cells(out / "export.xlsx")
        contenders: list[tuple[str, Callable[[], None]]] = [
            ("export", export),
            ("xlsxwriter", lambda: _xlsxwriter(out / "floor.xlsx", headers, rows)),
        ]
        if with_openpyxl:
            contenders.append(("openpyxl", lambda: _openpyxl(out / "openpyxl.xlsx", headers, rows)))
        cpu: dict[str, list[float]] = {name: [] for name, _run in contenders}
        wall: dict[str, list[float]] = {name: [] for name, _run in contenders}
        for _ in range(runs):
            for name, run in contenders:
                started_cpu, started_wall = time.process_time(), time.perf_counter()
                run()
                cpu[name].append(time.process_time() - started_cpu)
                wall[name].append(time.perf_counter() - started_wall)
        peak = _peak_mib(export)
        file_mib = (out / "export.xlsx").stat().st_size / 2**20
    figures = {f"{name}_cpu": min(values) for name, values in cpu.items()}
    figures |= {f"{name}_wall": min(values) for name, values in wall.items()}
    figures |= {
        "rows": size,
        "ratio": figures["export_cpu"] / figures["xlsxwriter_cpu"],
        "peak_mib": peak,
        "file_mib": file_mib,
    }
    _print(figures, runs, with_openpyxl)
    return figures


def bench_export_only(engine: Engine) -> dict[str, float]:
    """One export, no floor (the floor holds every cell in memory): for 1,000,000 rows; peak RSS."""
    office_id, size = _biggest_office(engine)
    flt = BusinessFilter(office_id=office_id, sort="name")
    with tempfile.TemporaryDirectory() as folder, Session(engine) as session:
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        export_register(
            session=session,
            actor=Actor("基准测试", platform.node(), office_id),
            flt=flt,
            path=Path(folder) / "export.xlsx",
        )
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
        file_mib = (Path(folder) / "export.xlsx").stat().st_size / 2**20
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{size:,} businesses: export_register {cpu:.1f} s CPU, {wall:.1f} s wall, file {file_mib:.0f} MiB, "
        f"peak RSS of the process {peak_rss:.0f} MiB"
    )
    return {"rows": size, "cpu": cpu, "wall": wall, "peak_rss_mib": peak_rss}


def _biggest_office(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        office_id, size = connection.execute(
            text(
                "SELECT office_id, count(*) FROM business WHERE deleted_at IS NULL "
                "GROUP BY office_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
    return int(office_id), int(size)


def _cells(path: Path) -> tuple[list[str], list[list[Any]]]:
    """The cells of an export as Python values (dates as dates), read back with calamine."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(DATA_SHEET).to_python()
    headers = [str(cell) for cell in sheet[0]]
    return headers, [[None if cell == "" else cell for cell in row] for row in sheet[1:]]


def _xlsxwriter(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    """The floor: the same cells with the same kinds of format, nothing else."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    number = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet(DATA_SHEET)
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(index, column, value, text)
            elif isinstance(value, dt.date):
                sheet.write_datetime(index, column, value, day)
            else:
                sheet.write_number(index, column, value, number)
    workbook.close()


def _openpyxl(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _peak_mib(run: Callable[[], None]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _print(figures: dict[str, float], runs: int, with_openpyxl: bool) -> None:
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs (shared), "
        f"min of {runs} interleaved runs"
    )
    print(f"{int(figures['rows']):,} businesses, file {figures['file_mib']:.1f} MiB")
    print(
        f"  export_register          {figures['export_cpu']:7.2f} s CPU  {figures['export_wall']:7.2f} s wall"
    )
    print(
        f"  xlsxwriter same cells    {figures['xlsxwriter_cpu']:7.2f} s CPU  {figures['xlsxwriter_wall']:7.2f} s wall"
    )
    if with_openpyxl:
        print(
            f"  openpyxl write_only      {figures['openpyxl_cpu']:7.2f} s CPU  {figures['openpyxl_wall']:7.2f} s wall"
        )
    print(f"  ratio export / floor     {figures['ratio']:7.2f}   (target <= 1.5)")
    print(f"  export peak Python heap  {figures['peak_mib']:7.1f} MiB (tracemalloc)")


def _ready_database(url: str | None, size: int) -> Engine:
    if url is not None:
        return make_engine(url)
    path = BENCH_DIR / f"export-{size}.db"
    engine = make_engine(str(path))
    upgrade(engine)
    with Session(engine) as session:
        built = session.execute(select(func.count()).select_from(Business)).scalar_one()
    if not built:
        from workbench.services.demo import build_demo

        started = time.perf_counter()
        build_demo(engine, size=size, seed=1, today=dt.date(2025, 6, 15))
        print(f"built {size:,} businesses into {path} in {time.perf_counter() - started:.0f} s")
    return engine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="a database to export from (default: .bench/export-SIZE.db, built once)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl write_only")
    parser.add_argument(
        "--export-only", action="store_true", help="one export, no floor (for 1,000,000 rows)"
    )
    args = parser.parse_args(argv)
    engine = _ready_database(args.db, args.size)
    try:
        if args.export_only:
            bench_export_only(engine)
        else:
            bench_export(engine, runs=args.runs, with_openpyxl=args.openpyxl)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
