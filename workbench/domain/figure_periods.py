"""The period a row of a tax or statistics list covers: a year, a quarter, a run of months.

Tax offices send 所属期 in many spellings: 2025, 2025年度, 2026-Q3, 2026年第三季度, 2026年7-9月,
2026-07至2026-09, 2026.07-2026.09, 2026年7月, 2026-01-01至2026-03-31. Every one becomes a Period: the
year and the first and last month. A row that covers the whole year is annual; others are summed into
their year by the import (imports.figures_plan), which also says when a year's months are incomplete.
A period that crosses a year end (2025-11至2026-01) is refused: it cannot be put in one year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"(\d{4})\s*(?:年度?|年份)?")
_QUARTER = re.compile(r"(\d{4})\s*(?:年度?)?\s*[-_/.]?\s*(?:第\s*([一二三四1-4])\s*季度?|([一二三四1-4])\s*季度|[Qq]\s*([1-4]))")
_MONTH = r"(\d{4})\s*(?:年|[-/.])?\s*(\d{1,2})\s*(?:月份?)?"
_MONTH_RUN = re.compile(rf"{_MONTH}(?:\s*[-/.]\s*\d{{1,2}}\s*日?)?\s*(?:至|到|~|～|—|–|-{{1,2}})\s*{_MONTH}(?:\s*[-/.]\s*\d{{1,2}}\s*日?)?")
_MONTHS_OF_YEAR = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*(?:月)?\s*(?:至|到|~|～|—|–|-)\s*(\d{1,2})\s*月份?")
_ONE_MONTH = re.compile(rf"{_MONTH}")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
_ASK = "请写成 2025、2025年度、2026-Q3、2026年第三季度、2026年7-9月 或 2026-07至2026-09"
EARLIEST_YEAR = 1980


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A year and the run of months (first..last, inclusive) a figure covers."""

    year: int
    first_month: int = 1
    last_month: int = 12

    @property
    def annual(self) -> bool:
        return self.first_month == 1 and self.last_month == 12

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    @property
    def label(self) -> str:
        """2025年, 2026年第三季度, 2026年7月, 2026年7-8月, as the dry run names a period."""
        if self.annual:
            return f"{self.year}年"
        if self.last_month - self.first_month == 2 and self.first_month % 3 == 1:
            return f"{self.year}年第{'一二三四'[self.first_month // 3]}季度"
        if self.first_month == self.last_month:
            return f"{self.year}年{self.first_month}月"
        return f"{self.year}年{self.first_month}-{self.last_month}月"


def parse_period(value: Any, today: date | None = None) -> Period | None:
    """The period a cell names (None for an empty cell); ValueError in Chinese when it cannot be read, crosses
    a year end, or lies before 1980 or after this year."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"所属期「{value}」无法识别，{_ASK}")
    if isinstance(value, int | float):
        if not float(value).is_integer():
            raise ValueError(f"所属期「{value}」无法识别，{_ASK}")
        text = str(int(value))
    elif isinstance(value, date):
        raise ValueError(f"所属期「{value}」是一个日期，不是年度或季度，{_ASK}")
    else:
        text = str(value)
    period = _text_period(text)
    return _in_range(period, text, today or date.today())


@lru_cache(maxsize=4096)
def _text_period(raw: str) -> Period:
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if (found := _YEAR.fullmatch(text)) is not None:
        return Period(int(found.group(1)))
    if (found := _QUARTER.fullmatch(text)) is not None:
        quarter = _QUARTER_WORDS[found.group(2) or found.group(3) or found.group(4)]
        return Period(int(found.group(1)), quarter * 3 - 2, quarter * 3)
    if (found := _MONTHS_OF_YEAR.fullmatch(text)) is not None:
        return _months(raw, int(found.group(1)), int(found.group(2)), int(found.group(1)), int(found.group(3)))
    if (found := _MONTH_RUN.fullmatch(text)) is not None:
        start_year, start, end_year, end = (int(part) for part in found.groups())
        return _months(raw, start_year, start, end_year, end)
    if (found := _ONE_MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text)) is not None:
        year, month = int(found.group(1)), int(found.group(2))
        return _months(raw, year, month, year, month)
    raise ValueError(f"所属期「{raw}」无法识别，{_ASK}")


def _months(raw: str, start_year: int, start: int, end_year: int, end: int) -> Period:
    if not (1 <= start <= 12 and 1 <= end <= 12):
        raise ValueError(f"所属期「{raw}」的月份不对（应在 1 到 12 之间），请核对")
    if start_year != end_year:
        raise ValueError(f"所属期「{raw}」跨了年度，无法计入某一年：请按年度分开填写")
    if end < start:
        raise ValueError(f"所属期「{raw}」的起始月份晚于结束月份，请核对")
    return Period(start_year, start, end)


def _in_range(period: Period, raw: str, today: date) -> Period:
    if period.year < EARLIEST_YEAR:
        raise ValueError(f"所属期「{raw}」的年度早于 {EARLIEST_YEAR} 年，请核对")
    if period.year > today.year or (period.year == today.year and period.first_month > today.month):
        raise ValueError(f"所属期「{raw}」还没有到（今天是 {today.isoformat()}），请核对年度")
    return period


def missing_months(periods: list[Period]) -> list[int]:
    """The months of the year none of `periods` covers (all of one year): [] when the year is complete."""
    covered = {month for period in periods for month in period.months}
    return [month for month in range(1, 13) if month not in covered]


def overlapping(periods: list[Period]) -> tuple[Period, Period] | None:
    """The first two periods (of one year) that cover a month twice, or None."""
    seen: dict[int, Period] = {}
    for period in periods:
        for month in period.months:
            if month in seen:
                return seen[month], period
            seen[month] = period
    return None
