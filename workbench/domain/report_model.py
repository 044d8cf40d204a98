"""The monthly report as plain data (issue 18): what the figures service computes and what the workbook, the
dashboard and `workbench report monthly --json` show. No Excel, no Textual and no database here, so the three
show the same numbers and the workbook writer can be tested on hand-made reports.

A value of None is 暂无数据: the data behind it is missing, and `missing_reason` says why (never a made-up 0).
Percentages are ratios (0.7 for 70 %); the writer formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Number = int | float
Cell = str | int | float | date | datetime | None

# How a table column is written: text as text, codes as text (never a number: leading zeros, 18 digits),
# counts as integers, money with two decimals, percentages as percentage-formatted numbers, dates as dates.
ColumnKind = Literal["text", "code", "count", "money", "percent", "date"]


@dataclass(frozen=True)
class Column:
    title: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook (分网格, 分干部, 三型四类, 帮扶, 诉求, 明细): a title line above a header row."""

    sheet: str  # the sheet's name, e.g. "分网格"
    title: str  # the line above the header, e.g. "分网格实有户数与新设注销（2026年10月）"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # a 合计 row, when the table has one
    note: str = ""  # a line under the table (e.g. which definition applies)


@dataclass(frozen=True)
class SummaryLine:
    """One line of 汇总: a figure or an indicator with its comparison columns. `code` is a stable machine key
    (e.g. "stock.total", "flow.new", "indicator.active_rate") that the county merge adds up by."""

    code: str
    label: str  # 实有户数, 新设, 活跃度 …
    unit: str  # 户 / 件 / 次 / 元 / %
    value: Number | None
    last_month: Number | None = None
    same_month_last_year: Number | None = None
    target: Number | None = None  # indicators only
    met: bool | None = None  # 达标: None when there is no target or no value
    missing_reason: str = ""  # why value is None (暂无数据)
    definition_code: str = ""  # the Definition that explains it ("" for a plain count)
    additive: bool = True  # the merge may add it across offices (counts); False: recompute (rates)
    # A rate's counts (活跃户数 / 应计户数): the county merge adds them up across offices and divides again.
    # Left None, a non-additive line stays per office in the merge (its total says so).
    numerator: Number | None = None
    denominator: Number | None = None


@dataclass(frozen=True)
class Definition:
    """口径说明: what an indicator counts, in words, and the version of that wording (本所口径 v1)."""

    code: str
    name: str
    text: str
    version: str


@dataclass(frozen=True)
class Chart:
    """A native chart on 汇总: categories along the axis and one or more named series of numbers."""

    title: str
    kind: Literal["line", "bar", "pie"]
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Number, ...]], ...]


@dataclass(frozen=True)
class MonthlyReport:
    office_code: str
    office_name: str
    period: str  # "2026-10"
    definition_version: str  # e.g. "本所口径 v1": the merge refuses to mix versions
    summary: tuple[SummaryLine, ...]
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    definitions: tuple[Definition, ...] = ()
    issued_at: datetime | None = None  # set when the month was issued (出具) and this is its snapshot
    issue_number: int = 0  # 0 = not issued; 1 = first issue; 2… = re-issues (each kept)
    extra: dict[str, str] = field(default_factory=dict)  # anything else the machine sheet should carry
