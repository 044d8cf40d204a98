"""Parsing stays lean: a messy xlsx parsed end to end vs python-calamine merely reading the same file.

10,000 rows by default; WORKBENCH_IMPORT_SPEED_ROWS=100000 runs the issue's size. CPU time (min of three
interleaved runs) keeps other work on the machine out of the ratio. The whole import's target is 3x raw
calamine + sqlite executemany, so the reading half must stay well under that.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import python_calamine

from imports.parse import parse_register_file
from imports.sample_register import write_messy_xlsx

ROWS = int(os.environ.get("WORKBENCH_IMPORT_SPEED_ROWS", "10000"))
MAX_RATIO = 4.0


def _cpu_seconds(run: Callable[[], int]) -> tuple[float, int]:
    started = time.process_time()
    count = run()
    return time.process_time() - started, count


def test_parsing_a_messy_workbook_costs_a_small_multiple_of_raw_calamine(tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "messy.xlsx", ROWS, seed=7)

    def raw() -> int:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return sum(1 for _row in sheet.iter_rows())

    def parse() -> int:
        return sum(1 for _row in parse_register_file(path).rows)

    timings: dict[str, list[float]] = {"raw": [], "parse": []}
    counts: dict[str, int] = {}
    for name, run in [("raw", raw), ("parse", parse)] * 3:
        seconds, counts[name] = _cpu_seconds(run)
        timings[name].append(seconds)
    raw_seconds, parse_seconds = min(timings["raw"]), min(timings["parse"])
    ratio = parse_seconds / raw_seconds
    print(f"\n{ROWS} rows: raw calamine {raw_seconds:.3f} s, parse_register_file {parse_seconds:.3f} s, ratio {ratio:.2f}")
    assert counts == {"raw": ROWS + 3, "parse": ROWS}
    assert ratio <= MAX_RATIO


def test_the_sample_workbook_is_messy_in_the_expected_ways(tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "messy.xlsx", 2000, seed=3)
    parsed = parse_register_file(path)
    rows = list(parsed.rows)
    assert parsed.header_rows == (3,) and len(rows) == 2000
    reasons = " ".join(problem.reason for row in rows for problem in row.problems)
    assert "科学计数法" in reasons and "校验位" in reasons and "文件中重复出现" in reasons
    assert sum(row.valid for row in rows) > 1800
    assert any("reg_no" in row.values for row in rows) and any(row.values.get("suspended") for row in rows)
