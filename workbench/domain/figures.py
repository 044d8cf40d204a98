"""A year's 经营数据 (营业收入, 纳税额, 从业人员, 参保人数): the pure checks every way in shares.

The detail's form and the figures list import read the same things from people and files: a year
("2024", "2024年度"), amounts in 元 or 万元 ("120万", "1,200,000", 48.25 with the unit 万元) and headcounts.
Each parser returns the clean value or raises FigureError with one Chinese sentence naming the field and
the value, so the form shows it under the field and the import names it in the row's error.

Bounds (docs/rules.md §8):
- a year from FIRST_YEAR (1980: 个体工商户 were registered again from 1979, so no office holds turnover of
  a business before 1980) to the current year (a year still running may be entered, a future one not);
- amounts are read as the register reads 资金数额 (workbench.domain.values.parse_money: never negative,
  under 1,000 万亿元, whole yuan with fen rounded half up);
- headcounts are whole numbers, never negative, at most MAX_HEADCOUNT (as the register's 从业人员).
No rule relates 参保人数 to 从业人员 (a household may insure its operator alone), so none is checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum

from workbench.domain.values import parse_int, parse_money

FIRST_YEAR = 1980
MAX_HEADCOUNT = 10_000_000
MANUAL_SOURCE = "手工录入"
"""year_figures.source of a row a person typed in (an import writes its file's name)."""

FIGURE_LABELS: dict[str, str] = {
    "year": "年度",
    "revenue": "营业收入",
    "tax_paid": "纳税额",
    "employees": "从业人员",
    "insured_staff": "参保人数",
}
AMOUNT_FIELDS = ("revenue", "tax_paid")
HEADCOUNT_FIELDS = ("employees", "insured_staff")


class AmountUnit(StrEnum):
    """The unit a bare number is read in; a unit written after the number ("120万") wins."""

    YUAN = "元"
    WAN = "万元"


_FACTORS = {AmountUnit.YUAN: 1, AmountUnit.WAN: 10_000}
_HEADER_UNIT = re.compile(r"[（(]\s*(万元|万|元)\s*[）)]")


class FigureError(ValueError):
    """A value that cannot be a year's figure; `message` is the sentence a person reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_year(value: object, today: date) -> int:
    """2024 from 2024, "2024", "2024年", "2024年度"; FigureError outside FIRST_YEAR..today's year."""
    if is_blank(value):
        raise FigureError("请填写年度，如 2024")
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value))).removesuffix("年度").removesuffix("年")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{4}", text):
        raise FigureError(f"年度「{value}」应为四位数字的年份，如 2024")
    year = int(text)
    if not FIRST_YEAR <= year <= today.year:
        raise FigureError(f"年度「{year}」应在 {FIRST_YEAR} 年至 {today.year} 年之间，请核对")
    return year


def parse_amount(value: object, unit: AmountUnit | str = AmountUnit.YUAN, label: str = "金额") -> int | None:
    """Whole yuan from what a person or a cell gives: None when blank. "120万" and "1,200,000" are both
    1,200,000; a bare number is in `unit`; fen are rounded to the yuan. What is accepted is the register's
    (values.parse_money, which the form's 资金数额 and the import use); the sentence names the field."""
    if is_blank(value):
        return None
    try:
        return parse_money(value, _FACTORS[AmountUnit(unit)])
    except ValueError as error:
        if "过大" in str(error):
            raise FigureError(f"{label}「{value}」过大，请核对单位（元 / 万元）") from None
        if "负数" in str(error):
            raise FigureError(f"{label}不能为负数（现在是「{value}」）") from None
        raise FigureError(f"{label}「{value}」不是金额，请填数字，如 120万 或 1,200,000") from None


def parse_headcount(value: object, label: str = "人数") -> int | None:
    """A whole number of people (5 from 5, "5", "5人", 5.0); None when blank (values.parse_int's reading)."""
    if is_blank(value):
        return None
    try:
        number = parse_int(value)
    except ValueError as error:
        if "负数" in str(error):
            raise FigureError(f"{label}不能为负数（现在是「{value}」）") from None
        raise FigureError(f"{label}「{value}」应为整数（人），如 5") from None
    if number is not None and number > MAX_HEADCOUNT:
        raise FigureError(f"{label}超过 {MAX_HEADCOUNT:,} 人，请核对")
    return number


def unit_in_header(header: str) -> AmountUnit | None:
    """The unit a column header names: 「营业收入（万元）」 -> 万元, 「纳税额(元)」 -> 元; None when it names none."""
    found = _HEADER_UNIT.search(unicodedata.normalize("NFKC", header))
    if found is None:
        return None
    return AmountUnit.YUAN if found.group(1) == "元" else AmountUnit.WAN


def amount_text(yuan: int) -> str:
    """How a typed amount is read back to the person: 「150万元（1,500,000元）」, 「3,200元」."""
    if yuan >= 10_000:
        wan = (Decimal(yuan) / 10_000).normalize()
        return f"{wan:f}万元（{yuan:,}元）"
    return f"{yuan:,}元"
