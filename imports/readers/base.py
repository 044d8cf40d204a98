"""What every reader gives back: the sheets of a file, and one sheet's rows with their Excel row numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet a person can choose; hidden sheets are listed but not chosen by default."""

    name: str
    visible: bool = True


@dataclass
class SheetRows:
    """One sheet's rows as (Excel row number, cells from column A); total_rows is for progress only."""

    name: str
    rows: Iterator[tuple[int, list[Any]]]
    total_rows: int | None = None
    # Formula cells without a computed result, read as "" (imports.readers.formulas): (row number, column).
    formula_cells: frozenset[tuple[int, int]] = frozenset()


class RawRow(NamedTuple):
    """A row as read: sheet name, Excel row number (1-based), cell values from column A ("" when empty)."""

    sheet: str
    row: int
    cells: list[Any]
