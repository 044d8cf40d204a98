"""Esc in a 放弃修改? question answers 「继续」 once: the question closes, the person is back in the field they
were typing in, and nothing opens the question again by itself — neither in the business form nor in a
small dialog over the detail (帮扶)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from test_tui_support import Office_, build_app, build_office, settle, to_list
from textual.widgets import Input

from screens.business_form import BusinessFormScreen
from screens.support_dialog import SupportDialog
from screens.widgets.dialogs import ConfirmDialog


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def confirms(app: Any) -> int:
    return sum(isinstance(screen, ConfirmDialog) for screen in app.screen_stack)


async def wait_a_moment(pilot: Any) -> None:
    """Long enough for a bounced key or a second dialog to have arrived, had there been one."""
    await settle(pilot)
    await pilot.pause(0.3)
    await settle(pilot)


async def test_esc_in_the_forms_question_goes_back_to_the_field_once(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press(*"张记", "enter")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("end", *"分店")
        field = app.focused
        assert isinstance(field, Input) and field.value == "鹿城区张记小吃店分店"
        await pilot.press("escape", "escape")  # a fast typist: the question, then 继续编辑
        await wait_a_moment(pilot)
        assert isinstance(app.screen, BusinessFormScreen) and confirms(app) == 0
        assert app.focused is field and field.value == "鹿城区张记小吃店分店"
        # Asked again only when Esc is pressed again, and once.
        await pilot.press("escape")
        await wait_a_moment(pilot)
        assert isinstance(app.screen, ConfirmDialog) and confirms(app) == 1


async def test_esc_in_a_small_dialogs_question_goes_back_to_the_dialog_once(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press(*"张记", "enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, SupportDialog)
        await pilot.press("tab", *"x")  # 日期 gets a stray letter
        field = app.focused
        await pilot.press("escape")
        await wait_a_moment(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await wait_a_moment(pilot)
        assert isinstance(app.screen, SupportDialog) and confirms(app) == 0
        assert app.focused is field
