"""The footer at 80 columns shows whole keys only, and gives the palette key's room to the screen's keys."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from test_tui_support import build_app, build_office, settle, to_list
from textual.widgets._footer import FooterKey

from screens.business_list import BusinessListScreen


def _shown(app: object) -> list[FooterKey]:
    return [key for key in app.screen.query(FooterKey) if key.display]  # type: ignore[attr-defined]


async def test_at_80_columns_every_key_shown_is_whole(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        shown = _shown(app)
        hidden = [key for key in app.screen.query(FooterKey) if not key.display]
        assert shown and hidden, "the list has more keys than 80 columns hold"
        assert all(key.region.right <= 80 for key in shown)
        assert not any(key.has_class("-command-palette") for key in shown)
        assert [key.description for key in shown][:3] == ["搜索", "编辑", "排序"]
        await pilot.press("ctrl+p")  # the palette still opens from the keyboard
        await settle(pilot)
        assert type(app.screen).__name__ == "WorkbenchPalette"


async def test_widening_the_terminal_brings_the_keys_back(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await settle(pilot)
        narrow = len(_shown(app))
        await pilot.resize_terminal(160, 30)
        await settle(pilot)
        await pilot.pause(0.2)
        wide = _shown(app)
        assert len(wide) > narrow
        assert any(key.has_class("-command-palette") for key in wide)
        assert all(key.region.right <= 160 for key in wide)
