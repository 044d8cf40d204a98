"""Editing a field package the way a person and a spreadsheet program do (issue 19): cells by header, rows
typed at the bottom, columns moved, rows sorted; and a real save by LibreOffice Calc (headless), the
spreadsheet program the test machines have (scripts/_setup.sh wb_ensure_office installs it)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet
from pg_server import pg_required

CONVERT_TIMEOUT = 300  # seconds: a hung LibreOffice must not hang the suite (not a speed requirement)


def column(sheet: Worksheet, header: str) -> int:
    return [cell.value for cell in sheet[1]].index(header) + 1


def row_of(sheet: Worksheet, header: str, value: Any) -> int:
    at = column(sheet, header)
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[at - 1].value == value)


def put(sheet: Worksheet, row: int, header: str, value: Any, number_format: str | None = None) -> None:
    cell = sheet.cell(row, column(sheet, header), value)
    if number_format is not None:
        cell.number_format = number_format


def add_row(sheet: Worksheet, values: dict[str, Any]) -> int:
    """A row typed below the last one; returns its Excel row number."""
    row = sheet.max_row + 1
    for header, value in values.items():
        put(sheet, row, header, value)
    return row


def add_column(sheet: Worksheet, header: str) -> None:
    sheet.cell(1, sheet.max_column + 1, header)


def rebuild(sheet: Worksheet, *, first: str | None = None, reverse: bool = False) -> None:
    """What a person's tidying leaves: a column moved to the front (a machine column shown and dragged), the
    rows sorted the other way. Cell formats go, as they do when cells are cut and pasted."""
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    if first is not None:
        at = rows[0].index(first)
        rows = [[row[at], *row[:at], *row[at + 1:]] for row in rows]
    body = rows[1:][::-1] if reverse else rows[1:]
    sheet.delete_rows(1, sheet.max_row)
    for values in [rows[0], *body]:
        sheet.append(values)
    for dimension in sheet.column_dimensions.values():
        dimension.hidden = False


def excel_serial(day: date) -> int:
    """Excel's day number for a date (1900 system): what a date cell holds once its format is lost."""
    return (day - date(1899, 12, 30)).days


def saved_by_libreoffice(workbook: Path, folder: Path) -> Path:
    """The workbook opened and saved again as .xlsx by LibreOffice Calc; the copy's path."""
    if shutil.which("soffice") is None:
        message = "LibreOffice missing (soffice): scripts/_setup.sh installs it"
        if pg_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder.mkdir(parents=True, exist_ok=True)
    profile = (folder / "profile").as_uri()  # its own profile: parallel runs do not share a lock
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "xlsx",
         "--outdir", str(folder), str(workbook)],
        capture_output=True, text=True, timeout=CONVERT_TIMEOUT,
    )
    saved = folder / workbook.name
    assert result.returncode == 0 and saved.is_file(), result.stdout + result.stderr
    return saved
