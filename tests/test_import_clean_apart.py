"""The register dry run's quicker cleaning (issue 17, session 14) keeps every answer: the rows cleaned by a
worker process (imports.row_workers) plan exactly what one process plans, problems, order and values'
types included, with fork or spawn; a date or amount converted once per distinct cell (imports.cell_answers)
still gives each row its own value and its own problem naming its own row, on both engines."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from import_helpers import HEADER, existing, office, row, write_list
from sqlalchemy import Engine

import imports.cell_answers as cell_answers
import imports.planner
import imports.row_workers as row_workers
import imports.rows as rows
from imports.columns import ColumnMapping
from imports.errors import ImportCancelled
from imports.plan import ImportPlan, RowKind, plan_import
from imports.rows import RowCleaner
from workbench.domain.labels import BusinessStatus
from workbench.services import process_start

START_METHODS = [*(["fork"] if sys.platform.startswith("linux") else []), "spawn"]
TODAY = date(2026, 12, 7)


def _messy_list(path: Path) -> Path:
    """Rows whose cells repeat, good and bad, mixed types in a column, repeats of a code across batches, a
    blank row and a 合计 line in the middle, 歇业 (a status member and the flag)."""
    cells: list[list[Any]] = []
    for serial in range(1, 41):
        changes: dict[str, Any] = {}
        if serial % 7 == 0:
            changes["成立日期"] = "2019年2月30日"  # the same impossible date in rows far apart
        if serial % 5 == 0:
            changes["资金数额（万元）"] = ["5万元", 5.0, "五万", True, -0.0, 1e24, "-1", 7][serial // 5 - 1]
        if serial % 6 == 0:
            changes["从业人员"] = ["3人", 3.0, "三人", -1.0, "-1", 2.5][serial // 6 - 1]
        if serial % 4 == 0:
            changes["登记状态"] = "歇业"
        if serial % 9 == 0:
            changes["成立日期"] = "2019.5.3"
        cells.append(row(serial, changes))
        if serial % 11 == 0:
            cells.append(row(serial - 3))  # a code an earlier row named, often in an earlier batch
        if serial == 17:
            cells.append([""] * len(HEADER))
        if serial == 23:
            cells.append(["合计：共 23 户", *[""] * (len(HEADER) - 1)])
    cells.append(row(41, {"统一社会信用代码": "", "注册号": "330302600012345", "成立日期": 43590.0}))
    return write_list(path, cells)


def _planned(plan: ImportPlan) -> list[Any]:
    return [
        [(item.row_number, item.kind, item.name, item.code, item.business_uuid, item.problems) for item in plan.outcomes],
        [problem.message() for item in plan.outcomes for problem in item.problems or ()],
        [repr((insert.row_number, insert.values)) for insert in plan.inserts],  # repr: a member is not its text
        {kind: count for kind, count in plan.counts.items() if count},
        plan.skipped_rows,
        plan.blank_rows,
        plan.possible_duplicates,
    ]


@pytest.mark.parametrize("start_method", START_METHODS)
def test_rows_cleaned_by_a_worker_plan_what_one_process_plans(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    actor = office(engine)
    path = _messy_list(tmp_path / "名录.xlsx")
    monkeypatch.setattr(imports.planner, "worker_count", lambda rows: 0)
    alone = plan_import(engine, path, actor=actor)
    assert alone.counts[RowKind.INVALID] >= 8 and alone.counts[RowKind.DUPLICATE] == 3
    assert alone.skipped_rows and alone.blank_rows == 1

    from_workers = []
    answered = row_workers.answers

    def counted(outcomes: Any) -> Any:
        from_workers.append(isinstance(outcomes, bytes))
        return answered(outcomes)

    monkeypatch.setattr(row_workers, "answers", counted)
    monkeypatch.setattr(row_workers, "BATCH", 3)  # many batches: repeats and problems across their edges
    monkeypatch.setattr(imports.planner, "worker_count", lambda rows: 1)
    monkeypatch.setattr(row_workers, "second_cpu_free", lambda: True)
    monkeypatch.setattr(process_start, "FROM_MAIN_THREAD", start_method)
    apart = plan_import(engine, path, actor=actor)
    assert len(from_workers) >= 12 and any(from_workers)  # some batches came pickled from the worker
    assert _planned(apart) == _planned(alone)
    suspended = [insert.values for insert in apart.inserts if insert.row_number == 7]  # serial 4: 歇业
    assert suspended and BusinessStatus.ACTIVE in suspended[0]
    assert any(type(value) is BusinessStatus for value in suspended[0])


def test_only_the_clis_dry_run_into_an_empty_register_cleans_in_a_worker(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wizard's dry run derives the commit's rows on the idle CPU (imports.prepare); a register that holds
    businesses keeps its rows in one process (a forked worker would keep the pages of its lookups)."""
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 4)])
    monkeypatch.setattr(imports.planner, "worker_count", lambda rows: 1)
    monkeypatch.setattr(row_workers, "second_cpu_free", lambda: True)
    taken: list[int] = []
    original = row_workers.rows_cleaned_apart

    def spy(*args: Any) -> Any:
        taken.append(args[2])
        return original(*args)

    monkeypatch.setattr(row_workers, "rows_cleaned_apart", spy)
    plan_import(engine, path, actor=actor, prepare_commit=True)
    assert taken == []
    plan = plan_import(engine, path, actor=actor)
    assert taken == [1] and plan.counts[RowKind.NEW] == 3
    monkeypatch.setattr(row_workers, "second_cpu_free", lambda: False)  # a busy machine
    plan = plan_import(engine, path, actor=actor)
    assert taken == [1] and plan.counts[RowKind.NEW] == 3
    monkeypatch.setattr(row_workers, "second_cpu_free", lambda: True)
    existing(engine, actor, 99)
    plan = plan_import(engine, path, actor=actor)
    assert taken == [1] and plan.counts[RowKind.NEW] == 3


