"""The new-task form's 范围 (issue 20) with keys: Tab to 范围·行业, type a name and take the code from the list,
Tab to 范围·许可证 and choose 食品经营许可证; the preview then counts the businesses of that scope and says the
scope in words. The office is the TUI test office plus tests/inspection_scope_world.py's businesses."""

from __future__ import annotations

from pathlib import Path

from inspection_scope_world import add_scope_office
from service_tui_helpers import shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import build_app, settle, type_ahead
from tui_inspection_world import build_inspection_office

from screens.inspection_draw import DrawScreen
from screens.inspection_form import TaskForm
from screens.inspection_screen import InspectionScreen
from storage.tables_inspection import InspectionTask

# From the items list, in Tab order: 类型 网格 三型 规模 标签, then 行业; after it 许可证 风险 年报 比例; from 比例 to
# 开始日期: 户数, the four class ratios, 每户人数.
ITEMS_TO_INDUSTRY = 6
RATIO_TO_STARTS = 7


async def test_choose_an_industry_by_name_and_a_licence_then_the_preview_counts_that_population(
    engine: Engine, tmp_path: Path
) -> None:
    office = build_inspection_office(engine)
    with Session(engine) as session:
        add_scope_office(session, office.office_id)
        session.commit()
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", "n", *"餐饮专项", "tab", "tab", "tab", "space",
                         *["tab"] * ITEMS_TO_INDUSTRY, *"餐饮业")  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, TaskForm), app.screen
        offered = app.screen.query_one("#task-industry-matches")
        assert offered.has_class("-open")
        await type_ahead(pilot, "enter", "tab", "enter", "down", "enter")  # 62 餐饮业; then the licence kind
        await settle(pilot)
        assert app.screen.read()["industry"] == "62" and app.screen.read()["license_kind"] == "食品经营许可证"
        await type_ahead(pilot, "tab", "tab", "tab", *"100", *["tab"] * RATIO_TO_STARTS,
                         "ctrl+u", *"2026-12-01", "tab", "ctrl+u", *"2026-12-31", "ctrl+s")  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen), app.screen
        with Session(engine) as session:
            task = session.exec(select(InspectionTask)).one()
        assert '"industry": ["62"]' in task.scope and '"license_kind": "食品经营许可证"' in task.scope
        assert "范围：存续 · 行业 H62 餐饮业 · 持有食品经营许可证" in shown(app, "inspect-status")
        await type_ahead(pilot, "d")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen), app.screen
        status = shown(app, "draw-status")
        # 面馆 (6291, licence to 2027) only: 酒楼's (6210, 2011) ended the day before, 关门面馆 is 注销
        assert "名录库 1 户" in status and "范围：存续 · 行业 H62 餐饮业 · 持有食品经营许可证" in status
        assert [row[1] for row in table_rows(app, "draw-lines")] == ["面馆"]


async def test_a_class_left_out_of_the_risk_scope_has_its_ratio_field_greyed_and_skipped(
    engine: Engine, tmp_path: Path
) -> None:
    """范围·风险 C: the other classes' ratio fields (D 高风险 first, then C B A) are greyed, Tab goes from 户数
    straight to C's, and a value typed into D's before the scope was narrowed is kept on screen but not saved
    (it could draw nobody)."""
    build_inspection_office(engine)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # name, Tab past 来源 and 部门, tick the first item, then Tab on to 许可证, to 风险
        await type_ahead(pilot, "ctrl+z", "n", *"高风险专项", "tab", "tab", "tab", "space",
                         *["tab"] * (ITEMS_TO_INDUSTRY + 2))  # fmt: skip
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm), form
        assert form.focused is form.query_one("#field-risk_class")
        # first D's ratio (Tab 年报 比例 户数 D), then back (Shift+Tab ×4) to narrow the scope to C
        await type_ahead(pilot, "tab", "tab", "tab", "tab", *"10", *["shift+tab"] * 4, *"C", "tab", "tab",
                         *"5", "tab", "tab", *"30")  # fmt: skip
        await settle(pilot)
        assert [form.query_one(f"#field-class-{code}").disabled for code in "DCBA"] == [True, False, True, True]
        assert form.focused is form.query_one("#field-class-C")  # 户数, then C: the greyed D skipped
        values = form.read()
        assert (values["class-D"], values["class-C"], values["ratio"]) == ("10", "30", "5")
        await type_ahead(pilot, "tab", "tab", "ctrl+u", *"2026-12-01", "tab", "ctrl+u", *"2026-12-31", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen), app.screen
    with Session(engine) as session:
        task = session.exec(select(InspectionTask)).one()
    assert task.class_ratios == '{"C": "30"}' and '"risk_class": ["C"]' in task.scope
