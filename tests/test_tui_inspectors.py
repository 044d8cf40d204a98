"""检查人员名录 in the TUI (I on the 双随机 screen), as a new office would meet it, on both engines.

A task previewed with an empty list says why once (not once per business) and points at I; the list is then
typed in with Tab between fields, a certificate edited to a past date shows 已过期, a 回避 relation is
recorded and removed, 停用 is asked first, and the preview now pairs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from service_tui_helpers import shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import build_app, build_office, read_preview, settle, type_ahead

from screens.inspection_draw import DrawScreen
from screens.inspection_screen import InspectionScreen
from screens.inspector_dialogs import InspectorDialog
from screens.inspectors_screen import InspectorsScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from storage.tables import ChangeLog
from storage.tables_inspection import InspectionRecusal, Inspector
from workbench.domain.inspection_rules import load_inspection_rules
from workbench.services.inspection_tasks import TaskSpec, create_task

SHORTAGE = "检查人员名录里还没有人，一户也配不上检查人员"


def _office_with_a_task(engine: Engine) -> None:
    office = build_office(engine, extra_businesses=12)
    rules = load_inspection_rules(None).rules
    with Session(engine) as session:
        create_task(session, actor=Actor("王芳", "测试终端", office.office_id), spec=TaskSpec(
            "六月个体户双随机抽查", "年度计划", rules.items[:1], date(2025, 6, 1), date(2025, 6, 30), ("市场监管",),
            None, "50",
        ))  # fmt: skip
        session.commit()


def person(name: str, cert: str, expires: str) -> list[str]:
    """A: 姓名, Tab past 本所/外单位 (本所), 所在单位 (empty: the office) and 包联干部, then the certificate."""
    return ["a", *name, "tab", "tab", "tab", "tab", *cert, "tab", *expires, "tab", *"综合执法", "ctrl+s"]


def row_of(app: object, name: str) -> int:
    assert isinstance(app.screen, InspectorsScreen)  # type: ignore[attr-defined]
    return [row.line.name for row in app.screen.rows].index(name)  # type: ignore[attr-defined]


async def test_an_empty_list_is_said_once_then_typed_in_and_the_draw_pairs(engine: Engine, tmp_path: Path) -> None:
    _office_with_a_task(engine)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", "d")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen)
        status = shown(app, "draw-status")
        assert status.count(SHORTAGE) == 1 and "按 I 打开检查人员名录" in status, status
        assert "因回避" not in status
        assert table_rows(app, "draw-lines") == [["（没有配对：先补全检查人员名录）"]]
        # I from the 双随机 screen, and three people typed in (each form's keys typed ahead, Tab between fields)
        await type_ahead(pilot, "escape", "i", *person("赵敏", "ZJ33030201", "2028-12-31"))
        await settle(pilot)
        for name, cert, expires in (("孙磊", "ZJ33030202", "2028-12-31"), ("钱芳", "ZJ33030203", "2027-06-30"),
                                    ("周涛", "ZJ33030204", "2027-06-30")):
            await type_ahead(pilot, *person(name, cert, expires))
            await settle(pilot)
        assert isinstance(app.screen, InspectorsScreen), app.screen
        rows = {row[0]: row for row in table_rows(app, "inspectors-people")}
        assert set(rows) == {"赵敏", "孙磊", "钱芳", "周涛"}
        assert rows["赵敏"][1:] == ["本所", "-", "ZJ33030201", "2028-12-31", "综合执法", "在岗"]
        # Enter on 周涛: his certificate ran out; Tab to 有效期至 and type the past date
        await type_ahead(pilot, *["down"] * row_of(app, "周涛"), "enter", *["tab"] * 5, "ctrl+u", *"2024-12-31", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectorsScreen), app.screen
        rows = {row[0]: row for row in table_rows(app, "inspectors-people")}
        assert rows["周涛"][4] == "2024-12-31 已过期" and rows["钱芳"][4] == "2027-06-30"
        assert "不能抽到：执法证 2024-12-31 到期" in shown(app, "inspectors-status")
        # a relation of 赵敏 with a business found by words of its name
        await type_ahead(pilot, *["up"] * 4, *["down"] * row_of(app, "赵敏"), "r", *"张记", "tab", "tab", *"其表弟经营",
                         "ctrl+s")  # fmt: skip
        await settle(pilot)
        assert table_rows(app, "inspectors-recusals") == [["鹿城区张记小吃店", app.screen.rows[row_of(app, "赵敏")].recusals[0].business_code,
                                                            "亲属", "其表弟经营"]]  # fmt: skip
        # the draw now pairs: 周涛 is named as out of it, the relation keeps 赵敏 off the shop
        await type_ahead(pilot, "escape", "d")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen)
        status = shown(app, "draw-status")
        assert "以上为试抽，尚未记录" in status and "周涛（执法证 2024-12-31 到期" in status
        lines = table_rows(app, "draw-lines")  # 16 businesses 存续 (one of 17 注销), 50 %
        assert len(lines) == 8 and all(len(line[3].split("、")) == 2 and "周涛" not in line[3] for line in lines), lines
        assert all("赵敏" not in line[3] for line in lines if line[1].startswith("鹿城区张记小吃店"))
    with Session(engine) as session:
        assert len(session.exec(select(Inspector)).all()) == 4
        entities = session.exec(select(ChangeLog.entity, ChangeLog.action).where(
            col(ChangeLog.entity).in_(("inspector", "inspection_recusal")))).all()  # fmt: skip
        assert ("inspector", "update") in entities and ("inspection_recusal", "create") in entities


async def test_stop_and_remove_are_asked_first_and_esc_with_changes_asks_to_give_up(engine: Engine, tmp_path: Path) -> None:
    _office_with_a_task(engine)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", "i", *person("赵敏", "ZJ33030201", "2028-12-31"))
        await settle(pilot)
        await type_ahead(pilot, "r", *"张记", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectorsScreen)
        # D asks; an Enter typed with it writes nothing (the question was not seen)
        await type_ahead(pilot, "d", "left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        with Session(engine) as session:
            assert session.exec(select(Inspector.active)).one() is True
        await read_preview(pilot)
        await type_ahead(pilot, "enter")  # 停用 still has the focus
        await settle(pilot)
        assert isinstance(app.screen, InspectorsScreen)
        assert table_rows(app, "inspectors-people")[0][6] == "停用"
        # X removes the relation after its question
        await type_ahead(pilot, "x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)
        await type_ahead(pilot, "left", "enter")
        await settle(pilot)
        with Session(engine) as session:
            assert session.exec(select(InspectionRecusal.deleted_at)).one() is not None
        assert table_rows(app, "inspectors-recusals") == [["（没有登记：按 R 登记）", "", "", ""]]
        # a form with something typed: Esc asks 放弃?
        await type_ahead(pilot, "a", *"赵敏", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await type_ahead(pilot, "escape")  # 继续填写
        await settle(pilot)
        assert isinstance(app.screen, InspectorDialog)
        await type_ahead(pilot, "ctrl+s")  # a partner's form without a certificate is fine, the missing date too
        await settle(pilot)
        assert isinstance(app.screen, InspectorsScreen)
        assert "赵敏" in [row[0] for row in table_rows(app, "inspectors-people")]


async def test_i_on_the_draw_preview_opens_the_list_and_the_preview_is_drawn_again(engine: Engine, tmp_path: Path) -> None:
    _office_with_a_task(engine)
    app = build_app(engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+z", "d", "i", *person("赵敏", "ZJ33030201", "2028-12-31"))
        await settle(pilot)
        await type_ahead(pilot, *person("孙磊", "ZJ33030202", "2028-12-31"))
        await settle(pilot)
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen)
        assert "以上为试抽，尚未记录" in shown(app, "draw-status")
        assert len(table_rows(app, "draw-lines")) == 8
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)


def test_the_list_is_in_the_palette_footer_and_help_of_the_draw_screens() -> None:
    from screens.actions import KEY_ACTIONS, palette_actions

    offered = {(item.scope, item.action) for item in palette_actions(("app", "inspect"))}
    assert ("inspect", "inspectors") in offered
    assert ("inspect_draw", "inspectors") in {(item.scope, item.action) for item in palette_actions(("app", "inspect_draw"))}
    ours = {item.action: item for item in KEY_ACTIONS if item.scope == "inspectors"}
    assert {"add", "edit", "toggle_active", "add_recusal", "remove_recusal", "back"} <= set(ours)
