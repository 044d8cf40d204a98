"""帮扶台账 to Excel or CSV: the support records a filter selects, codes as text, dates as dates, yuan as numbers.

The file is written beside its final name and moved into place only when complete, and the export is
logged in the change log like every other export. A .csv name gives CSV (UTF-8 with BOM), else .xlsx;
both through the shared cell writer (imports.sheet_writer: no cell is ever a formula).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from imports.export import default_file_name, export_path, is_csv, write_logged_file
from imports.sheet_writer import Kind, XlsxBook, write_csv_table
from storage.audit import Actor, utc_now
from storage.tables import Business
from workbench.services.support import SupportFilters, SupportLine, list_support

SHEET = "帮扶台账"
MAX_RECORDS = 200_000
COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("日期", "date"),
    ("帮扶类型", "text"),
    ("市场主体", "text"),
    ("统一社会信用代码/注册号", "code"),
    ("网格", "text"),
    ("经办干部", "text"),
    ("金额（元）", "money"),
    ("合作单位", "text"),
    ("依据", "text"),
    ("帮扶内容", "text"),
    ("成效", "text"),
)


@dataclass(frozen=True)
class SupportExport:
    path: Path
    rows: int


def export_support(
    *, session: Session, actor: Actor, filters: SupportFilters, description: str, path: str | Path
) -> SupportExport:
    """Write the actor's office's support records matching filters to path (.xlsx, or .csv); commits the log row."""
    target = export_path(path, default_file_name("帮扶台账", utc_now()))
    lines = list_support(session, actor=actor, filters=filters, limit=MAX_RECORDS)
    codes = _codes(session, actor, {line.business_uuid for line in lines})
    rows = [_cells(line, codes.get(line.business_uuid)) for line in lines]
    write_logged_file(
        session=session,
        actor=actor,
        target=target,
        description=f"帮扶台账：{description}",
        rows=len(lines),
        write=lambda partial: (_write_csv if is_csv(target) else _write)(partial, rows),
    )
    return SupportExport(target, len(lines))


def _codes(session: Session, actor: Actor, uuids: set[str]) -> dict[str, str | None]:
    """Business uuid -> its 统一社会信用代码, or the legacy 注册号 when it has none."""
    if not uuids:
        return {}
    rows = session.exec(
        select(Business.uuid, Business.uscc, Business.reg_no).where(
            col(Business.office_id) == actor.office_id, col(Business.uuid).in_(sorted(uuids))
        )
    )
    return {business_uuid: uscc or reg_no for business_uuid, uscc, reg_no in rows}


def _cells(line: SupportLine, uscc: str | None) -> list[Any]:
    return [
        line.given_on,
        line.kind,
        line.business_name,
        uscc,
        line.grid_name,
        line.officer_name,
        line.amount_yuan,
        line.partner,
        line.basis,
        line.content,
        line.outcome,
    ]


def _write(path: Path, rows: list[list[Any]]) -> None:
    titles = [title for title, _kind in COLUMNS]
    kinds = [kind for _title, kind in COLUMNS]
    with XlsxBook(path) as book:
        sheet = book.sheet(SHEET, len(COLUMNS))
        sheet.header(titles)
        for number, cells in enumerate(rows, start=1):
            sheet.append(number, cells, kinds)
        sheet.fit_columns(titles)
        sheet.sheet.freeze_panes(1, 0)
        sheet.sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)


def _write_csv(path: Path, rows: list[list[Any]]) -> None:
    write_csv_table(path, COLUMNS, rows)
