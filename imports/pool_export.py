"""培育库 and candidate lists to Excel (the shared cell writer, imports.sheet_writer): codes as text cells,
dates as dates, no cell ever a formula.

Written beside the final name and moved into place when complete; the export is logged like every other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlmodel import Session

from imports.export import write_logged_file, xlsx_path
from imports.sheet_writer import Kind, write_plain_sheet
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
    """One sheet, header in bold; codes as text, dates as dates, column widths from the widest value."""
    kinds: list[Kind] = ["code" if header in CODE_COLUMNS else "value" for header in headers]
    write_plain_sheet(path, title, headers, kinds, rows)
