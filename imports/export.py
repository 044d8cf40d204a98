"""Export the register to a workbook that is safe to open and imports back with no changes.

export_register streams the rows the list shows for a filter into an .xlsx (xlsxwriter in
constant_memory mode: a row is on disk as soon as the next one starts, so 1,000,000 rows fit in a
few MB), logs the export in the change log, and only then puts the file in place under its name:
a failed or cancelled export leaves no file behind and no log row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlmodel import Session

from imports.export_cells import (
    FORMULA_STARTS,
    ExportColumn,
    column_width,
    export_columns,
    needs_guard,
    shown_width,
)
from storage.audit import Actor, utc_now
from storage.tables import new_uuid
from workbench.services.errors import WorkbenchError
from workbench.services.export_log import record_export
from workbench.services.export_rows import BusinessFilter, ExportRow, count_rows, describe_filter, export_rows

__all__ = ["ExportCancelled", "ExportFailed", "ExportResult", "export_register", "xlsx_path"]

ProgressCallback = Callable[[int, int], None]
"""(rows written, rows in all); it may raise ExportCancelled to stop: nothing is then left behind."""

DATA_SHEET = "市场主体"
INFO_SHEET = "导出说明"
MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header
PROGRESS_EVERY = 1000
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_GUARD_STARTS = frozenset(FORMULA_STARTS)  # one character each
_OTHER_SPREADSHEET_SUFFIXES = {".xls", ".xlsm", ".csv", ".ods", ".et", ".wps"}


class ExportFailed(WorkbenchError):
    title = "导出未完成"


class ExportCancelled(ExportFailed):
    title = "导出已取消"

    def __init__(self) -> None:
        super().__init__("导出已取消，没有生成文件")


@dataclass(frozen=True)
class ExportResult:
    """Where the file is, how many businesses it holds, and under which filter."""

    path: Path
    rows: int
    full_personal_data: bool
    description: str
    export_uuid: str


def xlsx_path(path: str | Path) -> Path:
    """The path with an .xlsx ending (市场主体 -> 市场主体.xlsx; a.xls -> a.xlsx: the content is xlsx)."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return path
    if suffix in _OTHER_SPREADSHEET_SUFFIXES:
        return path.with_suffix(".xlsx")
    return path.with_name(path.name + ".xlsx")


