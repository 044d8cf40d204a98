"""Parsing a messy registration workbook end to end vs python-calamine merely reading the same file.

Usage: python bench/import_parse.py [--rows 100000]. CPU time, min of three interleaved runs, so other
work on the machine stays out of the ratio. The whole import's target (issue 3) is 3x raw calamine +
sqlite executemany, so the reading half must stay well under that.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import python_calamine

from imports.parse import parse_register_file
from imports.sample_register import write_messy_xlsx


def _cpu_seconds(run: Callable[[], int]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        path = write_messy_xlsx(Path(folder) / "messy.xlsx", rows, seed=7)

        def raw() -> int:
            sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            return sum(1 for _row in sheet.iter_rows())

        def parse() -> int:
            return sum(1 for _row in parse_register_file(path).rows)

        timings: dict[str, list[float]] = {"raw": [], "parse": []}
        for name, run in [("raw", raw), ("parse", parse)] * 3:
            timings[name].append(_cpu_seconds(run))
    raw_seconds, parse_seconds = min(timings["raw"]), min(timings["parse"])
    print(f"{rows} rows: raw calamine {raw_seconds:.3f} s CPU, parse_register_file {parse_seconds:.3f} s CPU, "
          f"ratio {parse_seconds / raw_seconds:.2f}")


if __name__ == "__main__":
    main()
