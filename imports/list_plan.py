"""The dry run of a 经营数据 or 许可证 list: what each row becomes, what the commit will write, nothing written.

Like the registration list's ImportPlan (imports.plan) it keeps a small entry only for the rows that need
a person's eye (an error, an unmatched code, a repeat, a warning, a match by name awaiting confirmation),
with their original cells for the error workbook (imports.error_workbook); the writes themselves are the
kind's own (imports.figures_plan.FigureWrites, imports.licenses_plan.LicenseWrites).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from imports.columns import ColumnMapping
from imports.parse import ParsedFile
from imports.plan_text import previous_text
from imports.problems import Problem, SkippedRow, UnknownColumn
from storage.tables_imports import ImportRecord
from workbench.domain.labels import IMPORT_KIND_LABELS, ImportKind

ProgressCallback = Callable[[int, int | None, str], None]


class ListRowKind(StrEnum):
    """What the dry run says about one data row of a 经营数据 or 许可证 list."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    RENEWAL = "renewal"  # a licence that renews one the business holds
    UNMATCHED = "unmatched"  # no business of this office has the row's code
    NAME_MATCH = "name_match"  # no code match; found by name + address: written only once a person confirms
    INVALID = "invalid"
    DUPLICATE = "duplicate_in_file"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ListRowKind.NEW: "新增",
    ListRowKind.UPDATE: "更新",
    ListRowKind.UNCHANGED: "无变化",
    ListRowKind.RENEWAL: "换证",
    ListRowKind.UNMATCHED: "登记簿中没有",
    ListRowKind.NAME_MATCH: "按名称和地址匹配，待确认",
    ListRowKind.INVALID: "有错误",
    ListRowKind.DUPLICATE: "文件内重复",
}
_LIST_NAMES = {ImportKind.FIGURES: "经营数据表", ImportKind.LICENSES: "许可证名录"}
FIELD_LABELS = {"revenue": "营业收入（元）", "tax_paid": "纳税额（元）", "employees": "从业人数", "insured_staff": "参保人数",
                "kind": "许可证类型", "issued_on": "发证日期", "expires_on": "有效期至", "scope": "许可项目",
                "place": "经营场所"}
LEFT_OUT = (ListRowKind.UNMATCHED, ListRowKind.NAME_MATCH, ListRowKind.INVALID, ListRowKind.DUPLICATE)


@dataclass(slots=True)
class ListEntry:
    """A row that needs a person's eye: its verdict, the business it is about, its problems and cells."""

    row_number: int
    kind: ListRowKind
    name: str
    code: str
    problems: list[Problem]
    cells: list[Any]
    business_uuid: str | None = None


@dataclass
class ListPlan:
    """The dry run's answer for a 经营数据 or 许可证 list: counts of rows, entries, notes, the writes."""

    path: Path
    sha256: str
    sheet: str
    kind: ImportKind
    kind_detected: bool
    office_id: int
    headers: list[str]
    header_rows: tuple[int, ...]
    mapping: ColumnMapping
    unknown_columns: list[UnknownColumn]
    missing_fields: list[str]
    missing_labels: list[str]
    counts: dict[ListRowKind, int] = field(default_factory=lambda: dict.fromkeys(ListRowKind, 0))
    entries: list[ListEntry] = field(default_factory=list, repr=False)
    notes: list[str] = field(default_factory=list)
    """Sentences the dry run adds to its summary: quarterly rows summed, units read, kinds inferred."""
    written: str = ""
    """What the commit will write, in one sentence (新增 12 条年度数据，更新 3 条 ...)."""
    previous_import: ImportRecord | None = None
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    blank_rows: int = 0
    seconds: float = 0.0
    accept_name_matches: bool = False
    writes: Any = field(default=None, repr=False)

    @classmethod
    def of(cls, parsed: ParsedFile, office_id: int) -> ListPlan:
        return cls(
            path=parsed.path, sha256=parsed.source.sha256, sheet=parsed.sheet, kind=parsed.kind,
            kind_detected=parsed.kind_detected, office_id=office_id, headers=list(parsed.mapping.headers),
            header_rows=parsed.header_rows, mapping=parsed.mapping, unknown_columns=parsed.unknown_columns,
            missing_fields=parsed.missing_fields, missing_labels=[parsed.shape.label(name) for name in parsed.missing_fields],
        )  # fmt: skip

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def kind_label(self) -> str:
        return IMPORT_KIND_LABELS[self.kind]

    @property
    def labels(self) -> dict[str, str]:
        """Field -> its Chinese name, for the review's list of changes."""
        return FIELD_LABELS

    @property
    def rows_read(self) -> int:
        return sum(self.counts.values())

    @property
    def left_out(self) -> int:
        """Rows the commit will not write (errors, unmatched, repeats, unconfirmed name matches)."""
        return sum(self.counts[kind] for kind in LEFT_OUT)

    def entries_of(self, kind: ListRowKind) -> Iterator[ListEntry]:
        return (entry for entry in self.entries if entry.kind is kind)

    def rows_with_problems(self) -> Iterator[tuple[int, list[Any], list[Problem]]]:
        """(Excel row number, original cells, problems) of every row with a problem or a warning."""
        for entry in self.entries:
            if entry.problems:
                yield entry.row_number, entry.cells, entry.problems

    def summary_text(self) -> str:
        """The plan in one Chinese paragraph, as the wizard and the CLI show it."""
        how = "（按表头识别）" if self.kind_detected else ""
        parts = [f"{kind.label} {count:,} 行" for kind, count in self.counts.items() if count]
        text = (f"「{self.file_name}」是{_LIST_NAMES.get(self.kind, self.kind_label)}{how}，工作表「{self.sheet}」共 {self.rows_read:,} 行数据："
                + ("，".join(parts) or "没有数据行") + "。")
        text += "".join(self.notes)
        if self.written:
            text += self.written
        if self.previous_import is not None:
            text += previous_text(self.previous_import) + "。"
        if self.counts[ListRowKind.UNMATCHED]:
            text += (f"有 {self.counts[ListRowKind.UNMATCHED]:,} 行在本所登记簿中找不到对应的市场主体，不会导入"
                     "（可用「错误行工作簿」查看）。")
        if self.unknown_columns:
            names = "、".join(f"「{column.header}」" for column in self.unknown_columns[:6])
            text += f"以下列不会导入：{names}{'等' if len(self.unknown_columns) > 6 else ''}。"
        if self.missing_labels:
            text += "文件中没有找到" + "、".join(f"「{label}」" for label in self.missing_labels) + "列。"
        return text
