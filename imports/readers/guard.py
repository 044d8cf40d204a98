"""Checks made before python-calamine opens a workbook or loads a sheet: it cannot be stopped once started.

python-calamine reads a whole sheet into memory in Rust; a file beyond imports.limits makes it abort the
process (the TUI dies with it) or take gigabytes. So a zip-based workbook is metered first (declared and
actual sizes, ratio, text runs: imports.package), an xlsx sheet's real extent is scanned
(imports.readers.sheet_extent), an .xls's BIFF records are walked (imports.readers.biff_extent) and an
.ods's repeats counted (imports.readers.ods_extent). Results are remembered per file (path, size,
modification time): a file is opened several times while its sheets are listed and chosen.
"""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path

from imports.errors import UnreadableFile
from imports.package import Package
from imports.readers.biff_extent import check_xls
from imports.readers.formulas import FormulaFinder
from imports.readers.ods_extent import check_ods_extent
from imports.readers.sheet_extent import check_sheet_extent
from imports.sniff import FileKind

_DEFAULT_WORKBOOK = "xl/workbook.xml"


def check_workbook(path: Path, kind: FileKind) -> None:
    """Refuse a workbook whose package would inflate, or whose .xls sheets would spread, beyond the limits."""
    if kind in ("xlsx", "xlsb", "ods"):
        _checked_workbook(*_key(path), kind)
    elif kind == "xls":
        _checked_xls(*_key(path))


def check_sheet(path: Path, sheet: str, kind: FileKind) -> frozenset[tuple[int, int]]:
    """Refuse an xlsx sheet whose cells span more than python-calamine can hold; returns its formula cells
    without a computed result, as (Excel row number, column index)."""
    if kind == "xlsx":
        return _checked_sheet(*_key(path), sheet)
    return frozenset()


def _key(path: Path) -> tuple[str, int, int]:
    status = path.stat()
    return str(path.resolve()), status.st_size, status.st_mtime_ns


@lru_cache(maxsize=16)
def _checked_workbook(path: str, _size: int, _modified: int, kind: FileKind) -> None:
    with Package(Path(path)) as package:
        package.check_declared()
        if kind == "ods":
            package.read_all(["styles.xml"])
            check_ods_extent(lambda: package.chunks("content.xml"))
            return
        workbook = package.office_document() or _DEFAULT_WORKBOOK
        if kind == "xlsb":
            return  # binary parts: the declared sizes and ratios above are what is known before reading
        sheets = set().union(*_sheet_parts(package, workbook).values())
        # The XML parts calamine reads when it opens the workbook (shared strings, styles ...); binary ones such
        # as an .xlsm's vbaProject.bin are not parsed as text, and their sizes were checked above.
        package.read_all([part for part in package.related(workbook)
                          if part not in sheets and part.endswith((".xml", ".rels"))])


@lru_cache(maxsize=16)
def _checked_xls(path: str, _size: int, _modified: int) -> None:
    check_xls(Path(path))


@lru_cache(maxsize=64)
def _checked_sheet(path: str, _size: int, _modified: int, sheet: str) -> frozenset[tuple[int, int]]:
    with Package(Path(path)) as package:
        workbook = package.office_document() or _DEFAULT_WORKBOOK
        formulas = FormulaFinder(package.recalculated_on_open(workbook))
        # Usually one part; none for a name calamine will not find (it says so), more for a hostile package.
        for part in sorted(_sheet_parts(package, workbook).get(sheet, set())):
            for entry in package.entries(part):
                check_sheet_extent(sheet, partial(package.chunks, entry), formulas)
        return frozenset(formulas.cells)


def _sheet_parts(package: Package, workbook: str) -> dict[str, set[str]]:
    if not package.has(workbook):
        raise UnreadableFile(f"工作簿缺少「{workbook}」部分，文件不完整。请用 Excel 打开后另存为 .xlsx 再导入")
    return package.sheet_parts(workbook)
