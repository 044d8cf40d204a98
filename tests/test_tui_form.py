"""Create and edit as a person would: Tab to a field, type, Ctrl+S; errors inline, conflicts in a dialog."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_support import Office_, build_app, build_office, settle, to_list, uscc
from textual import events
from textual.widgets import DataTable, Input, Static

from screens import business_form
from screens.business_detail import BusinessDetailScreen
from screens.business_form import BusinessFormScreen
from screens.business_list import BusinessListScreen
from screens.widgets.conflict_dialog import ConflictDialog
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from workbench.domain.business_fields import BUSINESS_FIELDS
from workbench.services.detail import business_detail
from workbench.services.register import get_business, update_business

FIELD_ORDER = [spec.name for spec in BUSINESS_FIELDS]


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


async def open_form(pilot: Any, search: str) -> None:
    """Search, open the top match, press F4; the form opens with 名称 focused."""
    await pilot.press(*search, "enter")
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BusinessFormScreen)


async def retype(pilot: Any, field: str, text: str) -> None:
    """Tab from 名称 to `field`, clear it (Ctrl+U) and type `text`."""
    await pilot.press(*["tab"] * FIELD_ORDER.index(field), "ctrl+u", *text)


def error_under(app: Any, field: str) -> str:
    return str(app.screen.query_one(f"#error-{field}", Static).render())


def history(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#history-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def save_elsewhere(engine: Engine, office: Office_, name: str, changes: dict[str, Any]) -> None:
    """Someone else, on another terminal, saves this business first."""
    with Session(engine) as session:
        actor = Actor("李强", "二号机", office.office_id)
        business = get_business(session=session, actor=actor, business_uuid=office.business_uuids[name])
        update_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version,
                        changes=changes)
        session.commit()


async def test_edit_phone_and_find_it_in_the_history(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "phone", "13900001111")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("phone") == "13900001111"
        await pilot.press("4")
        newest = history(app)[0]
        assert newest[1:] == ["王芳", "测试终端", "联系电话", "13812345678 改为 13900001111"]


async def test_the_saved_notice_names_the_business_as_saved(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await pilot.press("ctrl+u", *"老曾理发店", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert [n.message for n in app._notifications][-1] == "已保存「老曾理发店」"


async def test_duplicate_credit_code_names_the_other_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "uscc", uscc(2))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        message = error_under(app, "uscc")
        assert "温州市瓯江贸易有限公司" in message and "不能重复使用" in message
        assert app.screen.query_one("#field-uscc", Input).has_focus


async def test_invalid_phone_shows_an_inline_message(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "phone", "1381234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert error_under(app, "phone").startswith("联系电话有误")
        assert error_under(app, "name") == ""
        assert "有 1 项需要修改" in str(app.screen.query_one("#form-summary", Static).render())


async def test_a_name_too_long_for_its_column_is_refused_inline(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """The form gets the import's sentence (workbench.services.business_validation.out_of_bounds), never a
    database error: PostgreSQL refuses a 201-character name outright (tests/test_business_row.py)."""
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await pilot.press("ctrl+u")
        app.focused.post_message(events.Paste("店" * 201))  # as a long name comes: pasted from elsewhere
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert error_under(app, "name") == "名称超过 200 个字（现有 201 个），请核对"


async def test_conflict_then_overwrite(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "phone", "13900001111")
        save_elsewhere(sqlite_engine, office, "鹿城区张记小吃店", {"phone": "13700002222", "address": "五马街 14 号"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert "李强" in dialog.message
        lines = {line.label: line for line in dialog.lines}
        assert (lines["联系电话"].opened, lines["联系电话"].theirs, lines["联系电话"].mine) == \
            ("13812345678", "13700002222", "13900001111")
        assert lines["经营场所"].theirs == "五马街 14 号"
        await pilot.press("shift+tab", "enter")  # from 返回继续编辑 to 覆盖保存
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("phone") == "13900001111"
        assert app.screen._field_text("address") == "五马街 14 号"  # their other change is kept


async def test_conflict_then_discard_mine(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "phone", "13900001111")
        save_elsewhere(sqlite_engine, office, "鹿城区张记小吃店", {"phone": "13700002222"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("shift+tab", "shift+tab", "enter")  # 放弃我的修改
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("phone") == "13700002222"


async def test_conflict_then_back_to_editing_then_save(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await retype(pilot, "phone", "13900001111")
        save_elsewhere(sqlite_engine, office, "鹿城区张记小吃店", {"operator": "张小伟"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, BusinessFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("phone") == "13900001111"
        assert app.screen._field_text("operator") == "张小伟"


async def test_keys_typed_before_the_form_is_read_wait_for_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_may_finish = threading.Event()

    def slow_detail(**kwargs: Any) -> Any:
        read_may_finish.wait(5)
        return business_detail(**kwargs)

    monkeypatch.setattr(business_form, "business_detail", slow_detail)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("f4", "tab", "ctrl+u", *"139")  # F4 on the list: the form reads the record
        assert isinstance(app.screen, BusinessFormScreen) and not app.screen.opened
        read_may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        # Applied once read, in order: Tab to 统一社会信用代码, cleared, 139 typed (tests/test_tui_type_ahead.py
        # saves such a change).
        assert app.screen.query_one("#field-uscc", Input).value == "139"
        assert app.screen.query_one("#field-name", Input).value == "鹿城区李家便利店"  # the newest, first
        assert app.screen.query_one("#field-uscc", Input).has_focus


async def test_escape_with_unsaved_changes_asks_first(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await pilot.press(*"分店")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # 继续编辑
        assert isinstance(app.screen, BusinessFormScreen)
        await pilot.press("escape", "shift+tab", "enter")  # 放弃修改
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("name") == "鹿城区张记小吃店"


async def test_escape_without_changes_just_leaves(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "张记")
        await pilot.press("escape")
        assert isinstance(app.screen, BusinessDetailScreen)


async def test_new_business_with_ctrl_n(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        await pilot.press(*"鹿城区王记面馆")
        await retype(pilot, "registered_on", "2024-05-03")
        await pilot.press(*["tab"] * 4, *"王五")  # 经营者, four editors on
        await pilot.press("tab", "tab", *"13511112222", "tab", *"五马街20号")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("officer_id") == "王芳"
        assert app.screen._field_text("kind") == "个体工商户"
        await pilot.press("4")
        assert {row[1] for row in history(app)} == {"王芳"}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert "共 6 条" in str(app.screen.query_one("#status-line", Static).render())


async def test_new_business_without_a_name_is_refused_inline(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert error_under(app, "name") == "名称不能为空"
