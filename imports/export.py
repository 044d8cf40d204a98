"""Export the register to a workbook that is safe to open and imports back with no changes.

export_register streams the rows the list shows for a filter into an .xlsx (xlsxwriter in
constant_memory mode: a row is on disk as soon as the next one starts, so 1,000,000 rows fit in a
few MB), logs the export in the change log, and only then puts the file in place under its name:
a failed or cancelled export leaves no file behind and no log row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from imports.export_cells import ExportColumn, export_columns, shown_width
from imports.sheet_writer import CsvSheet, Kind, XlsxBook, XlsxSheet, open_csv
from storage.audit import Actor, utc_now
from workbench.services.export_log import record_export
from workbench.services.export_rows import BusinessFilter, ExportRow, count_rows, describe_filter, export_rows
from workbench.services.file_output import (
    WriteFailed,
    discard,
    failure_text,
    is_special,
    make_folder,
    partial_path,
    put_in_place,
)

__all__ = ["ExportCancelled", "ExportFailed", "ExportResult", "export_path", "export_register", "xlsx_path"]

ProgressCallback = Callable[[int, int], None]
"""(rows written, rows in all); it may raise ExportCancelled to stop: nothing is then left behind."""

DATA_SHEET = "市场主体"
INFO_SHEET = "导出说明"
MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header
PROGRESS_EVERY = 1000
_OTHER_SPREADSHEET_SUFFIXES = {".xls", ".xlsm", ".csv", ".ods", ".et", ".wps"}


class ExportFailed(WriteFailed):
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
    """The path with an .xlsx ending (市场主体 -> 市场主体.xlsx; a.xls -> a.xlsx: the content is xlsx).
    A device or pipe that exists (/dev/full) is written as named."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or is_special(path):
        return path
    if suffix in _OTHER_SPREADSHEET_SUFFIXES:
        return path.with_suffix(".xlsx")
    return path.with_name(path.name + ".xlsx")


def export_path(path: str | Path, default_name: str = "导出.xlsx") -> Path:
    """Where an export goes: a .csv name is written as CSV (see is_csv), anything else as xlsx_path says.

    A folder (`-o ~/桌面`, or a name ending in /) gets default_name inside it: without this the file was
    written beside the folder, as 桌面.xlsx."""
    given = str(path)
    expanded = Path(path).expanduser()
    if expanded.is_dir() or given.endswith(("/", os.sep)):
        expanded = expanded / default_name
    return expanded if is_csv(expanded) else xlsx_path(expanded)


def default_file_name(what: str, at: datetime) -> str:
    """「市场主体导出_20250601_0905.xlsx」: what, and the local time of the export (the app's own default)."""
    return f"{what}_{at.astimezone():%Y%m%d_%H%M}.xlsx"


def is_csv(path: Path) -> bool:
    """A .csv name: the file is then CSV (UTF-8 with BOM, the same masking and formula guard as a workbook)."""
    return path.suffix.lower() == ".csv"


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
    at = at or utc_now()
    target = export_path(path, default_file_name("市场主体导出", at))
    total = count_rows(session=session, flt=flt)
    if total > MAX_ROWS:
        raise ExportFailed(
            f"符合条件的市场主体有 {total:,} 户，超过 Excel 一个工作表的上限（{MAX_ROWS:,} 行），"
            "请按网格、状态等条件分几次导出"
        )
    description = describe_filter(session=session, flt=flt)
    with logged_file(session, target) as partial:
        info = _info_lines(actor, at, description, full_personal_data)
        columns = export_columns(full_personal_data=full_personal_data)
        rows = export_rows(session=session, flt=flt)
        if is_csv(target):
            written = write_csv(partial, rows, columns, total, progress)
        else:
            written = write_workbook(partial, rows, columns, total, progress, info)
        export_uuid = record_export(
            session=session,
            actor=actor,
            file_name=target.name,
            description=description,
            rows=written,
            full_personal_data=full_personal_data,
            at=at,
        )
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
    with logged_file(session, target) as partial:
        write(partial)
        record_export(
            session=session,
            actor=actor,
            file_name=target.name,
            description=description,
            rows=rows,
            full_personal_data=False,
            at=utc_now(),
        )


