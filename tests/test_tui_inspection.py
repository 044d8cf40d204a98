"""双随机抽查 in the TUI (Ctrl+Z): a task made in the form, its draw previewed and confirmed, a result recorded
with keys, the publication list exported and opened, and the to-do naming the result whose 公示期限 passed.

Keys are typed ahead as a fast clerk types them (test_tui_support.type_ahead), on a real database file.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from service_tui_helpers import shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import build_app, read_preview, settle, type_ahead
from tui_inspection_world import build_inspection_office

from screens.inspection_draw import DrawScreen
from screens.inspection_results import ResultsScreen
from screens.inspection_screen import InspectionScreen, PublicationExportDialog
from screens.todo_screen import TodoScreen
from storage.tables import Business
from storage.tables_inspection import InspectionDraw, InspectionResult, InspectionTask

TASK = "四月个体户双随机抽查"
# The form's fields after 参加部门 and the items list, in Tab order: 类型 网格 三型 规模 标签 行业 许可证 风险 年报 比例
# 户数, the four class ratios (D C B A), 每户人数, 开始日期, 结束日期.
ITEMS_TO_RATIO = 10
RATIO_TO_STARTS = 7


def task_keys(ratio: str, partner: str = "卫生健康") -> list[str]:
    """N, the name, Tab past 来源, a partner department after 市场监管 (a joint task: 赵敏 of 卫生健康局 may be
    drawn), the items (tick the 1st and 3rd), the ratio, the dates."""
    return [
        "n", *TASK, "tab", "tab", *(f" {partner}" if partner else ""), "tab", "space", "down", "down", "space",
        *["tab"] * ITEMS_TO_RATIO, *ratio, *["tab"] * RATIO_TO_STARTS,
        "ctrl+u", *"2025-04-01", "tab", "ctrl+u", *"2025-04-15", "ctrl+s",
    ]  # fmt: skip


async def test_create_draw_confirm_record_export_and_the_overdue_publication(engine: Engine, tmp_path: Path) -> None:
    office = build_inspection_office(engine)
    app = build_app(engine, tmp_path, remember="王芳")
    target = tmp_path / "公示名单.xlsx"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", *task_keys("50"))
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen), app.screen
        await type_ahead(pilot, "d", "f8")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen), app.screen
        with Session(engine) as session:
            task = session.exec(select(InspectionTask)).one()
            assert (task.name, task.ratio, task.starts_on.isoformat(), task.ends_on.isoformat()) == (
                TASK, "50", "2025-04-01", "2025-04-15")
            # the F8 typed before the preview was on screen confirmed nothing
            assert session.exec(select(InspectionDraw)).all() == []
        status = shown(app, "draw-status")
        assert "以上为试抽，尚未记录" in status
        assert "陈静（执法证 2024-12-31 到期" in status  # the expired certificate is named, not drawn
        # 16 active businesses (5 named, one deregistered, 12 shops): 50% is 8
        drawn = table_rows(app, "draw-lines")
        assert len(drawn) == 8
        await read_preview(pilot)
        assert isinstance(app.screen, DrawScreen) and app.screen.preview is not None
        first = app.screen.preview.lines[0].business.name
        assert drawn[0][1].startswith(first)
        await type_ahead(
            pilot, "f8", "enter", "enter", "b", "space", "e", "space", "tab", "ctrl+u", *"2025-04-10", "tab", "tab",
            *"门头公示信息未更新", "ctrl+s",
        )  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen), app.screen
        with Session(engine) as session:
            assert session.exec(select(InspectionDraw.status)).one() == "confirmed"
            result = session.exec(select(InspectionResult)).one()
            assert (result.codes, result.inspected_on.isoformat(), result.notes) == ("B,E", "2025-04-10", "门头公示信息未更新")
            assert result.published_on is None
            recorded = session.exec(select(Business.name).where(Business.id == result.business_id)).one()
        assert recorded == first  # Enter on the first row of the results: the first business drawn
        row = table_rows(app, "results-lines")[0]
        assert row[1] == first and row[3] == "B、E"  # the codes, where the labels do not fit (100 columns)
        assert row[5] == "逾期 05-15"
        await type_ahead(pilot, "ctrl+e", "ctrl+u", *str(target), "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PublicationExportDialog)
        sheet = openpyxl.load_workbook(target).active
        assert sheet is not None
        values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0][:6] == ("企业名称", "统一社会信用代码/注册号", "抽查事项", "检查结果", "检查日期", "检查机关")
        assert len(values) == 2
        assert values[1][0] == first
        assert values[1][3] == "未按规定公示应当公示的信息；发现问题经责令已改正"
        assert values[1][5:] == ("五马市场监管所、卫生健康", TASK, "部门联合双随机抽查")  # a joint task
        await type_ahead(pilot, "ctrl+t", "f9")  # the whole office's to-do: the shop is 陈静's
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        lines = [" ".join(row) for row in table_rows(app, "todo-table")]
        # the task ended 2025-04-15; 20 working days on (劳动节 1-5 May off, Sunday 27 April worked): 2025-05-15
        assert any(f"{first}：抽查结果尚未公示，已超过公示期限 2025-05-15" in line for line in lines), lines
    del office


async def test_redraw_needs_a_reason_an_impossible_draw_is_named_and_publication_is_recorded(
    engine: Engine, tmp_path: Path
) -> None:
    from test_tui_support import build_office
    from tui_inspection_world import add_inspectors, drawn_task

    from screens.inspection_screen import RedrawReasonDialog

    office = build_office(engine)
    add_inspectors(engine, office)
    drawn_task(engine, office)  # 六月 (not drawn, 市场监管 only) above 四月 (drawn, one result overdue)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # 六月: without 卫生健康 only 王芳 and 李强 may be drawn, so every business one of them looks after is named
        await type_ahead(pilot, "ctrl+z", "d")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen)
        status = shown(app, "draw-status")
        assert "户因回避无法匹配检查人员，不能确认" in status
        problems = [row[0] for row in table_rows(app, "draw-lines")]
        assert problems and all("须回避的有包联该户" in sentence for sentence in problems), problems
        await read_preview(pilot)
        await type_ahead(pilot, "f8", "escape", "down", "r", "ctrl+s")
        await settle(pilot)
        with Session(engine) as session:
            assert session.exec(select(InspectionDraw)).all()[0].status == "confirmed"
            assert len(session.exec(select(InspectionDraw)).all()) == 1  # the impossible draw recorded nothing
        assert isinstance(app.screen, RedrawReasonDialog)  # an empty reason is refused under its field
        assert "请写明重抽理由" in shown(app, "error-reason")
        await type_ahead(pilot, *"抽中户已注销", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen) and "重抽理由：抽中户已注销" in shown(app, "draw-status")
        await read_preview(pilot)
        await type_ahead(pilot, "f8")
        await settle(pilot)
        with Session(engine) as session:
            draws = session.exec(select(InspectionDraw).order_by(InspectionDraw.id)).all()  # type: ignore[arg-type]
            assert [(draw.status, draw.redraw_reason) for draw in draws] == [("superseded", ""), ("confirmed", "抽中户已注销")]
            assert draws[1].replaces_uuid == draws[0].uuid
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
    del office


async def test_publication_is_recorded_only_once_the_question_was_seen(engine: Engine, tmp_path: Path) -> None:
    from test_tui_support import build_office
    from tui_inspection_world import add_inspectors, drawn_task

    from screens.inspection_results import PublishedDialog

    office = build_office(engine)
    add_inspectors(engine, office)
    drawn_task(engine, office)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", "down", "enter", "p", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PublishedDialog)  # the Ctrl+S came before the dialog could be read
        with Session(engine) as session:
            assert session.exec(select(InspectionResult.published_on)).one() is None
        await read_preview(pilot)
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)
        with Session(engine) as session:
            assert str(session.exec(select(InspectionResult.published_on)).one()) == "2025-06-01"  # the app's today
        assert table_rows(app, "results-lines")[0][5] == "已公示 06-01"
        assert "已公示 1 户" in shown(app, "results-status")
        await type_ahead(pilot, "ctrl+t", "f9")
        await settle(pilot)
        assert not any("抽查结果尚未公示" in " ".join(row) for row in table_rows(app, "todo-table"))
    del office
