"""The month a report covers and the other periods it is compared with (issue 18).

`parse_month("2026-10")` is the month; a text that is no month raises MonthError with one Chinese sentence.
Every period is a closed range of days [first, last], so a query asks `first <= day <= last` on both engines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?\s*$|^\s*(\d{4})(\d{2})\s*$")


class MonthError(ValueError):
    """A month that cannot be read; the message is one Chinese sentence for the person."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.next().first - timedelta(days=1)

    @property
    def code(self) -> str:
        """2026-10: the period's key in reports and issues."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def a_year_before(self) -> Month:
        return Month(self.year - 1, self.month)

    def back(self, months: int) -> Month:
        """The month `months` before this one (0: this month)."""
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class Span:
    """A closed range of days with a name for columns (本月, 本年累计, 去年同月)."""

    first: date
    last: date


def parse_month(text: str) -> Month:
    """2026-10, 2026/10, 2026.10, 202610 or 2026年10月; refused in Chinese otherwise (and before 1980)."""
    folded = unicodedata.normalize("NFKC", text or "")
    found = _MONTH.match(folded)
    if found is None:
        raise MonthError(f"月份「{text}」无法识别，请写成 2026-10 这样的年月")
    year = int(found.group(1) or found.group(3))
    month = int(found.group(2) or found.group(4))
    if not 1 <= month <= 12:
        raise MonthError(f"月份「{text}」中没有第 {month} 月，请写成 2026-10 这样的年月")
    if year < 1980:
        raise MonthError(f"月份「{text}」早于 1980 年，没有可统计的登记数据")
    return Month(year, month)


def year_to_date(month: Month) -> Span:
    return Span(date(month.year, 1, 1), month.last)


def month_span(month: Month) -> Span:
    return Span(month.first, month.last)


def latest_full_cohort(day: date, years: int) -> int:
    """The newest registration year T whose every business reached its T+years anniversary by `day`: the
    cohort whose survival can be told in full (for 2026-10-31 and 3 years: 2022, checked during 2025)."""
    return day.year - years - (0 if (day.month, day.day) == (12, 31) else 1)
