"""The 中小企业划型标准 table as data (docs/rules.md §2).

Source: 工信部联企业〔2011〕300号《中小企业划型标准规定》, with GB/T 4754-2017 codes from
国统字〔2017〕213号《统计上大中小微型企业划分办法(2017)》. Units: 从业人员 人, 营业收入 and 资产总额 万元.
Each indicator has three lower bounds, inclusive ("及以上"): large, medium, small; below the small bound
is micro ("以下" is exclusive). Codes are matched against a code and its GB/T 4754 parents.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TABLE_SOURCE = "工信部联企业〔2011〕300号《中小企业划型标准规定》；统计上大中小微型企业划分办法(2017)"


class Indicator(StrEnum):
    """X 从业人员 (人), Y 营业收入 (万元), Z 资产总额 (万元)."""

    EMPLOYEES = "employees"
    REVENUE = "revenue"
    ASSETS = "assets"

    @property
    def label(self) -> str:
        return {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}[self.value]

    @property
    def unit(self) -> str:
        return "人" if self is Indicator.EMPLOYEES else "万元"


@dataclass(frozen=True)
class Bounds:
    """Inclusive lower bounds of 大型, 中型 and 小型 for one indicator; below ``small`` is 微型."""

    indicator: Indicator
    large: int
    medium: int
    small: int


@dataclass(frozen=True)
class SizeRow:
    """One row of the table: the industry it covers (codes and their descendants) and its indicators."""

    name: str
    codes: tuple[str, ...]
    bounds: tuple[Bounds, ...]

    def bounds_for(self, indicator: Indicator) -> Bounds | None:
        """The bounds of one indicator, or None when this row does not use it."""
        return next((b for b in self.bounds if b.indicator is indicator), None)

    @property
    def micro_upper_revenue_wan(self) -> int | None:
        """The 微型 revenue ceiling (exclusive) in 万元, e.g. 零售 100; None when the row has no revenue."""
        revenue = self.bounds_for(Indicator.REVENUE)
        return revenue.small if revenue else None


X, Y, Z = Indicator.EMPLOYEES, Indicator.REVENUE, Indicator.ASSETS

SIZE_ROWS: tuple[SizeRow, ...] = (
    SizeRow("农、林、牧、渔业", ("A",), (Bounds(Y, 20000, 500, 50),)),
    SizeRow("工业", ("B", "C", "D"), (Bounds(X, 1000, 300, 20), Bounds(Y, 40000, 2000, 300))),
    SizeRow("建筑业", ("E",), (Bounds(Y, 80000, 6000, 300), Bounds(Z, 80000, 5000, 300))),
    SizeRow("批发业", ("51",), (Bounds(X, 200, 20, 5), Bounds(Y, 40000, 5000, 1000))),
    SizeRow("零售业", ("52",), (Bounds(X, 300, 50, 10), Bounds(Y, 20000, 500, 100))),
    SizeRow(
        "交通运输业（不含铁路运输）",
        ("54", "55", "56", "57", "58"),
        (Bounds(X, 1000, 300, 20), Bounds(Y, 30000, 3000, 200)),
    ),
    SizeRow("仓储业", ("59",), (Bounds(X, 200, 100, 20), Bounds(Y, 30000, 1000, 100))),
    SizeRow("邮政业", ("60",), (Bounds(X, 1000, 300, 20), Bounds(Y, 30000, 2000, 100))),
    SizeRow("住宿业", ("61",), (Bounds(X, 300, 100, 10), Bounds(Y, 10000, 2000, 100))),
    SizeRow("餐饮业", ("62",), (Bounds(X, 300, 100, 10), Bounds(Y, 10000, 2000, 100))),
    SizeRow("信息传输业", ("63", "64"), (Bounds(X, 2000, 100, 10), Bounds(Y, 100000, 1000, 100))),
    SizeRow("软件和信息技术服务业", ("65",), (Bounds(X, 300, 100, 10), Bounds(Y, 10000, 1000, 50))),
    SizeRow("房地产开发经营", ("7010",), (Bounds(Y, 200000, 1000, 100), Bounds(Z, 10000, 5000, 2000))),
    SizeRow("物业管理", ("7020",), (Bounds(X, 1000, 300, 100), Bounds(Y, 5000, 1000, 500))),
    SizeRow("租赁和商务服务业", ("L",), (Bounds(X, 300, 100, 10), Bounds(Z, 120000, 8000, 100))),
    SizeRow(
        "其他未列明行业",
        ("M", "N", "O", "Q", "R", "7030", "7090"),
        (Bounds(X, 300, 100, 10),),
    ),
)
"""Not covered (no row): 铁路运输 53, 金融 J, 教育 P, 公共管理 S, 国际组织 T, 自有房地产经营/房地产租赁经营 7040."""
