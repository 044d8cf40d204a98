"""A DataTable whose text cells are only ever text: never Rich markup, never a raw control character.

DataTable reads a str cell as markup, so a business named 「[red]x[/]」 would turn red (or fail to render
with a stray「[/]」), and a cell holding ESC would reach the terminal. Every table that shows text from a
file or the database is a TextTable: a str cell becomes a Text with its control characters shown (\\x1b).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from workbench.domain.safe_text import shown


class TextTable(DataTable[Any]):
    """DataTable with str cells turned into plain Text (see the module's docstring)."""

    def add_row(
        self,
        *cells: Any,
        height: int | None = 1,
        key: str | None = None,
        label: Text | str | None = None,
    ) -> RowKey:
        return super().add_row(
            *(Text(shown(cell), end="") if isinstance(cell, str) else cell for cell in cells),
            height=height,
            key=key,
            label=label,
        )
