"""The error report: the rows that need attention, as they were in the file, plus a 错误原因 column.

Staff open it in Excel, fix the cells and import it again; the header is the file's own, so the same
columns are recognised. Rows that were imported with only a warning are included too, marked 提示, so
nothing the dry run noticed is out of sight (re-importing them changes nothing or fills the gap).
A text cell is always written as text, with Excel's quote prefix when it starts like a formula (imports.sheet_writer).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from imports.problems import Problem
from imports.sheet_writer import Kind, XlsxBook, sheet_title
from workbench.services.file_output import write_file

REASON_HEADER = "错误原因"


class PlanWithProblems(Protocol):
    """A dry run of any kind of list (imports.plan.ImportPlan, imports.list_plan.ListPlan)."""

    @property
    def headers(self) -> list[str]: ...

    @property
    def sheet(self) -> str: ...

    def rows_with_problems(self) -> Iterator[tuple[int, list[Any], list[Problem]]]: ...


def reason_text(problems: list[Problem]) -> str:
    """Every problem of a row, one per line: column, value and reason (warnings marked 提示)."""
    lines = []
    for problem in problems:
        where = f"「{problem.column_header}」" if problem.column_header else ""
        value = "" if problem.raw_value in (None, "") else f"「{problem.raw_value}」"
        mark = "" if problem.blocking else "（提示，本行已导入）"
        lines.append(
            f"{where}{value}：{problem.reason}{mark}" if where or value else f"{problem.reason}{mark}"
        )
    return "\n".join(lines)


def write_error_workbook(plan: PlanWithProblems, out_path: str | Path) -> Path:
    """Write the rows with problems (all original columns, the file's header) and a 错误原因 column.

    Through the shared cell writer (text that looks like a formula keeps Excel's quote prefix) and into
    place only when complete (a full disk leaves no half file, and says so in Chinese: WriteFailed).
    """
    return write_file(Path(out_path), lambda partial: _write(plan, partial))


def _write(plan: PlanWithProblems, path: Path) -> None:
    width = max([len(plan.headers), *(len(cells) for _number, cells, _problems in plan.rows_with_problems())])
    headers = [*plan.headers, *[""] * (width - len(plan.headers))]
    kinds: list[Kind] = ["value"] * width
    with XlsxBook(path) as book:
        sheet = book.sheet(_sheet_title(plan.sheet), width + 1)
        reason_style = book.style({"bg_color": "#FFF2CC", "text_wrap": True, "valign": "top"})
        sheet.sheet.freeze_panes(1, 0)
        sheet.sheet.set_column(width, width, 60)
        sheet.header([*headers, REASON_HEADER])
        for row, (_number, cells, problems) in enumerate(plan.rows_with_problems(), start=1):
            padded = [*cells, *[""] * (width - len(cells))]
            sheet.append(row, padded, kinds)
            sheet.write(row, width, reason_text(problems), "text", reason_style)


def _sheet_title(name: str) -> str:
    return sheet_title(name) if name.strip() else "错误行"