@contextmanager
def logged_file(session: Session, target: Path) -> Iterator[Path]:
    """A written file and its log rows exist together or not at all (every export and sync package).

    Yields the partial path beside `target`: the body writes it (an OSError — a full disk, no permission, the
    file open in Excel — becomes ExportFailed naming the target) and adds its log rows. Then the file is moved
    into place and the transaction committed; on any failure the partial file is discarded and the transaction
    rolled back, and a commit that fails removes the file: personal data never leaves without its log row.
    """
    make_folder(target.parent, ExportFailed)
    partial = partial_path(target)
    try:
        try:
            yield partial
        except OSError as error:
            raise ExportFailed(failure_text(error, target)) from None
        session.flush()
        put_in_place(partial, target, ExportFailed)
    except BaseException:
        discard(partial, target)
        session.rollback()
        raise
    try:
        session.commit()
    except BaseException:
        target.unlink(missing_ok=True)
        raise


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


def write_workbook(
    path: Path,
    rows: Iterable[ExportRow],
    columns: tuple[ExportColumn, ...],
    total: int,
    progress: ProgressCallback | None,
    info: list[tuple[str, str]],
) -> int:
    """Write the data sheet (序号 then the columns) and the info sheet; returns the rows written."""
    with XlsxBook(path) as book:
        sheet = book.sheet(DATA_SHEET, len(columns) + 1)
        written = _write_rows(sheet, rows, columns, total, progress)
        _write_info(book.sheet(INFO_SHEET, 2), info, written)
        sheet.sheet.activate()
    return written


def write_csv(
    path: Path,
    rows: Iterable[ExportRow],
    columns: tuple[ExportColumn, ...],
    total: int,
    progress: ProgressCallback | None,
) -> int:
    """The data sheet's cells as CSV (no info sheet: who exported and when is in the change log)."""
    kinds: list[Kind] = ["count", *(column.kind for column in columns)]
    values = [column.value for column in columns]
    number = 0
    with open_csv(path) as stream:
        out = CsvSheet(stream)
        out.header(["序号", *(column.header for column in columns)])
        for number, row in enumerate(rows, start=1):
            _check_rows(number)
            out.append([number, *(value_of(row) for value_of in values)], kinds)
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number, total)
    if progress is not None:
        progress(number, max(total, number))
    return number


def _check_rows(number: int) -> None:
    if number > MAX_ROWS:  # rows added since the count: xlsxwriter would drop them without a word
        raise ExportFailed(f"符合条件的市场主体超过 Excel 一个工作表的上限（{MAX_ROWS:,} 行），请分几次导出")


def _write_rows(
    sheet: XlsxSheet,
    rows: Iterable[ExportRow],
    columns: tuple[ExportColumn, ...],
    total: int,
    progress: ProgressCallback | None,
) -> int:
    headers = ["序号", *(column.header for column in columns)]
    sheet.header(headers)
    sheet.widest[0] = len(str(total))
    plan = [(index, column.value, column.kind) for index, column in enumerate(columns, start=1)]
    write = sheet.write
    number = 0
    for number, row in enumerate(rows, start=1):
        _check_rows(number)
        write(number, 0, number, "count")
        for index, value_of, kind in plan:
            write(number, index, value_of(row), kind)
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
    if progress is not None:
        progress(number, max(total, number))
    sheet.fit_columns(headers)
    sheet.sheet.freeze_panes(1, 2)  # the header row and 序号 + 名称 stay in view
    sheet.sheet.autofilter(0, 0, max(number, 1), len(headers) - 1)
    return number


def _write_info(sheet: XlsxSheet, info: list[tuple[str, str]], written: int) -> None:
    lines = [*info[:4], ("户数", f"{written:,}"), *info[4:]]
    for row, (label, text) in enumerate(lines):
        sheet.write(row, 0, label, "text", sheet.book.header)
        sheet.write(row, 1, text, "text")
    sheet.sheet.set_column(0, 0, 12)
    sheet.sheet.set_column(1, 1, min(100, max(shown_width("text", text) for _label, text in lines) + 2))
