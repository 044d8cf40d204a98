"""The cell grid an Excel 97-2003 (.xls) file makes python-calamine allocate, found before it opens the file.

python-calamine reads every sheet of an .xls when it opens it, reserving (rows x columns) cells from each
sheet's DIMENSIONS record and then a grid from its first to its last cell; a 6 KB file that declares
4,294,967,280 rows, or holds one value at row 65,536 column 65,536, makes it ask for terabytes and abort.
So the OLE2 compound file is read here far enough to walk the BIFF records of the Workbook stream: the
declared dimensions of each sheet, and the column of every cell record. An .xls on disk is not compressed: its stream is at most the file's size.
"""

from __future__ import annotations

import struct

from imports.errors import UnreadableFile
from imports.limits import MAX_GRID_CELLS, max_unpacked_bytes, megabytes, too_large
from imports.sniff import SAVE_AS_XLSX

_END_OF_CHAIN = 0xFFFFFFFE
_BOF, _EOF, _DIMENSIONS, _BOUNDSHEET, _MULRK = 0x0809, 0x000A, 0x0200, 0x0085, 0x00BD
# Records whose data starts with the cell's row and column (u16 each), as calamine reads them.
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})
_CELL_BYTES = 32
_RECORD = struct.Struct("<HHHH").unpack_from  # type, length, and a cell record's row and column
# Excel 97-2003 sheets have 256 columns; rows are 16-bit. Within them a grid is at most 65,536 x 256 cells
# (512 MB), inside imports.limits.MAX_GRID_CELLS, so a cell's column is all that needs checking.
_LAST_COLUMN = 0xFF
_DAMAGED = f"这个 .xls 文件的内部结构已损坏，无法读取。{SAVE_AS_XLSX}"


def check_xls(data: bytes) -> None:
    """Refuse (文件过大或已损坏) an .xls whose sheets declare or span more cells than can be held; `data`: the
    file's bytes as the import read them (imports.source)."""
    stream = _workbook_stream(data)
    _check_records(stream)


def _workbook_stream(data: bytes) -> bytes:
    try:
        return _Compound(data).stream(("Workbook", "Book"))
    except (struct.error, IndexError, KeyError, ValueError):
        raise UnreadableFile(_DAMAGED) from None


class _Compound:
    """Just enough of [MS-CFB] to read one stream: header, FAT (via the DIFAT), directory, mini stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
        fat_sectors, self.directory_start = struct.unpack_from("<II", data, 0x2C)
        self.mini_cutoff, self.mini_fat_start = struct.unpack_from("<II", data, 0x38)
        difat_start, difat_count = struct.unpack_from("<II", data, 0x44)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.sector // 4 - 1
        for _ in range(difat_count):
            block = struct.unpack_from(f"<{per_sector + 1}I", data, self._offset(difat_start))
            difat.extend(block[:per_sector])
            difat_start = block[per_sector]
        self.fat: list[int] = []
        for sector in difat[:fat_sectors]:
            self.fat.extend(struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(sector)))

    def stream(self, names: tuple[str, ...]) -> bytes:
        directory = self._chain(self.directory_start, self.sector)
        entries = [directory[start:start + 128] for start in range(0, len(directory), 128)]
        root = entries[0]
        for entry in entries:
            length = struct.unpack_from("<H", entry, 64)[0]
            name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
            if entry[66] == 2 and name in names:
                start, size = struct.unpack_from("<IQ", entry, 116)
                if size > max_unpacked_bytes():
                    raise too_large(f".xls 的工作簿数据有 {megabytes(size)}")
                if size >= self.mini_cutoff:
                    return self._chain(start, self.sector)[:size]
                return self._mini(root, start)[:size]
        raise UnreadableFile(f"这个 .xls 文件里没有工作簿数据。{SAVE_AS_XLSX}")

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.sector

    def _chain(self, start: int, size: int, table: list[int] | None = None, base: bytes | None = None) -> bytes:
        table = self.fat if table is None else table
        parts: list[bytes] = []
        sector = start
        while sector != _END_OF_CHAIN:
            if len(parts) > len(table):
                raise ValueError("a sector chain loops")
            if base is None:
                parts.append(self.data[self._offset(sector):self._offset(sector) + size])
            else:
                parts.append(base[sector * size:(sector + 1) * size])
            sector = table[sector]
        return b"".join(parts)

    def _mini(self, root: bytes, start: int) -> bytes:
        mini_stream = self._chain(struct.unpack_from("<I", root, 116)[0], self.sector)
        mini_fat_bytes = self._chain(self.mini_fat_start, self.sector)
        mini_fat = list(struct.unpack_from(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
        return self._chain(start, self.mini_sector, mini_fat, mini_stream)


def _check_records(stream: bytes) -> None:
    # One struct call per record: 720,000 cell records (60,000 rows x 12 columns) take ~0.5 s.
    names: list[str] = []
    substreams = 0  # top-level BOF records: the workbook globals first, then one per sheet
    depth = 0
    position = 0
    end = len(stream) - 8
    while position <= end:
        kind, length, _row, column = _RECORD(stream, position)
        if kind in _CELL_RECORDS:
            if column > _LAST_COLUMN:
                _refuse_column(_name(names, substreams - 2), column)
        elif kind == _MULRK and length >= 6:
            last = struct.unpack_from("<H", stream, position + 2 + length)[0]
            if last > _LAST_COLUMN:
                _refuse_column(_name(names, substreams - 2), last)
        elif kind == _BOF:
            depth += 1
            substreams += depth == 1
        elif kind == _EOF:
            depth = max(depth - 1, 0)
        elif kind == _BOUNDSHEET:
            names.append(_sheet_name(stream[position + 4:position + 4 + length]))
        elif kind == _DIMENSIONS and length in (10, 14):
            _judge(_name(names, substreams - 2), _declared(stream[position + 4:position + 4 + length]))
        position += 4 + length


def _refuse_column(sheet: str, column: int) -> None:
    raise too_large(f"工作表「{sheet}」有单元格位于第 {column + 1:,} 列，超出了 .xls 格式的范围（65,536 行 × 256 列）")


def _declared(data: bytes) -> int:
    # As calamine computes it (u32 arithmetic; a first column beyond 0xFF is taken as 0).
    if len(data) == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", data)
    else:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", data)
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    rows = (last_row - first_row + 1) % (1 << 32)
    columns = (last_column - first_column + 1) % (1 << 32)
    return rows * columns


def _judge(sheet: str, declared: int) -> None:
    if declared > MAX_GRID_CELLS:
        raise too_large(
            f"工作表「{sheet}」声明的大小是 {declared:,} 个单元格，读取需要约 {megabytes(declared * _CELL_BYTES)} 内存"
        )


def _sheet_name(data: bytes) -> str:
    if len(data) < 8:
        return ""
    count, flags = data[6], data[7]
    if flags & 1:
        return data[8:8 + 2 * count].decode("utf-16-le", "replace")
    return data[8:8 + count].decode("latin-1")


def _name(names: list[str], sheet: int) -> str:
    return names[sheet] if 0 <= sheet < len(names) else f"第 {sheet + 1} 个"
