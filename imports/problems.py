"""What the parse says about a row: its clean values and every problem, each naming sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from imports.header import column_letter


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one cell: where it is (sheet, Excel row, column header and letter), the value, why.

    A problem that is not `blocking` is a warning (e.g. 可能是2011版代码): the row can still be imported.
    """

    sheet: str
    row: int
    column_header: str
    raw_value: Any
    reason: str
    column: str = ""
    field: str = ""
    blocking: bool = True

    def message(self) -> str:
        """The whole problem in one Chinese sentence, as the error report and the CLI show it."""
        where = f"工作表「{self.sheet}」第 {self.row} 行"
        if self.column_header:
            letter = f"（{self.column} 列）" if self.column else ""
            where += f"「{self.column_header}」列{letter}"
        value = "" if self.raw_value in (None, "") else f"，值「{self.raw_value}」"
        return f"{where}{value}：{self.reason}"


_BLOCKING = attrgetter("blocking")


@dataclass(slots=True)
class ParsedRow:
    """A data row: the cells as read (by header in `raw`), the clean values by field, and its problems."""

    sheet: str
    row_number: int
    headers: list[str]  # shared by every row of the file
    cells: list[Any]
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    duplicate_of: int | None = None

    @property
    def raw(self) -> dict[str, Any]:
        """Header -> value as read; a non-empty cell right of the header is kept under its letter (「T列」)."""
        raw = dict(zip(self.headers, self.cells, strict=False))
        for index in range(len(self.headers), len(self.cells)):
            if self.cells[index] not in ("", None):
                raw[f"{column_letter(index)}列"] = self.cells[index]
        return raw

    @property
    def valid(self) -> bool:
        """No blocking problem (warnings allowed) and not a repeat of an earlier row in the file."""
        return self.duplicate_of is None and not any(map(_BLOCKING, self.problems))  # in C: asked of every row


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row that is not data (a note, a 合计 line, a fill-in instruction under the header) and why."""

    sheet: str
    row: int
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class UnknownColumn:
    """A column that will not be imported, listed so that nothing is dropped without a person seeing it."""

    column: str
    header: str
    reason: str
