"""What each column of a register export holds, and how a value becomes a safe cell.

Headers are the importer's own words (imports.columns.SYNONYMS), so an export imports back with no
changes. Codes, ID numbers and phones are text (never numbers: 18 digits would turn into 3.30302E+17);
dates are real dates; money is a number. Masked personal data gets a header the importer does NOT map,
so a masked export imported back leaves the stored numbers alone instead of failing on every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

from rich.cells import cell_len

from workbench.domain.business_fields import PERSONAL_FIELDS, field_label
from workbench.domain.identifiers import mask_id_number, mask_phone
from workbench.domain.labels import BusinessStatus, kind_label, status_label
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
    # 歇业 is 存续 with a flag (docs/rules.md §6.3); the importer reads 歇业 back as exactly that.
    return "歇业" if row.suspended and row.status == BusinessStatus.ACTIVE else status_label(row.status)


def _industry_name(row: ExportRow) -> str | None:
    # The name of the stored version: a 2011 code reads back as 2011 only next to its 2011 name.
    return industry_name(row.industry_code, row.industry_code_version) if row.industry_code else None


# Masked personal data (workbench.domain.business_fields: personal): how each is partly hidden. A field
# declared personal without a mask here stops the export at import time, rather than leaving in full.
_MASKS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}
# Not in the importer's synonym table on purpose (a test holds it to that): masked values are not data.
MASKED_HEADERS = {name: f"{field_label(name)} 部分隐藏" for name in sorted(PERSONAL_FIELDS)}


def _column(field: str, kind: CellKind, masked: bool, value: Callable[[ExportRow], Any] | None = None,
            label_of: str = "") -> ExportColumn:
    """A column headed by the field's label in the business row's declaration (what the importer maps)."""
    read = value or attrgetter(field)
    if masked and field in PERSONAL_FIELDS:
        mask = _MASKS[field]
        return ExportColumn(field, MASKED_HEADERS[field], kind, lambda row: (text := read(row)) and mask(text))
    return ExportColumn(field, field_label(label_of or field), kind, read)


def _columns(masked: bool) -> tuple[ExportColumn, ...]:
    return (
        _column("name", "text", masked),
        _column("uscc", "code", masked),
        _column("reg_no", "code", masked),
        _column("kind", "text", masked, lambda row: kind_label(row.kind)),
        _column("composition", "text", masked),
        _column("operator", "text", masked),
        _column("id_number", "code", masked),
        _column("phone", "code", masked),
        _column("address", "text", masked),
        _column("registered_on", "date", masked),
        _column("status", "text", masked, _status),
        _column("industry_code", "code", masked),
        ExportColumn("industry_name", "所属行业", "text", _industry_name),
        _column("capital", "money", masked),
        _column("employees", "count", masked),
        _column("grid", "text", masked, label_of="grid_id"),
        _column("officer", "text", masked, label_of="officer_id"),
    )


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
