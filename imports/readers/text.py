"""CSV and tab-separated text in the encoding sniff found; one record is one Excel row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imports.readers.base import SheetInfo, SheetRows
from imports.sniff import Sniffed


def text_sheets(path: Path) -> list[SheetInfo]:
    """A text table has one sheet, named after the file the way Excel names it."""
    return [SheetInfo(path.stem)]


def text_rows(path: Path, data: bytes, sniffed: Sniffed) -> SheetRows:
    """Records numbered as Excel numbers them; a quoted field may span lines and is still one row."""
    return SheetRows(path.stem, _records(data, sniffed.encoding or "utf-8", sniffed.delimiter), None)


def _records(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as file:
        for number, record in enumerate(csv.reader(file, delimiter=delimiter), 1):
            yield number, [_unwrap(field) for field in record] if '="' in delimiter.join(record) else record


def _unwrap(field: str) -> str:
    # Web systems write ="330302000003031" so that Excel keeps a long code as text.
    if field.startswith('="') and field.endswith('"') and len(field) >= 3:
        return field[2:-1]
    return field
