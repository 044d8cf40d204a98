"""How big a file Workbench reads: limits a real register never reaches, checked before anything is allocated.

A 5 KB workbook can describe a sheet of 1,048,576 x 16,384 cells (python-calamine then asks for 549 GB and
the process aborts), a 5 MB zip can inflate to 5 GB, and an Excel 2003 XML cell can claim to sit at column
2,000,000,000. The readers check each of these against the limits below and refuse the file with one
Chinese sentence (文件过大或已损坏：…) instead of letting the machine run out of memory.

The uncompressed ceiling can be raised (or lowered) with the environment variable WORKBENCH_IMPORT_MAX_MB
for an office that really imports a larger workbook; the other limits follow from Excel's own.
"""

from __future__ import annotations

import os

from imports.errors import UnreadableFile

# Excel's own sheet size: no program that writes registers goes beyond it.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# python-calamine holds a sheet as a grid of (last row - first row + 1) x (last column - first column + 1)
# cells of 32 bytes each, empty ones included. 2**26 cells = 2 GiB, what the largest real register needs:
# 1,048,576 rows x 64 columns, 335,544 rows x 200 columns, or a stray value in column XFD below 4,096 rows.
# (A 1,048,576 x 200 limit would let a 5 KB file take 6.7 GB.)
MAX_GRID_CELLS = 1 << 26
# Unpacked size of the parts of a zip-based workbook that are read (sheet XML, shared strings, styles):
# 100,000 rows of a 19-column register are 97 MB of sheet XML, so 1 GiB holds about a million rows.
DEFAULT_MAX_UNPACKED_MB = 1024
MAX_UNPACKED_ENV = "WORKBENCH_IMPORT_MAX_MB"
# Real sheet XML deflates about 8:1 (100,000 messy rows: 97 MB -> 12 MB); runs of spaces or of one
# repeated cell reach 1,000:1. The ratio is only judged on parts large enough to hurt.
MAX_RATIO = 200
RATIO_FROM_BYTES = 16 << 20
# The longest stretch of a part without a tag: a cell holds at most 32,767 characters (~200 KB with XML
# escapes); XML parsers keep a whole stretch of text, or a whole tag, in memory at once.
MAX_TEXT_RUN = 2 << 20
# ss:Index / ss:MergeAcross / ss:MergeDown in Excel 2003 XML, and colspan in HTML tables: positions
# beyond Excel's sheet are damage, not data.
MAX_SPAN = MAX_COLUMNS
_RETRY = "请确认文件来源；如确是登记名录，请在 Excel 中删除多余的行列（或拆分成几个文件）后另存为 .xlsx 再导入"


class CellBudget:
    """Counts the cells of a sheet read row by row (Excel 2003 XML, HTML), where spans and positions can
    make a small file into many cells: beyond MAX_GRID_CELLS, the same limit as calamine's grid, it refuses."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.cells = 0

    def spend(self, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_GRID_CELLS:
            raise too_large(f"工作表「{self.sheet}」展开后超过 {MAX_GRID_CELLS:,} 个单元格")


def max_unpacked_bytes() -> int:
    """The ceiling on the unpacked parts of one workbook, in bytes (WORKBENCH_IMPORT_MAX_MB, default 1 GiB)."""
    configured = os.environ.get(MAX_UNPACKED_ENV, "").strip()
    megabytes = int(configured) if configured.isdigit() and int(configured) > 0 else DEFAULT_MAX_UNPACKED_MB
    return megabytes << 20


def too_large(reason: str) -> UnreadableFile:
    """The refusal for a file beyond the limits: what was found, and what to do."""
    return UnreadableFile(f"文件过大或已损坏：{reason}。{_RETRY}")


def megabytes(size: int) -> str:
    """A byte count as people read it in a message: 512 KB, 97 MB, 512.0 GB."""
    if size >= 10 << 30:
        return f"{size / (1 << 30):,.1f} GB"
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size / 1024:,.0f} KB"