CELLS: list[tuple[str, list[Any]]] = [
    ("成立日期", ["2019年2月30日", "2019-05-03", "2019年2月30日", 43590.0, 43590.0, date(2019, 5, 3), 0.0, -0.0, True,
              "20190503", "2019年2月30日", "", None, 1.0, 1, "1"]),
    ("资金数额（万元）", ["5万元", 5.0, 5, True, 1, 1.0, -0.0, 0.0, "-1", -1.0, -1, "五万", "五万", 1e24, 1e24, "5万元"]),
    ("从业人员", ["3人", 3.0, 3, True, "三人", "三人", -1.0, -1, "-1", 2.5, 2.5, 1.0, 1, "1", 0.0, "3人"]),
]


@pytest.mark.parametrize("remembered", [100_000, 1])
def test_a_cell_converted_once_gives_every_row_its_own_answer(monkeypatch: pytest.MonkeyPatch, remembered: int) -> None:
    """The same as converting every cell (each row's values and problems, its row number in each), for
    repeated good and bad cells, and True / 1 / 1.0 / "1", ±0.0, -1 / -1.0 / "-1" in one column."""
    monkeypatch.setattr(rows, "KNOWN_CELLS", remembered)  # 1: the memory starts again at every cell
    headers = ["名称", *(header for header, _cells in CELLS)]
    mapping = ColumnMapping(headers=headers, fields={0: "name", 1: "registered_on", 2: "capital", 3: "employees"},
                            units={2: 10_000})  # fmt: skip
    length = len(CELLS[0][1])
    lines = [[f"第{index}号店", *(cells[index] for _header, cells in CELLS)] for index in range(length)]

    def cleaned(cleaner: RowCleaner) -> list[tuple[dict[str, Any], list[str]]]:
        cleaner.today = TODAY
        out = []
        for number, cells in enumerate(lines, start=4):
            parsed = cleaner.clean(number, list(cells))
            assert parsed is not None
            out.append(({name: (type(value), value) for name, value in parsed.values.items()},
                        [problem.message() for problem in parsed.problems]))  # fmt: skip
        return out

    once = cleaned(RowCleaner("名录", mapping))
    bad_day = [(number, problems[0]) for number, (_values, problems) in enumerate(once, start=4)
               if problems and "2019年2月30日" in problems[0]]  # fmt: skip
    assert [number for number, _message in bad_day] == [4, 6, 14]  # each row names itself
    assert all(message.startswith(f"工作表「名录」第 {number} 行「成立日期」列（B 列），值「2019年2月30日」：日期")
               for number, message in bad_day)  # fmt: skip
    five = [values.get("capital") for values, _problems in once[:3]]  # "5万元", 5.0, 5 in a 万元 column
    assert five == [(int, 50_000)] * 3
    assert "capital" not in once[3][0] and "「True」" in once[3][1][0]  # TRUE is not 1
    assert once[6][0]["capital"] == once[7][0]["capital"] == (int, 0)  # -0.0 and 0.0
    assert [next(text for text in problems if "金额" in text).split("，值")[1] for _values, problems in once[8:11]] == [
        "「-1」：金额「-1」不能为负数", "「-1.0」：金额「-1.0」不能为负数", "「-1」：金额「-1」不能为负数"]  # as read
    def where(index: int) -> str:
        return once[index][1][0].split("，值")[0]

    assert [where(11), where(12)] == ["工作表「名录」第 15 行「资金数额（万元）」列（C 列）",
                                      "工作表「名录」第 16 行「资金数额（万元）」列（C 列）"]  # "五万" twice
    assert [where(13), where(14)] == ["工作表「名录」第 17 行「资金数额（万元）」列（C 列）",
                                      "工作表「名录」第 18 行「资金数额（万元）」列（C 列）"]  # 1e24 twice
    assert [where(4), where(5)] == ["工作表「名录」第 8 行「从业人员」列（D 列）",
                                    "工作表「名录」第 9 行「从业人员」列（D 列）"]  # "三人" twice
    monkeypatch.setattr(rows, "_REMEMBERED", frozenset())
    assert cleaned(RowCleaner("名录", mapping)) == once


def test_a_second_cpu_is_free_below_the_load_of_the_cpus_less_a_half(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "process_cpu_count", lambda: 2, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for load, free in ((0.3, True), (1.49, True), (1.5, False), (9.0, False)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert row_workers.second_cpu_free() is free


def test_a_refusal_is_remembered_word_for_word() -> None:
    def convert(raw: Any) -> Any:
        if raw == "bad":
            raise ValueError(f"「{raw}」不对")
        return raw

    assert cell_answers.converted(convert, "bad") == cell_answers.Refused("「bad」不对")
    assert cell_answers.converted(convert, "good") == "good"


def test_a_cancelled_dry_run_leaves_no_cleaning_worker_behind(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 30)])
    monkeypatch.setattr(imports.planner, "worker_count", lambda rows: 1)
    monkeypatch.setattr(imports.planner, "CHUNK", 4)
    monkeypatch.setattr(row_workers, "second_cpu_free", lambda: True)
    monkeypatch.setattr(row_workers, "BATCH", 2)
    cancel = threading.Event()
    started: list[int] = []

    def progress(done: int, total: int | None, stage: str) -> None:
        if stage == "核对登记簿":
            started.append(len(multiprocessing.active_children()))
            cancel.set()

    with pytest.raises(ImportCancelled):
        plan_import(engine, path, actor=actor, cancel=cancel, progress=progress)
    assert started == [1]  # the worker was cleaning when the person cancelled
    assert multiprocessing.active_children() == []
