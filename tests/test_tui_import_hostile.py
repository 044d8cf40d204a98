"""The import wizard given a file made to exhaust memory: it says so in Chinese and stays usable.

Before the readers checked sizes, this 5.6 KB workbook made python-calamine ask for 549 GB and abort the
whole process, the TUI with it (rc 134). Here it runs in the test's own process, as in the app.
"""

from __future__ import annotations

from pathlib import Path

from hostile_files import TOO_LARGE, dimension_bomb
from sqlalchemy import Engine
from test_tui_import import business_names, office, open_wizard, settle, text_of, write_county_list  # noqa: F401
from test_tui_support import Office_, build_app, read_preview
from textual.widgets import Static

from screens.widgets.dialogs import ConfirmDialog


async def test_a_dimension_bomb_is_refused_and_the_wizard_then_imports_a_good_file(
    sqlite_engine: Engine,
    office: Office_,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = tmp_path / "收到的文件"
    folder.mkdir()
    bomb = dimension_bomb()(folder / "县局名录.xlsx")
    good = write_county_list(folder / "五月名录.xlsx")
    before = business_names(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("shift+tab", "ctrl+u", *str(bomb), "enter")
        await settle(pilot)
        assert wizard.step == "file"
        message = text_of(app, "#import-file-error")
        assert message.startswith(f"无法读取这个文件：{TOO_LARGE}：工作表「名录」的内容从 A1 一直到 XFD1048576")
        assert business_names(sqlite_engine) == before
        # Still usable: the next file goes through the whole import.
        await pilot.press("ctrl+u", *str(good), "enter")
        await settle(pilot)
        assert wizard.step == "mapping"
        await pilot.press("f8")
        await pilot.press("down", "up", "enter")
        await pilot.press("f8")
        await settle(pilot)
        assert wizard.step == "review"
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "将新增 3 户" in str(app.screen.query_one(".dialog-message", Static).render())
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert wizard.step == "result"
        assert {"鹿城区新开水果店", "鹿城区新开面馆", "鹿城区新开理发店"} <= business_names(sqlite_engine)
