"""A dry run keeps the cells of its rows with problems packed (imports.packed_cells), shares the text of
repeated warnings, and hands the reader's freed memory back: same error workbook rows, less memory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from import_helpers import office, row, write_list
from sqlalchemy import Engine

from imports import packed_cells
from imports.packed_cells import PackedCells
from imports.parse import parse_register_file
from imports.plan import RowKind, plan_import
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


def test_returning_free_memory_is_harmless() -> None:
    kept = [bytes(1000) for _ in range(1000)]
    del kept
    return_free_memory()
    return_free_memory()
