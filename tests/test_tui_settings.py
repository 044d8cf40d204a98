"""The user's keymap (keymap.toml in the config folder) and F10 「重新载入设置」, by keystrokes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine
from test_tui_support import Office_, build_app, build_office, palette_found, settle, to_list
from textual.widgets import Static

from screens.business_list import BusinessListScreen
from screens.help import HelpScreen
from screens.keymap import usable_keymap
from workbench import locations
from workbench.services.settings import KeymapFile


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def config_file(name: str, text: str) -> Path:
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def notices(app: object) -> list[str]:
    return [str(notice.message) for notice in app._notifications]  # type: ignore[attr-defined]


def help_text(app: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    for static in app.screen.query(Static):  # type: ignore[attr-defined]
        console.print(static.content)
    return console.export_text()


async def test_a_rebound_key_does_the_action_and_help_shows_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    config_file("keymap.toml", '[keymap]\n"app.help" = "f11"\nlist.export = "ctrl+x"\n')
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)  # F1 is free now: help moved to F11
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {" ".join(line.split()[1:]): line.split()[0] for line in help_text(app).splitlines()}
        assert keys["帮助"] == "F11" and keys["导出当前列表到 Excel"] == "Ctrl+X" and keys["切换使用人"] == "F2"
        await pilot.press("escape")
        assert notices(app) == []


async def test_an_unknown_or_broken_keymap_entry_is_named_and_the_rest_applies(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    config_file("keymap.toml", '[keymap]\n"app.help" = "f11"\n"list.exprot" = "ctrl+x"\n"app.todo" = 7\n')
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        said = notices(app)
        assert any("「list.exprot」" in text and "已忽略" in text for text in said)
        assert any("「app.todo」的值「7」不是按键" in text for text in said)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_f10_reloads_the_settings_files_and_applies_them(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        config_file("keymap.toml", '[keymap]\n"app.help" = "f11"\n')
        service = config_file("service.toml", "support_types = [\n")
        await pilot.press("f10")
        await settle(pilot)
        said = notices(app)
        assert any(text.startswith("已重新载入设置") for text in said)
        assert any(str(service.name) in text and "已按默认设置办理" in text for text in said)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_the_reload_in_chinese_and_latin(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await palette_found(pilot, "重新载入")
        await pilot.press("enter")
        await settle(pilot)
        assert any(text.startswith("已重新载入设置") for text in notices(app))


def test_a_key_another_action_of_that_screen_has_is_named_and_ignored() -> None:
    usable, problems = usable_keymap(
        KeymapFile({"app.help": "f6", "list.export": "ctrl+x", "help.close": "escape,f1,q", "todo.route": "f4"})
    )
    assert usable == {"list.export": "ctrl+x", "help.close": "escape,f1,q"}
    assert problems[0] == (
        "快捷键设置 keymap.toml：「app.help」设为「F6」，与「切换排序」（市场主体列表）的按键相同，已忽略这一项"
    )
    assert "「todo.route」" in problems[1] and "「编辑选中事项所涉的主体」（今日待办）" in problems[1]
