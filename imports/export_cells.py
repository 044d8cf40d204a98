"""What each column of a register export holds, and how a value becomes a safe cell.

Headers are the importer's own words (imports.columns.SYNONYMS), so an export imports back with no
changes. Codes, ID numbers and phones are text (never numbers: 18 digits would turn into 3.30302E+17);
dates are real dates; money is a number. Masked personal data gets a header the importer does NOT map,
so a masked export imported back leaves the stored numbers alone instead of failing on every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len

from workbench.domain.identifiers import mask_id_number, mask_phone
from workbench.domain.labels import kind_label, status_label
from workbench.domain.reference import industry_name
from workbench.services.export_rows import ExportRow

CellKind = Literal["text", "code", "date", "money", "count"]

# A text starting with one of these is a formula (or turns into one when edited or saved as CSV) in Excel
# and LibreOffice: = + - @ and the tab / carriage return that CSV injection uses to hide them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 50  # cells: a 300-character address wraps in Excel rather than making a column a screen wide
FILTER_BUTTON = 3  # the autofilter arrow covers the end of the header


@dataclass(frozen=True)
class ExportColumn:
    """One column: the import field it maps back to, its header, the cell kind, and how to get the value."""

    field: str
    header: str
    kind: CellKind
    value: Callable[[ExportRow], Any]


def _status(row: ExportRow) -> str:
    # 歇业 is 存续 with a flag (RULES.md §6.3); the importer reads 歇业 back as exactly that.
    return "歇业" if row.suspended and row.status == "active" else status_label(row.status)


def _industry_name(row: ExportRow) -> str | None:
    # The name of the stored version: a 2011 code reads back as 2011 only next to its 2011 name.
    return industry_name(row.industry_code, row.industry_code_version) if row.industry_code else None


def _columns(masked: bool) -> tuple[ExportColumn, ...]:
    id_number: Callable[[ExportRow], Any] = (
        (lambda row: row.id_number and mask_id_number(row.id_number))
        if masked
        else (lambda row: row.id_number)
    )
    phone: Callable[[ExportRow], Any] = (
        (lambda row: row.phone and mask_phone(row.phone)) if masked else (lambda row: row.phone)
    )
    return (
        ExportColumn("name", "名称", "text", lambda row: row.name),
        ExportColumn("uscc", "统一社会信用代码", "code", lambda row: row.uscc),
        ExportColumn("reg_no", "注册号", "code", lambda row: row.reg_no),
        ExportColumn("kind", "主体类型", "text", lambda row: kind_label(row.kind)),
        ExportColumn("composition", "组成形式", "text", lambda row: row.composition),
        ExportColumn("operator", "经营者", "text", lambda row: row.operator),
        ExportColumn("id_number", MASKED_HEADERS["id_number"] if masked else "身份证号", "code", id_number),
        ExportColumn("phone", MASKED_HEADERS["phone"] if masked else "联系电话", "code", phone),
        ExportColumn("address", "经营场所", "text", lambda row: row.address),
        ExportColumn("registered_on", "成立日期", "date", lambda row: row.registered_on),
        ExportColumn("status", "登记状态", "text", _status),
        ExportColumn("industry_code", "行业代码", "code", lambda row: row.industry_code),
        ExportColumn("industry_name", "所属行业", "text", _industry_name),
        ExportColumn("capital", "资金数额（元）", "money", lambda row: row.capital),
        ExportColumn("employees", "从业人员", "count", lambda row: row.employees),
        ExportColumn("grid", "所属网格", "text", lambda row: row.grid),
        ExportColumn("officer", "包联干部", "text", lambda row: row.officer),
    )


# Not in the importer's synonym table on purpose (a test holds it to that): masked values are not data.
MASKED_HEADERS = {"id_number": "身份证号 部分隐藏", "phone": "联系电话 部分隐藏"}
FULL_COLUMNS = _columns(masked=False)
MASKED_COLUMNS = _columns(masked=True)


def export_columns(*, full_personal_data: bool) -> tuple[ExportColumn, ...]:
    return FULL_COLUMNS if full_personal_data else MASKED_COLUMNS


def needs_guard(text: str) -> bool:
    """Whether Excel could run this text as a formula: it is then written with Excel's quote prefix."""
    return text.startswith(FORMULA_STARTS)


def shown_width(kind: CellKind, value: Any) -> int:
    """How many terminal-style cells the value takes as Excel shows it (a CJK character is two)."""
    if kind == "date":
        return 10
    if kind == "money":
        return len(f"{value:,}")
    if kind == "count":
        return len(str(value))
    return cell_len(value)


def column_width(header: str, widest: int) -> int:
    """Excel column width for a header and the widest value below it, in the same cells."""
    return min(MAX_WIDTH, max(cell_len(header) + FILTER_BUTTON, widest + 2))
