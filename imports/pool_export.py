"""培育库 and candidate lists to Excel (openpyxl write-only): codes as text cells, dates as dates.

Written beside the final name and moved into place when complete; the export is logged like every other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from imports.export import write_logged_file, xlsx_path
from imports.export_cells import column_width, needs_guard, shown_width
from storage.audit import Actor
from workbench.domain.candidates import POOL_LABELS
from workbench.services.candidates import CandidateRow
from workbench.services.pools import MemberRow

MEMBER_HEADERS = (
    "名称",
    "统一社会信用代码",
    "网格",
    "包联干部",
    "入库日期",
    "入库理由",
    "出库日期",
    "出库理由",
)
CANDIDATE_HEADERS = (
    "名称",
    "统一社会信用代码",
    "网格",
    "包联干部",
    "行业代码",
    "数据年度",
    "候选理由",
    "是否已入库",
)
CODE_COLUMNS = frozenset({"统一社会信用代码", "行业代码"})


def member_cells(row: MemberRow, names: dict[str, dict[int, str]]) -> list[Any]:
    return [
        row.business_name,
        row.uscc,
        _name(names, "grid_id", row.grid_id),
        _name(names, "officer_id", row.officer_id),
        row.entered_on,
        row.entry_reason,
        row.left_on,
        row.exit_reason,
    ]


def candidate_cells(row: CandidateRow, names: dict[str, dict[int, str]]) -> list[Any]:
    return [
        row.business_name,
        row.uscc,
        _name(names, "grid_id", row.grid_id),
        _name(names, "officer_id", row.officer_id),
        row.industry_code,
        row.year,
        row.reason_text,
        "是" if row.in_pool else "否",
    ]


def _name(names: dict[str, dict[int, str]], field: str, row_id: int | None) -> str:
    return names.get(field, {}).get(row_id, "") if row_id is not None else ""


def export_pool(
    *,
    session: Session,
    actor: Actor,
    pool: str,
    rows: Sequence[MemberRow],
    names: dict[str, dict[int, str]],
    description: str,
    path: str | Path,
) -> Path:
    """Write pool members to an .xlsx and log the export; commits the log row."""
    cells = [member_cells(row, names) for row in rows]
    return _export(session, actor, POOL_LABELS[pool], MEMBER_HEADERS, cells, description, path)


def export_candidates(
    *,
    session: Session,
    actor: Actor,
    title: str,
    rows: Sequence[CandidateRow],
    names: dict[str, dict[int, str]],
    description: str,
    path: str | Path,
) -> Path:
    cells = [candidate_cells(row, names) for row in rows]
    return _export(session, actor, title, CANDIDATE_HEADERS, cells, description, path)


def _export(
    session: Session,
    actor: Actor,
    sheet: str,
    headers: tuple[str, ...],
    rows: list[list[Any]],
    description: str,
    path: str | Path,
) -> Path:
    target = xlsx_path(path)
    write_logged_file(
        session=session,
        actor=actor,
        target=target,
        description=f"{sheet}：{description}",
        rows=len(rows),
        write=lambda partial: write_sheet(partial, sheet, headers, rows),
    )
    return target


def write_sheet(path: Path, title: str, headers: tuple[str, ...], rows: list[list[Any]]) -> None:
    """One sheet, header in bold; column widths follow the widest value (openpyxl write-only needs them first)."""
    workbook = Workbook(write_only=True)
    sheet: Worksheet = workbook.create_sheet(title[:31])
    widths = [
        column_width(header, max((_width(row[index]) for row in rows), default=0))
        for index, header in enumerate(headers)
    ]
    for index, width in enumerate(widths):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, header) for header in headers])
    for row in rows:
        sheet.append([_cell(sheet, header, value) for header, value in zip(headers, row, strict=True)])
    workbook.save(str(path))


def _header(sheet: Worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: Worksheet, header: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, int):
        return value
    text = str(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a number or a formula: codes keep their digits, = + - @ stay text
    if header in CODE_COLUMNS:
        cell.number_format = "@"
    elif needs_guard(text):
        cell.quotePrefix = True  # type: ignore[attr-defined]
    return cell


def _width(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, date):
        return 10
    return shown_width(
        "count" if isinstance(value, int) else "text", str(value) if not isinstance(value, int) else value
    )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
