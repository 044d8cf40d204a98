"""An import's memory (issue 17): a dry run keeps the cells of its rows with problems packed
(imports.packed_cells) and shares the text of repeated warnings, the process hands freed heap back, and the
pinyin tables are built before workers are forked. Same rows, same error workbook; less memory."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from import_helpers import office, row, write_list
from sqlalchemy import Engine

from imports import commit_rows, packed_cells
from imports.packed_cells import PackedCells
from imports.parse import parse_register_file
from imports.plan import RowKind, plan_import
from storage import search_pinyin
from workbench.services.free_memory import return_free_memory

CELL = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=False),
    st.integers(),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@given(rows=st.lists(st.lists(CELL, max_size=6), max_size=40), pack=st.integers(min_value=1, max_value=7))
def test_packed_rows_read_back_equal_in_order_and_at_random(rows: list[list[Any]], pack: int) -> None:
    original = packed_cells.PACK
    packed_cells.PACK = pack  # small packs: every boundary is crossed (hypothesis and monkeypatch do not mix)
    try:
        packed = PackedCells()
        assert [packed.add(list(cells)) for cells in rows] == list(range(len(rows)))
        assert len(packed) == len(rows)
        assert list(packed) == rows
        assert [packed[index] for index in reversed(range(len(rows)))] == rows[::-1]
        if rows:
            packed[0].append("changed")  # a fresh list each time: the store is not changed through it
            assert packed[0] == rows[0]
        with pytest.raises(IndexError):
            packed[len(rows)]
    finally:
        packed_cells.PACK = original


def test_a_plan_warning_on_every_row_keeps_the_cells_packed_and_equal(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packed_cells, "PACK", 2)  # 5 rows: two full packs and an open one
    actor = office(engine)
    rows = [
        row(serial, {"所属网格": "不存在的片区", "成立日期": date(2019, 5, serial)}) for serial in range(1, 6)
    ]
    rows[2][0] = "92330302MA0000003X"  # a blocking problem too (check character)
    path = write_list(tmp_path / "名录.xlsx", rows)
    plan = plan_import(engine, path, actor=actor)
    assert plan.counts[RowKind.NEW] == 4 and plan.counts[RowKind.INVALID] == 1
    as_read = [(parsed.row_number, parsed.cells) for parsed in parse_register_file(path).rows]
    written = [(number, cells) for number, cells, _problems in plan.rows_with_problems()]
    assert written == as_read  # the error workbook gets every row's cells, as read, in order
    assert all(isinstance(entry.cells_at, int) for entry in plan.entries)  # no list of cells is held
    assert isinstance(as_read[0][1][5], (date, datetime))
    warnings = [problem for entry in plan.entries for problem in entry.problems or () if not problem.blocking]
    assert len(warnings) == 4 and len({id(problem.reason) for problem in warnings}) == 1  # one text, shared
    assert len({id(problem.raw_value) for problem in warnings}) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim; a no-op elsewhere")
def test_freed_heap_goes_back_to_the_system() -> None:
    # 64 KiB blocks come from the C heap (below malloc's mmap threshold); small C-heap blocks between them
    # stay, so the heap cannot simply shrink from its top when the big ones are freed.
    big, small = [], []
    for _ in range(400):
        big.append(bytearray(64 * 1024))
        small.append(bytearray(600))
    held = _resident_kib()
    del big
    return_free_memory()
    assert held - _resident_kib() > 10 * 1024  # of the 25 MiB freed, most is handed back
    return_free_memory()  # again: nothing to hand back, harmless


def _resident_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_the_pinyin_tables_are_built_before_workers_are_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    search_pinyin._readings.cache_clear()
    monkeypatch.setattr(commit_rows, "start_method", lambda: "forkserver")
    commit_rows.share_tables_with_workers()  # workers that do not inherit this process: nothing built
    assert search_pinyin._readings.cache_info().currsize == 0
    monkeypatch.setattr(commit_rows, "start_method", lambda: "fork")
    commit_rows.share_tables_with_workers()
    assert search_pinyin._readings.cache_info().currsize == 1


def test_one_heap_for_all_threads_is_set_on_glibc_and_harmless_twice() -> None:
    """workbench.cli_import.ReadAhead reads the sheet on a thread; with one heap, its freed pages serve the
    commit on the main thread (session 13: without it the peak rose by ~28 MB in some runs)."""
    import threading

    from workbench.services.free_memory import one_heap_for_all_threads

    first, second = one_heap_for_all_threads(), one_heap_for_all_threads()
    assert first == second
    made: list[bytes] = []
    thread = threading.Thread(target=lambda: made.append(bytes(1 << 20)))
    thread.start()
    thread.join()
    assert len(made[0]) == 1 << 20
