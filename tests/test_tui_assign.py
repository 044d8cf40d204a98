"""包联 in the app, with keys only and no pauses between them: mark rows and 批量改派, the 未分派 and 三型
filters, the to-do's 未分派 line opening the list so filtered, and 调离 handing an officer's businesses over."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import build_app, build_office, read_preview, settle, to_list
from textual.widgets import Button, DataTable, Select, Static

from screens.business_list import BusinessListScreen
from screens.hand_over_dialog import HandOverDialog
from screens.reassign_dialog import ReassignDialog
from screens.staff_screen import StaffScreen
from screens.todo_screen import TodoScreen
from storage.tables import Business, ChangeLog, Officer
from storage.tables_classification import ClassificationResult


def _list(app: object) -> BusinessListScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, BusinessListScreen)
    return screen


def _names(app: object) -> list[str]:
    return [row.name for row in _list(app).rows]


def _officer_cells(app: object) -> dict[str, str]:
    """Business name -> what the 包联干部 column shows (the table is wide enough for it at 120 columns)."""
    table = _list(app).query_one("#results", DataTable)
    keys = [column.key.value for column in table.ordered_columns]
    at = keys.index("officer")
    return {row.name: str(table.get_row_at(index)[at]).strip() for index, row in enumerate(_list(app).rows)}


def _officer_of(engine: Engine) -> dict[str, str | None]:
    with Session(engine) as session:
        names = {officer.id: officer.name for officer in session.exec(select(Officer))}
        return {b.name: names.get(b.officer_id) for b in session.exec(select(Business))}


async def test_three_rows_marked_by_keys_are_reassigned_after_the_count_is_shown(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    office = build_office(sqlite_engine, extra_businesses=6)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(120, 36)) as pilot:
        await to_list(pilot)
        first_three = _names(app)[:3]
        before = _officer_of(sqlite_engine)
        assert all(before[name] != "陈静" for name in first_three)  # so the change is visible
        # Into the results, mark row 1, extend to rows 2 and 3, open 批量改派: all in one burst.
        await pilot.press("down", "space", "shift+down", "shift+down", "ctrl+w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReassignDialog)
        assert "已标记的 3 户" in str(dialog.query_one(".dialog-message", Static).render())
        # The officer select: Enter opens it; 未分派, 王芳, 李强, 陈静 follow the prompt.
        await pilot.press("enter", "down", "down", "down", "down", "enter")
        await settle(pilot)
        assert _officer_of(sqlite_engine) == before
        sentence = str(dialog.query_one("#reassign-preview", Static).render())
        moved_from = sorted({before[name] for name in first_three})
        assert "将把 3 户" in sentence and "改派给 陈静" in sentence
        assert all(name in sentence for name in moved_from if name)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        shown = _officer_cells(app)
        assert [shown[name] for name in first_three] == ["陈静"] * 3
        assert "已标记" not in str(app.screen.query_one("#status-line", Static).render())
    after = _officer_of(sqlite_engine)
    assert {name: after[name] for name in first_three} == dict.fromkeys(first_three, "陈静")
    assert {n: o for n, o in after.items() if n not in first_three} == {
        n: o for n, o in before.items() if n not in first_three
    }
    with Session(sqlite_engine) as session:
        for name in first_three:
            business = session.exec(select(Business).where(Business.name == name)).one()
            assert business.version == 2
            logged = session.exec(select(ChangeLog).where(ChangeLog.entity_uuid == business.uuid,
                                                          ChangeLog.action == "update")).all()
            assert [(row.old, row.new, row.who) for row in logged] == [
                (str(office.officer_ids[before[name]]), str(office.officer_ids["陈静"]), "王芳")  # type: ignore[index]
            ]


async def test_the_list_filters_by_unassigned_and_by_tier(sqlite_engine: Engine, tmp_path: Path) -> None:
    office = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        shop = session.exec(select(Business).where(Business.name == "鹿城区李家便利店")).one()
        shop.officer_id = None
        now = datetime.now(UTC)
        for name, tier, override in (("鹿城区张记小吃店", "growth", None), ("鹿城区李家便利店", "survival", "growth"),
                                     ("鹿城区陈氏五金店", "survival", None)):
            business_id = session.exec(select(Business.id).where(Business.name == name)).one()
            session.add(ClassificationResult(office_id=office.office_id, business_id=business_id, tier=tier,
                                             override_tier=override, size_class="micro", computed_at=now))
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(120, 36)) as pilot:
        await to_list(pilot)
        assert len(_names(app)) == 5
        officer = app.screen.query_one("#filter-officer", Select)
        officer.focus()
        await pilot.press("enter", "down", "enter")  # the first choice after the prompt: 未分派
        await settle(pilot)
        assert _names(app) == ["鹿城区李家便利店"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.screen.query_one("#filter-tier", Select).focus()
        await pilot.press("enter", "down", "down", "enter")  # 生存型, 成长型: the second
        await settle(pilot)
        # 成长型 as staff see it: computed (张记) or set by hand over a computed 生存型 (李家).
        assert sorted(_names(app)) == ["鹿城区张记小吃店", "鹿城区李家便利店"]
        assert "共 2 条" in str(app.screen.query_one("#status-line", Static).render())


async def test_enter_on_the_todo_unassigned_line_opens_the_list_so_filtered(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    build_office(sqlite_engine, extra_businesses=3)
    with Session(sqlite_engine) as session:
        for business in session.exec(select(Business).where(col(Business.name).like("鹿城区第%"))):
            business.officer_id = None
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        todo = app.screen
        assert isinstance(todo, TodoScreen)
        assert "未分派 3 户" in str(todo.query_one("#todo-title", Static).render())
        row = next(i for i, item in enumerate(todo.row_items) if item is not None and item.kind == "unassigned")
        table = todo.query_one("#todo-table", DataTable)
        await pilot.press(*(["down"] * (row - table.cursor_row)), "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert sorted(_names(app)) == ["鹿城区第0000号商店", "鹿城区第0001号商店", "鹿城区第0002号商店"]
        assert app.screen.query_one("#filter-officer", Select).value == -1


async def test_leaving_hands_the_officers_businesses_to_the_successor(sqlite_engine: Engine, tmp_path: Path) -> None:
    office = build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        names = [line.name for line in app.screen.officers]
        # 李强 holds 瓯江贸易 and 绿野果蔬; the successor choices are 王芳 and 陈静 (on duty, not 李强).
        await pilot.press(*(["down"] * names.index("李强")), "d")
        await settle(pilot)
        assert isinstance(app.screen, HandOverDialog)
        assert app.screen.query_one("#hand-over-yes", Button).disabled
        await pilot.press("enter", "down", "down", "enter", "enter")  # 接任干部：陈静, then 调离 (focused)
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        lines = {line.name: line for line in app.screen.officers}
        assert not lines["李强"].active and lines["李强"].businesses == 0 and lines["陈静"].businesses == 3
    owners = _officer_of(sqlite_engine)
    assert owners["温州市瓯江贸易有限公司"] == owners["温州绿野果蔬专业合作社"] == "陈静"
    with Session(sqlite_engine) as session:
        moved = session.exec(select(ChangeLog).where(ChangeLog.field == "officer_id", ChangeLog.action == "update")).all()
        assert sorted((row.old, row.new) for row in moved) == [
            (str(office.officer_ids["李强"]), str(office.officer_ids["陈静"]))
        ] * 2


async def test_f8_pressed_before_the_count_arrives_writes_nothing(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    release = threading.Event()
    desk = app.gateway.assignment
    real_preview = desk.preview

    def held_preview(*args: Any) -> Any:
        release.wait(10)
        return real_preview(*args)

    monkeypatch.setattr(desk, "preview", held_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_list(pilot)
        before = _officer_of(sqlite_engine)
        first = _names(app)[0]
        await pilot.press("down", "space", "ctrl+w")
        await pilot.pause()
        await pilot.press("enter", "down", "enter", "f8", "f8")  # 未分派, then F8 twice while the count is held
        await pilot.pause(0.1)
        assert isinstance(app.screen, ReassignDialog)
        assert app.screen.query_one("#reassign-yes", Button).disabled
        assert _officer_of(sqlite_engine) == before
        release.set()
        await settle(pilot)
        assert "将把 1 户" in str(app.screen.query_one("#reassign-preview", Static).render())
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    after = _officer_of(sqlite_engine)
    assert [name for name in after if after[name] != before[name]] == [first]
    assert after[first] is None


async def test_the_wizard_gives_the_new_businesses_to_the_officer_chosen_in_step_3(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    from test_tui_import import settle as settle_wizard
    from test_tui_import import write_county_list

    from screens.import_wizard import ImportWizardScreen
    from screens.widgets.dialogs import ConfirmDialog

    build_office(sqlite_engine)
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    write_county_list(downloads / "五月名录.xlsx")  # 3 new businesses, 1 update, 1 unchanged, 2 errors
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+o")
        await settle_wizard(pilot)
        wizard = app.screen
        assert isinstance(wizard, ImportWizardScreen)
        await pilot.press("down", "enter")
        await settle_wizard(pilot)
        await pilot.press("f8")
        assert wizard.step == "mode"
        # No address table in this office: 不分派 (the default), 王芳, 李强, 陈静. Tab past the by-name box.
        await pilot.press("tab", "tab", "enter", "down", "down", "enter", "f8")
        await settle_wizard(pilot)
        assert wizard.step == "review"
        summary = str(app.screen.query_one("#import-summary", Static).render())
        # (the wizard's paragraph drops the spaces between Chinese and digits)
        assert "新增主体分派给：无网格 / 李强。新增3户：无网格 / 李强3户" in summary
        assert "已有的2户保持原网格和干部" in summary  # 张记 (update) and 瓯江 (unchanged) are not moved
        await read_preview(pilot)  # the preview gate refuses a confirm before the dry run could be seen
        await pilot.press("f8")
        await settle_wizard(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle_wizard(pilot)
        assert wizard.step == "result"
    owners = _officer_of(sqlite_engine)
    assert [owners[name] for name in ("鹿城区新开水果店", "鹿城区新开面馆", "鹿城区新开理发店")] == ["李强"] * 3
    assert owners["鹿城区张记小吃店"] == "王芳" and owners["温州市瓯江贸易有限公司"] == "李强"
