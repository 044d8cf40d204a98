"""Helpers for the service-work Pilot tests (support, appeals, visits, timeline, to-do)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from test_tui_support import settle
from textual.widgets import DataTable, Static


async def open_business(pilot: Any, text: str) -> None:
    """From the to-do (or the list): type a name, Enter opens the top match."""
    await pilot.press(*text)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def press(pilot: Any, *keys: str) -> None:
    """Press the keys one by one, letting workers finish after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def table_rows(app: Any, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def shown(app: Any, static_id: str, width: int = 200) -> str:
    """What a Static shows, as plain text (tables and styled text included)."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(app.screen.query_one(f"#{static_id}", Static).content)
    return console.export_text()
