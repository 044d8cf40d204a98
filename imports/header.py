"""Find the header row: real exports start with a title, merged title cells or notes, sometimes two header rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from imports.columns import IGNORE, Matcher, match_header, normalise_header

SCAN_ROWS = 20
Rows = Sequence[tuple[int, list[Any]]]


@dataclass(frozen=True)
class Header:
    """Where the header is, what each column is called, and the text each column was matched by."""

    row_numbers: tuple[int, ...]
    headers: list[str]
    keys: list[str]
    data_from: int  # index into the scanned rows of the first row after the header
    score: int


@cache  # a file has a few dozen columns, and a problem names its column's letter
def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def find_header(rows: Rows, confirmed: dict[str, str] | None = None, scan: int = SCAN_ROWS,
                matcher: Matcher = match_header) -> Header | None:
    """The one- or two-row header among the first `scan` rows that names the most distinct fields (of the
    list `matcher` knows: a registration list unless told)."""
    window = list(rows[:scan])
    singles = [_scored(_single(window, index), confirmed, matcher) for index in range(len(window))]
    best: Header | None = None
    for index, single in enumerate(singles):
        candidate = single
        if index + 1 < len(window):
            # Two rows only when they name more fields than either alone: a title row above a header
            # must not become part of it.
            double = _scored(_double(window, index, matcher), confirmed, matcher)
            if double.score > max(single.score, singles[index + 1].score):
                candidate = double
        if best is None or candidate.score > best.score:
            best = candidate
    return best if best is not None and best.score > 0 else None


def header_at(rows: Rows, row_number: int, two_rows: bool = False, matcher: Matcher = match_header) -> Header | None:
    """The header a person pointed at (Excel row number), or None when that row is not among `rows`."""
    for index, (number, _cells) in enumerate(rows):
        if number == row_number:
            if two_rows and index + 1 < len(rows):
                return _scored(_double(rows, index, matcher), None, matcher)
            return _scored(_single(rows, index), None, matcher)
    return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _single(rows: Rows, index: int) -> Header:
    number, cells = rows[index]
    texts = [_text(cell) for cell in cells]
    return Header((number,), texts, texts, index + 1, 0)


def _double(rows: Rows, index: int, matcher: Matcher) -> Header:
    (upper_number, upper_cells), (lower_number, lower_cells) = rows[index], rows[index + 1]
    width = max(len(upper_cells), len(lower_cells))
    uppers = [_text(cell) for cell in upper_cells] + [""] * (width - len(upper_cells))
    lowers = [_text(cell) for cell in lower_cells] + [""] * (width - len(lower_cells))
    headers: list[str] = []
    keys: list[str] = []
    group = ""  # a merged group title (联系方式 over 电话 and 手机) carries to the right
    for upper, lower in zip(uppers, lowers, strict=True):
        if upper:
            group = upper if lower else ""
        up = upper or (group if lower else "")
        headers.append(f"{up}/{lower}" if up and lower else up or lower)
        keys.append(_pair_key(up, lower, matcher))
    return Header((upper_number, lower_number), headers, keys, index + 2, 0)


def _pair_key(upper: str, lower: str, matcher: Matcher) -> str:
    for key in (lower, upper + lower, "" if lower else upper):
        if key and matcher(key) not in (None, IGNORE):
            return key
    return lower or upper


def _scored(header: Header, confirmed: dict[str, str] | None, matcher: Matcher) -> Header:
    found: set[str] = set()
    for key in header.keys:
        name = (confirmed or {}).get(normalise_header(key)) or matcher(key)
        if name:
            found.add(name)
    return Header(header.row_numbers, _labels(header.headers), header.keys, header.data_from, len(found))


def _labels(headers: list[str]) -> list[str]:
    """Every column gets a distinct label: 「F列」 when it has no header, 「备注（G列）」 for a repeat."""
    width = len(headers)
    while width and not headers[width - 1]:
        width -= 1
    seen: set[str] = set()
    labels: list[str] = []
    for index, header in enumerate(headers[:width]):
        label = header or f"{column_letter(index)}列"
        if label in seen:
            label = f"{label}（{column_letter(index)}列）"
        seen.add(label)
        labels.append(label)
    return labels
