"""SVG snapshots of the main screens with Chinese data, at 80x24 and 120x36 (update: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from test_tui_support import build_app, build_office, settle
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import WorkbenchApp

Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path) -> WorkbenchApp:
    build_office(sqlite_engine, extra_businesses=40)
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def keys(*pressed: str) -> Steps:
    """Press the keys, wait for the app to settle, and stop the input cursor blinking."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


def test_list_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("escape"))  # Esc: from 今日待办 to the list


def test_list_searched_120x36(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys(*"鹿城区", "f6"))


def test_detail_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*"张记", "enter"))


def test_detail_licenses_120x36(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys(*"张记", "enter", "2"))


def test_detail_licenses_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*"张记", "enter", "2"))


def test_form_with_an_inline_error_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    steps = keys(*"张记", "enter", "f4", *["tab"] * 11, "ctrl+u", *"1381234", "ctrl+s")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)


def test_help_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await keys("escape", "f1")(pilot)
        # The list's footer, under the help, drops the keys that do not fit once it has been laid out (a 0.05 s
        # timer): wait for that, or the picture depends on whether the timer fired before it was taken.
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