def export_register(
    *,
    session: Session,
    actor: Actor,
    flt: BusinessFilter,
    path: str | Path,
    full_personal_data: bool = False,
    progress: ProgressCallback | None = None,
    at: datetime | None = None,
) -> ExportResult:
    """Write the businesses matching flt (the actor's office only) to path; commits the export's log rows."""
    if flt.office_id != actor.office_id:
        raise ExportFailed("只能导出本所的市场主体")
    target = xlsx_path(path)
    at = at or utc_now()
    total = count_rows(session=session, flt=flt)
    if total > MAX_ROWS:
        raise ExportFailed(
            f"符合条件的市场主体有 {total:,} 户，超过 Excel 一个工作表的上限（{MAX_ROWS:,} 行），"
            "请按网格、状态等条件分几次导出"
        )
    description = describe_filter(session=session, flt=flt)
    _make_folder(target.parent)
    partial = target.with_name(f".{target.name}.{new_uuid()[:8]}.part")
    try:
        info = _info_lines(actor, at, description, full_personal_data)
        try:
            written = write_workbook(
                partial,
                export_rows(session=session, flt=flt),
                export_columns(full_personal_data=full_personal_data),
                total,
                progress,
                info,
            )
        except OSError as error:  # a full disk, a folder made read-only meanwhile
            raise ExportFailed(f"无法写入「{target}」：{error.strerror or error}") from None
        export_uuid = record_export(
            session=session,
            actor=actor,
            file_name=target.name,
            description=description,
            rows=written,
            full_personal_data=full_personal_data,
            at=at,
        )
        session.flush()
        _put_in_place(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        session.rollback()
        raise
    try:
        session.commit()
    except BaseException:
        target.unlink(missing_ok=True)  # personal data never leaves without its log row
        raise
    return ExportResult(target, written, full_personal_data, description, export_uuid)


def write_logged_file(
    *,
    session: Session,
    actor: Actor,
    target: Path,
    description: str,
    rows: int,
    write: Callable[[Path], None],
) -> None:
    """A small export (pools, support records): written beside `target`, logged, moved into place, committed.

    The file and its change-log row exist together or not at all, as for the register's own export.
    """
    _make_folder(target.parent)
    partial = target.with_name(f".{target.name}.{new_uuid()[:8]}.part")
    try:
        try:
            write(partial)
        except PermissionError:
            raise ExportFailed(
                f"「{target}」正被其他程序打开或没有写入权限：请先关闭它，或换一个文件名"
            ) from None
        record_export(
            session=session,
            actor=actor,
            file_name=target.name,
            description=description,
            rows=rows,
            full_personal_data=False,
            at=utc_now(),
        )
        session.flush()
        _put_in_place(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        session.rollback()
        raise
    session.commit()


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportFailed(
            f"无法在「{folder}」建立文件夹（{error.strerror or error}），请换一个保存位置"
        ) from None


def _put_in_place(partial: Path, target: Path) -> None:
    try:
        os.replace(partial, target)
    except PermissionError:
        raise ExportFailed(
            f"「{target}」正被其他程序打开或没有写入权限：请先在 Excel 中关闭它，或换一个文件名再导出"
        ) from None
    except OSError as error:
        raise ExportFailed(f"无法保存「{target}」：{error.strerror or error}") from None


def _info_lines(actor: Actor, at: datetime, description: str, full: bool) -> list[tuple[str, str]]:
    local = at.astimezone()
    personal = (
        "含完整身份证号和手机号：本次导出已记入变更记录，请妥善保管、用后删除"
        if full
        else "身份证号、联系电话只显示前后几位（中间以 * 隐藏）；再次导入时这两列不会导入"
    )
    return [
        ("导出时间", local.strftime("%Y-%m-%d %H:%M")),
        ("导出人", actor.who),
        ("终端", actor.device),
        ("导出条件", description),
        ("个人信息", personal),
        ("说明", "本表可直接修改后用「导入」读回：表头与导入识别的列名一致"),
    ]


@dataclass
class _Formats:
    header: Any
    guarded: Any
    code: Any
    code_guarded: Any
    date: Any
    money: Any
    count: Any


def _formats(workbook: Any) -> _Formats:
    return _Formats(
        header=workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"}),
        guarded=workbook.add_format({"quote_prefix": True}),
        # "@" is Excel's Text format: what a person types into the cell later stays text too.
        code=workbook.add_format({"num_format": "@"}),
        code_guarded=workbook.add_format({"num_format": "@", "quote_prefix": True}),
        date=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        money=workbook.add_format({"num_format": "#,##0"}),
        count=workbook.add_format({"num_format": "0"}),
    )


def write_workbook(
    path: Path,
    rows: Iterable[ExportRow],
    columns: tuple[ExportColumn, ...],
    total: int,
    progress: ProgressCallback | None,
    info: list[tuple[str, str]],
) -> int:
    """Write the data sheet (序号 then the columns) and the info sheet; returns the rows written."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        formats = _formats(workbook)
        sheet = workbook.add_worksheet(DATA_SHEET)
        written = _write_rows(sheet, formats, rows, columns, total, progress)
        _write_info(workbook.add_worksheet(INFO_SHEET), formats, info, written)
        sheet.activate()
    finally:
        workbook.close()
    return written


def _write_rows(
    sheet: Any,
    formats: _Formats,
    rows: Iterable[ExportRow],
    columns: tuple[ExportColumn, ...],
    total: int,
    progress: ProgressCallback | None,
) -> int:
    headers = ["序号", *(column.header for column in columns)]
    for index, header in enumerate(headers):
        sheet.write_string(0, index, header, formats.header)
    widest = [len(str(total))] + [0] * len(columns)
    plan = [(index, column.value, column.kind) for index, column in enumerate(columns, start=1)]
    write_string, write_number = sheet.write_string, sheet.write_number
    number = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:  # rows added since the count: xlsxwriter would drop them without a word
            raise ExportFailed(
                f"符合条件的市场主体超过 Excel 一个工作表的上限（{MAX_ROWS:,} 行），请分几次导出"
            )
        write_number(number, 0, number, formats.count)
        for index, value_of, kind in plan:
            value = value_of(row)
            if value is None or value == "":
                continue
            if kind == "text" or kind == "code":
                guarded = value[0] in _GUARD_STARTS
                if kind == "code":
                    write_string(number, index, value, formats.code_guarded if guarded else formats.code)
                else:
                    write_string(number, index, value, formats.guarded if guarded else None)
                # A character takes at most two cells: most values cannot beat the widest, so skip measuring.
                width = 0 if 2 * len(value) <= widest[index] else shown_width(kind, value)
            elif kind == "date":
                write_number(number, index, value.toordinal() - _EXCEL_EPOCH, formats.date)
                width = 10
            else:
                write_number(number, index, value, formats.money if kind == "money" else formats.count)
                width = shown_width(kind, value)
            if width > widest[index]:
                widest[index] = width
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
    if progress is not None:
        progress(number, max(total, number))
    for index, header in enumerate(headers):
        sheet.set_column(index, index, column_width(header, widest[index]))
    sheet.freeze_panes(1, 2)  # the header row and 序号 + 名称 stay in view
    sheet.autofilter(0, 0, max(number, 1), len(headers) - 1)
    return number


def _write_info(sheet: Any, formats: _Formats, info: list[tuple[str, str]], written: int) -> None:
    lines = [*info[:4], ("户数", f"{written:,}"), *info[4:]]
    for row, (label, text) in enumerate(lines):
        sheet.write_string(row, 0, label, formats.header)
        sheet.write_string(row, 1, text, formats.guarded if needs_guard(text) else None)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, min(100, max(shown_width("text", text) for _label, text in lines) + 2))
