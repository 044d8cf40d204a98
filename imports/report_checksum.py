"""How the figures of an issued workbook are fingerprinted, so a copy edited by hand after issue is detected.

Every visible sheet's cells are reduced to canonical text (a number to 12 significant digits, so Excel or
LibreOffice saving the file again without a change keeps the fingerprint; a date to its ISO day; a type
prefix, so 123 typed over as the text "123" is a change) and hashed; the hidden machine sheet holds those
hashes and a checksum over its own rows. This detects a hand edit, not a forgery: anyone who reads this
code can recompute the hashes (a county office merging reports needs to catch mistakes, not attackers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
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


class SheetFingerprint:
    """The hash of a sheet's canonical cells in row-major order, fed as the sheet is written: one row is held
    at a time (a 明细 of 50,000 rows costs no memory here). The writers write rows in order, as xlsxwriter's
    constant_memory mode needs too; a write to an earlier row is a programming error and raises."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._row = -1
        self._pending: dict[int, str] = {}

    def add(self, row: int, column: int, text: str) -> None:
        if row != self._row:
            if row < self._row:
                raise ValueError(f"row {row} written after row {self._row}")
            self._flush()
            self._row = row
        self._pending[column] = text

    def _flush(self) -> None:
        for column in sorted(self._pending):
            self._digest.update(f"{self._row}\t{column}\t{self._pending[column]}\n".encode())
        self._pending.clear()

    def hexdigest(self) -> str:
        self._flush()
        return self._digest.hexdigest()


def rows_digest(rows: Iterable[Sequence[Any]]) -> str:
    """The same hash of a sheet read back (rows of values from A1)."""
    fingerprint = SheetFingerprint()
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            text = canonical(value)
            if text is not None:
                fingerprint.add(row_index, column, text)
    return fingerprint.hexdigest()


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
