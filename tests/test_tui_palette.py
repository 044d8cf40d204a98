"""The command palette offers the global commands from every screen, all in Chinese; the footer always
says how to quit; Textual's own words on keys read in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from test_tui_support import Office_, build_app, build_office, palette_found, settle, to_list
from textual.command import CommandList
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from screens.appeal_intake import AppealIntakeDialog
from screens.appeal_list import AppealListScreen
from screens.business_detail import BusinessDetailScreen
from screens.business_list import BusinessListScreen
from screens.palette import WorkbenchPalette
from screens.staff_screen import StaffScreen
from screens.support_dialog import SupportDialog
from screens.support_list import SupportListScreen
from screens.todo_screen import TodoScreen
from screens.visit_route import RouteScreen


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


async def palette(pilot: Any, typed: str) -> list[str]:
    """Ctrl+P, the words typed: the lines the palette lists for them."""
    await palette_found(pilot, typed)
    found = pilot.app.screen.query_one(CommandList)
    prompts = [found.get_option_at_index(index).prompt for index in range(found.option_count)]
    return [str(getattr(prompt, "renderable", prompt)) for prompt in prompts]  # 「no matches」 is centred


def footer_words(app: Any) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey) if key.display]


@pytest.mark.parametrize(
    ("typed", "opens"),
    [("帮扶台账", SupportListScreen), ("诉求一览", AppealListScreen), ("走访路线", RouteScreen)],
)
async def test_the_to_dos_lists_open_from_the_palette_on_another_screen(
    sqlite_engine: Engine, office: Office_, tmp_path: Path, typed: str, opens: type
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")  # 干部与网格: a screen with none of these keys
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        lines = await palette(pilot, typed)
        assert lines and "快捷键 F" in lines[0] and "（今日待办）" in lines[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, opens)


async def test_new_support_from_the_palette_is_for_the_business_highlighted_in_the_list(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press(*"张记")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        await palette(pilot, "新增帮扶")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SupportDialog)
        assert app.screen.business_uuid == office.business_uuids["鹿城区张记小吃店"]
        # In the detail the same command (and its key B) is for the business open there.
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        await palette(pilot, "登记诉求")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AppealIntakeDialog)
        assert "鹿城区张记小吃店" in str(app.screen.context)
        assert not app.screen.query("#field-person_name")  # the business is known: no 诉求人 to type


async def test_new_support_with_no_business_in_view_says_how_to_choose_one(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await palette(pilot, "新增帮扶")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert any("新增帮扶要先选定一户" in str(item.message) for item in app._notifications)


async def test_the_palette_says_no_match_in_chinese(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = await palette(pilot, "qqqq")
        assert isinstance(app.screen, WorkbenchPalette)
        assert len(lines) == 1 and lines[0].startswith("未找到匹配")
        assert "Esc 关闭" in app.screen.query_one("CommandInput").placeholder  # type: ignore[attr-defined]
        assert {binding.description for binding in app.screen.BINDINGS} >= {"关闭命令面板"}  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)


async def test_every_screen_footer_says_how_to_quit_at_80_columns(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in ((), ("escape",), (*"张记", "enter"), ("ctrl+k",), ("escape", "ctrl+t", "f8")):
            await pilot.press(*keys)
            await settle(pilot)
            await pilot.pause(0.1)
            shown = footer_words(app)
            assert "Ctrl+Q 退出" in shown, (type(app.screen).__name__, shown)
            assert all(key.region.right <= 80 for key in app.screen.query(FooterKey) if key.display)


async def test_an_open_select_list_says_esc_closes_it_in_chinese(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        select = app.screen.query(Select).first()
        select.focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.1)
        assert select.expanded
        assert "Esc 关闭菜单" in footer_words(app)
        assert not [word for word in footer_words(app) if word.isascii()]
