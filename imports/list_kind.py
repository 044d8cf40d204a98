"""The three lists an office receives, and which one a file is, told from its headers.

A ListShape says how a kind of list is read: its header table, its labels, the columns it cannot do
without and its row cleaner. imports.parse tries every shape on the top rows of each sheet and keeps the
one whose header names the most fields; a 经营数据 list must name a 年度/所属期 and a figure, a 许可证 list
a 许可证编号 or 有效期 (the fields no registration list has), else it is read as a 登记名录. A person may
name the kind instead (`workbench import --kind`, the wizard's choice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from imports.columns import ColumnMapping, Matcher, import_label, match_header
from imports.list_columns import (
    FIGURE_LABELS,
    LICENSE_LABELS,
    match_figure_header,
    match_license_header,
)
from imports.list_rows import FigureRowCleaner, LicenseRowCleaner
from imports.problems import ParsedRow
from imports.rows import RowCleaner
from workbench.domain.labels import IMPORT_KIND_LABELS, ImportKind


class Cleaner(Protocol):
    def clean(self, number: int, cells: list[Any]) -> ParsedRow | None: ...


@dataclass(frozen=True)
class ListShape:
    """How one kind of list is read."""

    kind: ImportKind
    match: Matcher
    label: Callable[[str], str]
    missing: Callable[[ColumnMapping], list[str]]
    cleaner: Callable[[str, ColumnMapping, int | None], Cleaner]
    telling: tuple[frozenset[str], ...] = ()
    """Field sets of which the header must name one field each (none: any header will do)."""

    @property
    def title(self) -> str:
        return IMPORT_KIND_LABELS[self.kind]

    def fits(self, fields: set[str]) -> bool:
        return all(fields & needed for needed in self.telling)


def _register_missing(mapping: ColumnMapping) -> list[str]:
    present = set(mapping.fields.values())
    missing = [] if "name" in present else ["name"]
    if not present & {"uscc", "reg_no", "code"}:
        missing.append("uscc")
    return missing


def _figures_missing(mapping: ColumnMapping) -> list[str]:
    present = set(mapping.fields.values())
    missing = [] if present & {"uscc", "taxpayer_id"} else ["uscc"]
    if "period" not in present and not {"period_start", "period_end"} <= present:
        missing.append("period")
    if not present & {"revenue", "tax_paid", "employees", "insured_staff"}:
        missing.append("revenue")
    return missing


def _licenses_missing(mapping: ColumnMapping) -> list[str]:
    present = set(mapping.fields.values())
    missing = [] if "number" in present else ["number"]
    if not present & {"uscc", "name"}:
        missing.append("uscc")
    return missing


REGISTER = ListShape(
    ImportKind.REGISTER, match_header, import_label, _register_missing,
    lambda sheet, mapping, _unit: RowCleaner(sheet, mapping),
)
FIGURES = ListShape(
    ImportKind.FIGURES, match_figure_header, lambda name: FIGURE_LABELS.get(name, name), _figures_missing,
    lambda sheet, mapping, unit: FigureRowCleaner(sheet, mapping, unit),
    (frozenset({"period", "period_start"}), frozenset({"revenue", "tax_paid", "insured_staff"})),
)
LICENSES = ListShape(
    ImportKind.LICENSES, match_license_header, lambda name: LICENSE_LABELS.get(name, name), _licenses_missing,
    lambda sheet, mapping, _unit: LicenseRowCleaner(sheet, mapping),
    (frozenset({"number", "validity", "expires_on"}),),
)
SHAPES = (REGISTER, FIGURES, LICENSES)
_BY_KIND = {shape.kind: shape for shape in SHAPES}
_WORDS = {
    ImportKind.REGISTER: ("登记名录", "登记", "名录", "register"),
    ImportKind.FIGURES: ("经营数据", "数据", "年度数据", "figures"),
    ImportKind.LICENSES: ("许可证", "许可", "licenses", "license", "licences"),
}


def shape_of(kind: ImportKind | str) -> ListShape:
    return _BY_KIND[ImportKind(kind)]


def parse_kind(text: str) -> ImportKind:
    """登记名录 / 经营数据 / 许可证 (or register / figures / licenses); ValueError in Chinese otherwise."""
    key = text.strip().lower()
    for kind, words in _WORDS.items():
        if key == kind.value or key in words:
            return kind
    choices = "、".join(IMPORT_KIND_LABELS.values())
    raise ValueError(f"名录种类「{text}」无法识别，可选：{choices}")
