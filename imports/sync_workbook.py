"""Writing the sheets of a sync package (imports.fast_xlsx): a table's rows under its layout, the manifest,
the info sheet, and Excel's own password encryption (msoffcrypto-tool) for a package that carries ID
numbers in full.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from imports.fast_xlsx import HEADER, FastBook, FastSheet, cell_xml
from imports.sheet_writer import Kind
from imports.sync_sheets import FORMAT_MARK, SheetLayout
from workbench.domain.sync_model import PackageManifest, Scalar
from workbench.services.sync_rows import PlainRow

MANIFEST_SHEET = "清单"
BASE_SHEET = "基准值"  # hidden: each row's values as the package carried them, for a package edited by hand
INFO_SHEET = "说明"
ROWS_KEY = "rows:"  # the manifest's per-sheet row counts: "rows:市场主体" = 5000

_MANIFEST_LABELS = {
    "format": "格式", "package_id": "包编号", "kind": "包类型", "office_code": "所代码", "office_name": "所名称",
    "office_uuid": "所 uuid", "officer": "干部", "device": "生成终端", "created_at": "生成时间",
    "schema_version": "数据库版本", "base_package_id": "所据外业包编号", "row_count": "总行数",
    "personal_data": "含完整身份证号", "businesses": "市场主体户数",
}


def header_width(header: str) -> float:
    """A column as wide as its header (a CJK character two), within 10..40."""
    return min(40, max(10, sum(2 if ord(char) > 0x2E80 else 1 for char in header) + 4))


def plain_sheet(book: FastBook, title: str, headers: Sequence[str], widths: Sequence[float] | None = None) -> FastSheet:
    sheet = book.sheet(title, widths or [header_width(header) for header in headers])
    sheet.row(1, headers, ["text"] * len(headers), HEADER)
    return sheet


def write_table(
    book: FastBook, item: SheetLayout, rows: Sequence[PlainRow], names: Mapping[str, Mapping[str, str]],
    mask: Mapping[str, Callable[[str], str]] | None = None, progress: Callable[[int], None] | None = None,
) -> None:
    """One sheet: header row, then a row per PlainRow (names: table -> uuid -> the name shown beside it)."""
    headers = item.headers
    human = [column for column in item.columns if not column.machine]
    machine = [column for column in item.columns if column.machine]
    machine_at = len(item.reference_names) + len(human)
    sheet = plain_sheet(book, item.title, headers,
                        [header_width(h) if i < machine_at else 12 for i, h in enumerate(headers)])
    letters = sheet.letters
    names_at = 0 if item.names_first else len(human)
    human_at = len(item.reference_names) if item.names_first else 0
    masks = mask or {}
    text_cell, code_cell, count_cell = cell_xml("text"), cell_xml("code"), cell_xml("count")
    # (letter, value of the row) per column, in the sheet's order
    getters: list[tuple[int, Callable[[PlainRow], Scalar], Callable[[str, object], str]]] = []
    for offset, (_header, table, key) in enumerate(item.reference_names):
        shown = names[table]
        getters.append((names_at + offset, _name_of(shown, key), text_cell))
    for offset, column in enumerate(human):
        getters.append((human_at + offset, _value_of(column.key, column.to_cell, masks.get(column.key)),
                        cell_xml(column.kind)))
    getters.append((machine_at, _uuid_of, code_cell))
    getters.append((machine_at + 1, _version_of, count_cell))
    for offset, column in enumerate(machine[2:], start=2):
        getters.append((machine_at + offset, _key_of(column.key), code_cell))
    getters.sort(key=lambda getter: getter[0])
    plan = [(letters[index], get, make) for index, get, make in getters]
    for number, row in enumerate(rows, start=2):
        tail = str(number)
        sheet.row_xml(number, "".join([make(letter + tail, get(row)) for letter, get, make in plan]))
        if progress is not None and number % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(rows) - 1000 * ((len(rows) + 1) // 1000))


def _name_of(shown: Mapping[str, str], key: str) -> Callable[[PlainRow], Scalar]:
    def get(row: PlainRow) -> Scalar:
        target = row.values.get(key)
        return shown.get(str(target)) if target else None

    return get


def _value_of(key: str, to_cell: Callable[[Scalar], object], mask: Callable[[str], str] | None
              ) -> Callable[[PlainRow], Scalar]:
    def get(row: PlainRow) -> Scalar:
        value = row.values.get(key)
        if mask is not None and isinstance(value, str) and value:
            value = mask(value)
        return to_cell(value)  # type: ignore[return-value]

    return get


def _key_of(key: str) -> Callable[[PlainRow], Scalar]:
    return lambda row: row.values.get(key)


def _uuid_of(row: PlainRow) -> Scalar:
    return row.uuid


def _version_of(row: PlainRow) -> Scalar:
    return row.version


def write_base(book: FastBook, tables: Mapping[str, Sequence[PlainRow]],
               masks: Mapping[str, Callable[[str], str]]) -> None:
    """The hidden sheet of base values: what each row held when the package was written (masked as the
    sheet shows it), so a package changed by hand in Excel or WPS reads back as changes against them."""
    import json

    sheet = book.sheet(BASE_SHEET, [16, 38, 8, 60], hidden=True)
    sheet.row(1, ["table", "uuid", "version", "values"], ["text"] * 4, HEADER)
    text_cell, count_cell = cell_xml("code"), cell_xml("count")
    number = 1
    for table, rows in tables.items():
        for row in rows:
            number += 1
            values = row.values
            if table == "business" and masks:
                values = {key: (masks[key](value) if key in masks and isinstance(value, str) and value else value)
                          for key, value in values.items()}
            tail = str(number)
            sheet.row_xml(number, text_cell("A" + tail, table) + text_cell("B" + tail, row.uuid)
                          + count_cell("C" + tail, row.version)
                          + text_cell("D" + tail, json.dumps(values, ensure_ascii=False, separators=(",", ":"))))


def write_manifest(book: FastBook, manifest: PackageManifest, extra: Mapping[str, Scalar],
                   counts: Iterable[tuple[str, int]]) -> None:
    sheet = plain_sheet(book, MANIFEST_SHEET, ["项目", "值", "key"], [18, 40, 20])
    lines: list[tuple[str, Scalar]] = [
        ("format", FORMAT_MARK), ("package_id", manifest.package_id), ("kind", manifest.kind),
        ("office_code", manifest.office_code), ("officer", manifest.officer), ("device", manifest.device),
        ("created_at", manifest.created_at), ("schema_version", manifest.schema_version),
        ("base_package_id", manifest.base_package_id), ("row_count", manifest.row_count),
        ("personal_data", "是" if manifest.personal_data else "否"), *extra.items(),
    ]
    lines += [(ROWS_KEY + title, count) for title, count in counts]
    for row, (key, value) in enumerate(lines, start=2):
        label = _MANIFEST_LABELS.get(key) or (f"「{key[len(ROWS_KEY):]}」行数" if key.startswith(ROWS_KEY) else key)
        kind: Kind = "count" if isinstance(value, int) else "code"
        sheet.row(row, [label, value, key], ["text", kind, "code"])


def write_info(book: FastBook, lines: Sequence[tuple[str, str]]) -> None:
    sheet = book.sheet(INFO_SHEET, [14, 90], freeze_header=False)
    for row, (label, text) in enumerate(lines, start=1):
        sheet.row_xml(row, cell_xml("text", HEADER)(f"A{row}", label) + cell_xml("text")(f"B{row}", text))


def encrypt_file(path: Path, password: str) -> None:
    """Encrypt the workbook at path in place with Excel's own (agile) encryption: it opens in Excel and WPS
    with the password, and nowhere without it."""
    import msoffcrypto.format.ooxml

    with path.open("rb") as plain:
        document = msoffcrypto.format.ooxml.OOXMLFile(plain)
        encrypted = io.BytesIO()
        document.encrypt(password, encrypted)
    path.write_bytes(encrypted.getvalue())
