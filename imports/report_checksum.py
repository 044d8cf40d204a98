"""How the figures of an issued workbook are fingerprinted, so a copy edited by hand after issue is detected.

Every visible sheet's cells are reduced to canonical text (a number to 12 significant digits, so Excel or
LibreOffice saving the file again without a change keeps the fingerprint; a date to its ISO day; a type
prefix, so 123 typed over as the text "123" is a change) and hashed; the hidden machine sheet holds those
hashes and a checksum over its own rows. This detects a hand edit, not a forgery: anyone who reads this
code can recompute the hashes (a county office merging reports needs to catch mistakes, not attackers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any


def canonical(value: Any) -> str | None:
    """The value as the fingerprint sees it; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, int | float):
        return f"n:{float(value):.12g}"
    if isinstance(value, datetime):
        rounded = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if rounded.hour == rounded.minute == rounded.second == 0:
            return f"d:{rounded.date().isoformat()}"
        return f"t:{rounded.isoformat()}"
    if isinstance(value, date):
        return f"d:{value.isoformat()}"
    # XML turns a CR LF in a cell into LF when the file is read: the fingerprint does the same.
    return "s:" + str(value).replace("\r\n", "\n").replace("\r", "\n")


def cells_digest(cells: Mapping[tuple[int, int], str]) -> str:
    """The hash of a sheet's canonical cells, in row-major order (as written or as read back)."""
    digest = hashlib.sha256()
    for (row, column), text in sorted(cells.items()):
        digest.update(f"{row}\t{column}\t{text}\n".encode())
    return digest.hexdigest()


def read_cells(rows: Iterable[Sequence[Any]]) -> dict[tuple[int, int], str]:
    """The canonical cells of a sheet read back (openpyxl's rows of values, from row 0)."""
    cells: dict[tuple[int, int], str] = {}
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            text = canonical(value)
            if text is not None:
                cells[row_index, column] = text
    return cells


def rows_checksum(rows: Iterable[Sequence[Any]]) -> str:
    """The checksum of the machine sheet's rows above its checksum line."""
    digest = hashlib.sha256()
    for row in rows:
        for column, value in enumerate(row):
            text = canonical(value)
            if text is not None:
                digest.update(f"{column}\t{text}\t".encode())
        digest.update(b"\n")
    return digest.hexdigest()
