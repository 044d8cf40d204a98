"""Checks made before python-calamine opens a workbook or loads a sheet: it cannot be stopped once started.

python-calamine reads a whole sheet into memory in Rust; a file beyond imports.limits makes it abort the
process (the TUI dies with it) or take gigabytes. So a zip-based workbook is metered first (declared and
actual sizes, ratio, text runs: imports.package), an xlsx sheet's real extent is scanned
(imports.readers.sheet_extent), an .xls's BIFF records are walked (imports.readers.biff_extent) and an
.ods's repeats counted (imports.readers.ods_extent), all from the bytes the import read once
(imports.source). Results are remembered per content (its sha256): a file's sheets are listed and
opened several times while a person chooses one.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

from imports.errors import UnreadableFile
from imports.package import Package
from imports.readers.biff_extent import check_xls
from imports.readers.formulas import FormulaFinder
from imports.readers.ods_extent import check_ods_extent
from imports.readers.sheet_extent import check_sheet_extent
from imports.sniff import FileKind
from imports.source import SourceFile

_DEFAULT_WORKBOOK = "xl/workbook.xml"


def check_workbook(source: SourceFile) -> None:
    """Refuse a workbook whose package would inflate, or whose .xls sheets would spread, beyond the limits."""
    kind = source.sniffed.kind
    if kind in ("xlsx", "xlsb", "ods"):
        _remembered((source.sha256, kind), partial(_checked_workbook, source.data, kind))
    elif kind == "xls":
        _remembered((source.sha256, kind), partial(check_xls, source.data))


def check_sheet(source: SourceFile, sheet: str) -> frozenset[tuple[int, int]]:
    """Refuse an xlsx sheet whose cells span more than python-calamine can hold; returns its formula cells
    without a computed result, as (Excel row number, column index)."""
    if source.sniffed.kind == "xlsx":
        return _remembered((source.sha256, "sheet", sheet), partial(_checked_sheet, source.data, sheet))
    return frozenset()


_RESULTS: OrderedDict[tuple[str, ...], Any] = OrderedDict()
_REMEMBERED = 64


def _remembered(key: tuple[str, ...], work: Callable[[], Any]) -> Any:
    """The result of `work` for these bytes (by their sha256), done once: a file's sheets are listed and
    opened several times while a person chooses one. Only results are kept, never the bytes."""
    if key in _RESULTS:
        _RESULTS.move_to_end(key)
        return _RESULTS[key]
    result = _RESULTS[key] = work()
    while len(_RESULTS) > _REMEMBERED:
        _RESULTS.popitem(last=False)
    return result


def _checked_workbook(data: bytes, kind: FileKind) -> None:
    with Package(io.BytesIO(data)) as package:
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


def _checked_sheet(data: bytes, sheet: str) -> frozenset[tuple[int, int]]:
    with Package(io.BytesIO(data)) as package:
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
