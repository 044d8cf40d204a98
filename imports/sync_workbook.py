"""Writing the sheets of a sync package: a table's rows under its layout, the manifest, the info sheet,
and Excel's own password encryption (msoffcrypto-tool) for a package that carries ID numbers in full.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from imports.sheet_writer import XlsxBook
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


def write_table(
    book: XlsxBook, item: SheetLayout, rows: Sequence[PlainRow], names: Mapping[str, Mapping[str, str]],
    mask: Mapping[str, Callable[[str], str]] | None = None, progress: Callable[[int], None] | None = None,
) -> None:
    """One sheet: header row, then a row per PlainRow (names: table -> uuid -> the name shown beside it)."""
    headers = item.headers
    sheet = book.sheet(item.title, len(headers))
    sheet.header(headers)
    write = sheet.write
    columns = item.columns
    human = [column for column in columns if not column.machine]
    machine = [column for column in columns if column.machine]
    names_at = 0 if item.names_first else len(human)
    human_at = len(item.reference_names) if item.names_first else 0
    machine_at = len(item.reference_names) + len(human)
    masks = mask or {}
    for number, row in enumerate(rows, start=1):
        values = row.values
        for offset, (_header, table, key) in enumerate(item.reference_names):
            target = values.get(key)
            write(number, names_at + offset, names[table].get(str(target)) if target else None, "text")
        for offset, column in enumerate(human):
            value = values.get(column.key)
            if column.key in masks and isinstance(value, str) and value:
                value = masks[column.key](value)
            write(number, human_at + offset, column.to_cell(value), column.kind)
        stamp: dict[str, Scalar] = {"uuid": row.uuid, "version": row.version, "updated_at": row.updated_at,
                                    "updated_by": row.updated_by, "device": row.device}
        for offset, column in enumerate(machine):
            value = stamp[column.key] if column.key in stamp else values.get(column.key)
            write(number, machine_at + offset, value, column.kind)
        if progress is not None and number % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(rows) % 1000)
    for index, header in enumerate(headers):
        machine_column = index >= machine_at
        sheet.sheet.set_column(index, index, 12 if machine_column else min(40, max(10, 2 * len(header) + 4)))
    sheet.sheet.freeze_panes(1, 0)


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
