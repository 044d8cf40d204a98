"""Writing the sheets of a sync package: a table's rows under its layout, the manifest, the info sheet,
and Excel's own password encryption (msoffcrypto-tool) for a package that carries ID numbers in full.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from imports.sheet_writer import EXCEL_EPOCH, GUARD_STARTS, Kind, XlsxBook, cell_text
from imports.sync_sheets import FORMAT_MARK, SheetLayout
from workbench.domain.sync_model import PackageManifest, Scalar
from workbench.services.sync_rows import PlainRow

MANIFEST_SHEET = "清单"
INFO_SHEET = "说明"
ROWS_KEY = "rows:"  # the manifest's per-sheet row counts: "rows:市场主体" = 5000

_MANIFEST_LABELS = {
    "format": "格式", "package_id": "包编号", "kind": "包类型", "office_code": "所代码", "office_name": "所名称",
    "office_uuid": "所 uuid", "officer": "干部", "device": "生成终端", "created_at": "生成时间",
    "schema_version": "数据库版本", "base_package_id": "所据外业包编号", "row_count": "总行数",
    "personal_data": "含完整身份证号", "businesses": "市场主体户数",
}


def _cell_writer(book: XlsxBook, sheet: Any, kind: Kind) -> Callable[[int, int, Any], None]:
    """One column's cell writer: the same safe cells as XlsxSheet.write (control characters removed, text
    that Excel would run as a formula quote-prefixed, codes as Text, dates as dates) without its per-cell
    kind dispatch and width count: a package writes 250,000 cells, and the widths come from the headers."""
    write_string, write_number = sheet.write_string, sheet.write_number
    if kind in ("text", "code"):
        plain, guarded = (book.code, book.code_guarded) if kind == "code" else (None, book.guarded)

        def put_text(row: int, column: int, value: Any) -> None:
            if value is None or value == "":
                return
            text = value if isinstance(value, str) else str(value)
            if not text.isprintable():
                text = cell_text(text)
                if not text:
                    return
            write_string(row, column, text, guarded if text[0] in GUARD_STARTS else plain)

        return put_text
    if kind == "date":
        date_format = book.date

        def put_date(row: int, column: int, value: Any) -> None:
            if value is not None:
                write_number(row, column, value.toordinal() - EXCEL_EPOCH, date_format)

        return put_date
    number_format = book.money if kind == "money" else book.count

    def put_number(row: int, column: int, value: Any) -> None:
        if value is not None and value != "":
            write_number(row, column, value, number_format if not isinstance(value, float) or value.is_integer()
                         else book.number)

    return put_number


def write_table(
    book: XlsxBook, item: SheetLayout, rows: Sequence[PlainRow], names: Mapping[str, Mapping[str, str]],
    mask: Mapping[str, Callable[[str], str]] | None = None, progress: Callable[[int], None] | None = None,
) -> None:
    """One sheet: header row, then a row per PlainRow (names: table -> uuid -> the name shown beside it)."""
    headers = item.headers
    sheet = book.sheet(item.title, len(headers))
    sheet.header(headers)
    raw = sheet.sheet
    columns = item.columns
    human = [column for column in columns if not column.machine]
    machine = [column for column in columns if column.machine]
    names_at = 0 if item.names_first else len(human)
    human_at = len(item.reference_names) if item.names_first else 0
    machine_at = len(item.reference_names) + len(human)
    masks = mask or {}
    put_name = _cell_writer(book, raw, "text")
    name_plan = [(names_at + offset, names[table], key)
                 for offset, (_header, table, key) in enumerate(item.reference_names)]
    plan = [(human_at + offset, column.key, column.to_cell, _cell_writer(book, raw, column.kind),
             masks.get(column.key)) for offset, column in enumerate(human)]
    write_string, write_number = raw.write_string, raw.write_number
    code, count = book.code, book.count
    assert [column.key for column in machine[:2]] == ["uuid", "version"]
    references = [(machine_at + offset, column.key) for offset, column in enumerate(machine) if offset >= 2]
    for number, row in enumerate(rows, start=1):
        values = row.values
        for at, shown, key in name_plan:
            target = values.get(key)
            if target:
                put_name(number, at, shown.get(str(target)))
        for at, key, to_cell, put, mask_of in plan:
            value = values.get(key)
            if mask_of is not None and isinstance(value, str) and value:
                value = mask_of(value)
            put(number, at, to_cell(value))
        # uuids and versions are the program's own: straight to xlsxwriter
        write_string(number, machine_at, row.uuid, code)
        write_number(number, machine_at + 1, row.version, count)
        for at, key in references:
            target = values.get(key)
            if target:
                write_string(number, at, str(target), code)
        if progress is not None and number % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(rows) % 1000)
    for index, header in enumerate(headers):
        width = 12 if index >= machine_at else min(40, max(10, 2 * len(header) + 4))
        raw.set_column(index, index, width)
    raw.freeze_panes(1, 0)


def write_manifest(book: XlsxBook, manifest: PackageManifest, extra: Mapping[str, Scalar],
                   counts: Iterable[tuple[str, int]]) -> None:
    sheet = book.sheet(MANIFEST_SHEET, 3)
    sheet.header(["项目", "值", "key"])
    lines: list[tuple[str, Scalar]] = [
        ("format", FORMAT_MARK), ("package_id", manifest.package_id), ("kind", manifest.kind),
        ("office_code", manifest.office_code), ("officer", manifest.officer), ("device", manifest.device),
        ("created_at", manifest.created_at), ("schema_version", manifest.schema_version),
        ("base_package_id", manifest.base_package_id), ("row_count", manifest.row_count),
        ("personal_data", "是" if manifest.personal_data else "否"), *extra.items(),
    ]
    lines += [(ROWS_KEY + title, count) for title, count in counts]
    for row, (key, value) in enumerate(lines, start=1):
        label = _MANIFEST_LABELS.get(key) or (f"「{key[len(ROWS_KEY):]}」行数" if key.startswith(ROWS_KEY) else key)
        sheet.write(row, 0, label, "text")
        sheet.write(row, 1, value, "count" if isinstance(value, int) else "code")
        sheet.write(row, 2, key, "code")
    sheet.sheet.set_column(0, 0, 18)
    sheet.sheet.set_column(1, 1, 40)
    sheet.sheet.set_column(2, 2, 20)


def write_info(book: XlsxBook, lines: Sequence[tuple[str, str]]) -> None:
    sheet = book.sheet(INFO_SHEET, 2)
    for row, (label, text) in enumerate(lines):
        sheet.write(row, 0, label, "text", book.header)
        sheet.write(row, 1, text, "text")
    sheet.sheet.set_column(0, 0, 14)
    sheet.sheet.set_column(1, 1, 90)


def encrypt_file(path: Path, password: str) -> None:
    """Encrypt the workbook at path in place with Excel's own (agile) encryption: it opens in Excel and WPS
    with the password, and nowhere without it."""
    import msoffcrypto.format.ooxml

    with path.open("rb") as plain:
        document = msoffcrypto.format.ooxml.OOXMLFile(plain)
        encrypted = io.BytesIO()
        document.encrypt(password, encrypted)
    path.write_bytes(encrypted.getvalue())
