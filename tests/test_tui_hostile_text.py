"""The TUI shows hostile text as typed: Rich markup in a name is never read, control characters are shown
as \\x1b and never reach the terminal (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import Engine, text
from test_tui_support import build_app, build_office, settle
from textual.widgets import DataTable, Static

from screens.business_detail import BusinessDetailScreen

NAME = "鹿城区张记[red]红[/]小吃店\x1b]0;PWNED\x07"
ADDRESS = "五马街\x1b[2J12号[bold]粗[/bold]\x9b1m\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def rendered(renderable: Any) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"), color_system=None)  # noqa: SIM115
    console.print(renderable)
    console.file.close()
    return console.export_text()


def table_text(app: Any, table_id: str) -> str:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return "\n".join(
        " ".join(rendered(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)
    )


async def test_list_and_detail_show_markup_and_controls_as_typed(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine)
    with sqlite_engine.begin() as connection:  # as a database filled before the import removed controls
        connection.execute(
            text("UPDATE business SET name = :name, address = :address WHERE name = '鹿城区张记小吃店'"),
            {"name": NAME, "address": ADDRESS},
        )
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"张记")
        await settle(pilot)
        listed = table_text(app, "results")
        assert "张记[red]红[/]" in listed and not any(char in listed for char in RAW)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BusinessDetailScreen)
        title = rendered(screen.query_one("#detail-title", Static).render())
        assert "鹿城区张记[red]红[/]小吃店\\x1b]0;PWNED\\x07" in title
        fields = "".join(rendered(group.content) for group in screen.query(".group-fields"))
        assert "五马街\\x1b[2J12号[bold]粗[/bold]\\x9b1m\\u202e" in fields
        assert not any(char in title + fields for char in RAW)
        history = table_text(app, "history-table")
        assert not any(char in history for char in RAW)
        screen.notify(f"已保存「{NAME}」")
        await pilot.pause()
        notices = [notice.message for notice in app._notifications]
        assert any("[red]红[/]" in notice and "\\x1b" in notice for notice in notices)
