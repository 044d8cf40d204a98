"""CSV and tab-separated text in the encoding sniff found; one record is one Excel row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imports.errors import UnreadableFile
from imports.readers.base import SheetInfo, SheetRows
from imports.sniff import SAVE_AS_XLSX, Sniffed


def text_sheets(path: Path) -> list[SheetInfo]:
    """A text table has one sheet, named after the file the way Excel names it."""
    return [SheetInfo(path.stem)]


def text_rows(path: Path, data: bytes, sniffed: Sniffed) -> SheetRows:
    """Records numbered as Excel numbers them; a quoted field may span lines and is still one row."""
    return SheetRows(path.stem, _records(data, sniffed.encoding or "utf-8", sniffed.delimiter), None)


def _records(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        number = 0
        try:
            for number, record in enumerate(reader, 1):
                yield number, [_unwrap(field) for field in record] if '="' in delimiter.join(record) else record
        except csv.Error as error:
            raise _unreadable(error, number + 1, reader.line_num) from None


def _unreadable(error: csv.Error, record: int, line: int) -> UnreadableFile:
    if "field larger than field limit" in str(error):
        # The csv module's limit (131,072 characters) is four times Excel's cell limit (32,767): such a field
        # is an opening quote that is never closed, which swallows the rest of the file.
        return UnreadableFile(
            f"文件过大或已损坏：第 {record:,} 行（文本第 {line:,} 行附近）有一个超过 {csv.field_size_limit():,} 个字符的单元格"
            "（Excel 一个单元格最多 32,767 个字符），多半是某个引号（\"）没有配对。"
            "请用 Excel 或 WPS 打开，检查该行的引号后另存为 .xlsx 再导入"
        )
    return UnreadableFile(f"CSV 文件第 {record:,} 行（文本第 {line:,} 行）格式有误，无法读取（{error}）。{SAVE_AS_XLSX}")


def _unwrap(field: str) -> str:
    # Web systems write ="330302000003031" so that Excel keeps a long code as text.
    if field.startswith('="') and field.endswith('"') and len(field) >= 3:
        return field[2:-1]
    return field
