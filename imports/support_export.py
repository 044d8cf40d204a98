"""帮扶台账 to Excel: the support records a filter selects, codes as text, dates as dates, yuan as numbers.

The file is written beside its final name and moved into place only when complete, and the export is
logged in the change log like every other export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlmodel import Session, col, select

from imports.export import write_logged_file, xlsx_path
from imports.export_cells import column_width, needs_guard, shown_width
from storage.audit import Actor
from storage.tables import Business
from workbench.services.support import SupportFilters, SupportLine, list_support

SHEET = "帮扶台账"
MAX_RECORDS = 200_000
COLUMNS: tuple[tuple[str, str], ...] = (
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
    """Write the actor's office's support records matching filters to path (.xlsx); commits the log row."""
    target = xlsx_path(path)
    lines = list_support(session, actor=actor, filters=filters, limit=MAX_RECORDS)
    codes = _codes(session, actor, {line.business_uuid for line in lines})
    rows = [_cells(line, codes.get(line.business_uuid)) for line in lines]
    write_logged_file(
        session=session,
        actor=actor,
        target=target,
        description=f"帮扶台账：{description}",
        rows=len(lines),
        write=lambda partial: _write(partial, rows),
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
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        formats = {
            "code": workbook.add_format({"num_format": "@"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "money": workbook.add_format({"num_format": "#,##0"}),
            "guarded": workbook.add_format({"quote_prefix": True}),
        }
        sheet = workbook.add_worksheet(SHEET)
        widest = [0] * len(COLUMNS)
        for index, (title, _kind) in enumerate(COLUMNS):
            sheet.write_string(0, index, title, header)
        for number, cells in enumerate(rows, start=1):
            for index, ((_title, kind), value) in enumerate(zip(COLUMNS, cells, strict=True)):
                if value is None or value == "":
                    continue
                if kind == "date":
                    sheet.write_datetime(number, index, value, formats["date"])
                    widest[index] = 10
                    continue
                if kind == "money":
                    sheet.write_number(number, index, value, formats["money"])
                else:
                    guarded = needs_guard(value)
                    sheet.write_string(
                        number,
                        index,
                        value,
                        formats["code"] if kind == "code" else (formats["guarded"] if guarded else None),
                    )
                widest[index] = max(widest[index], shown_width("money" if kind == "money" else "text", value))
        for index, (title, _kind) in enumerate(COLUMNS):
            sheet.set_column(index, index, column_width(title, widest[index]))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    finally:
        workbook.close()
