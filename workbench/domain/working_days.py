"""Working days (工作日) with Chinese public holidays and adjusted working days (调休).

Where chinese-calendar has the State Council's schedule (2004-2026 in 1.11) it decides. For a year it
does not know, an office may type the published notice into holidays.toml (format below); until then
the year is *estimated*: Monday-Friday minus the holidays whose dates can be known in advance, and every
deadline computed from an estimated day says so (`Deadline.estimated`, `Deadline.note`).

holidays.toml, in the config folder (``workbench locate`` prints it)::

    # 国务院办公厅关于2027年部分节假日安排的通知
    [2027]
    holidays = ["2027-01-01", "2027-02-05..2027-02-13"]   # 放假的日子（含周末），可写区间
    workdays = ["2027-02-14", "2027-02-20"]               # 调休上班的周六、周日

A year given in the file is taken as complete: its listed holidays are off, its listed workdays are on,
every other Monday-Friday is a working day. A year in the file overrides chinese-calendar too.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar

HOLIDAYS_FILE = "holidays.toml"
# 春节 (正月初一) by year: the lunar date is known long before the notice; the holiday is 除夕 + 初一..初三.
_SPRING_FESTIVAL = {
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))  # 元旦, 劳动节, 国庆 (statutory days)


def estimated_note(years: Iterable[int]) -> str:
    """The note shown wherever a deadline rests on estimated years."""
    listed = "、".join(f"{year}年" for year in sorted(set(years)))
    return f"{listed}节假日安排未收录，按周末计算（可在 {HOLIDAYS_FILE} 中补录国务院通知）"


@dataclass(frozen=True)
class Deadline:
    """A day reached by counting working days; `estimated` when a year on the way had no schedule."""

    day: date
    estimated: bool = False
    estimated_years: tuple[int, ...] = ()

    @property
    def note(self) -> str:
        return estimated_note(self.estimated_years) if self.estimated else ""


@dataclass(frozen=True)
class OfficeHolidays:
    """The office's own schedule for years it typed in: year -> holidays, year -> adjusted working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = field(default_factory=frozenset)


class WorkCalendar:
    """Answers 'is this a working day' for any date, knowing which answers are estimates."""

    def __init__(self, office: OfficeHolidays | None = None) -> None:
        self.office = office or OfficeHolidays()
        self._year_ordinals: dict[int, list[int]] = {}

    def is_known_year(self, year: int) -> bool:
        return year in self.office.years or _official_year(year)

    def is_working_day(self, day: date) -> bool:
        if day.year in self.office.years:
            if day in self.office.workdays:
                return True
            return day not in self.office.holidays and day.weekday() < 5
        if _official_year(day.year):
            return day in _official_working_days(day.year)
        return day.weekday() < 5 and day not in _estimated_holidays(day.year)

    def add_working_days(self, start: date, count: int) -> Deadline:
        """The count-th working day after start (before it when count < 0); start itself is not counted."""
        step = timedelta(days=1 if count >= 0 else -1)
        day, remaining, unknown = start, abs(count), set()
        while remaining:
            day += step
            if not self.is_known_year(day.year):
                unknown.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return Deadline(day, bool(unknown), tuple(sorted(unknown)))

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in (first, last]; negative when last is before first."""
        if last < first:
            return -self.working_days_between(last, first)
        low, high = first.toordinal(), last.toordinal()
        count = 0
        for year in range(first.year, last.year + 1):
            ordinals = self._working_ordinals(year)
            count += bisect_right(ordinals, high) - bisect_right(ordinals, low)
        return count

    def _working_ordinals(self, year: int) -> list[int]:
        """The year's working days as sorted ordinals: counting over a span is two bisections a year."""
        if year not in self._year_ordinals:
            first = date(year, 1, 1)
            days = (first + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - first).days))
            self._year_ordinals[year] = [day.toordinal() for day in days if self.is_working_day(day)]
        return self._year_ordinals[year]

    def estimated_between(self, first: date, last: date) -> tuple[int, ...]:
        """Years in [first, last] that have no schedule: the note to show with a count over them."""
        low, high = sorted((first, last))
        return tuple(year for year in range(low.year, high.year + 1) if not self.is_known_year(year))


def _official_year(year: int) -> bool:
    return year in _official_years()


@lru_cache(maxsize=1)
def _official_years() -> frozenset[int]:
    known = set(chinese_calendar.holidays) | set(chinese_calendar.workdays)
    return frozenset(day.year for day in known)


@lru_cache(maxsize=64)
def _official_working_days(year: int) -> frozenset[date]:
    """One year's working days, asked of chinese-calendar once: its own check costs ~50 µs a day."""
    first = date(year, 1, 1)
    days = (first + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - first).days))
    return frozenset(day for day in days if chinese_calendar.is_workday(day))


@lru_cache(maxsize=64)
def _estimated_holidays(year: int) -> frozenset[date]:
    days = {date(year, month, day) for month, day in _FIXED_HOLIDAYS}
    if new_year := _SPRING_FESTIVAL.get(year):
        days.update(new_year + timedelta(days=offset) for offset in range(-1, 3))
    for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10)):
        if name == "清明":
            days.add(day)
    return frozenset(days)


def parse_office_holidays(text: str) -> OfficeHolidays:
    """Read holidays.toml text; ValueError with a Chinese message naming the year and the entry."""
    import tomllib  # here, not at the top: its parser compiles regexes that cost the launch ~50 ms

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{HOLIDAYS_FILE} 格式有误：{error}") from None
    holidays: set[date] = set()
    workdays: set[date] = set()
    years: set[int] = set()
    for key, table in document.items():
        if not (key.isdigit() and len(key) == 4) or not isinstance(table, dict):
            raise ValueError(f"{HOLIDAYS_FILE}：「{key}」应为年份小节，如 [2027]")
        years.add(int(key))
        holidays.update(_days(key, "holidays", table.get("holidays", [])))
        workdays.update(_days(key, "workdays", table.get("workdays", [])))
    return OfficeHolidays(frozenset(holidays), frozenset(workdays), frozenset(years))


def _days(year: str, what: str, entries: Any) -> set[date]:
    label = {"holidays": "放假日期", "workdays": "调休上班日期"}[what]
    if not isinstance(entries, list):
        raise ValueError(f'{HOLIDAYS_FILE} [{year}] {what}：{label}应写成列表，如 ["{year}-01-01"]')
    days: set[date] = set()
    for entry in entries:
        text = entry.isoformat() if isinstance(entry, date) else str(entry)
        try:
            first, _, last = text.partition("..")
            low, high = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
        except ValueError:
            raise ValueError(
                f"{HOLIDAYS_FILE} [{year}] {what}：{label}「{text}」无法识别，请写成 {year}-10-01 或 {year}-10-01..{year}-10-07"
            ) from None
        if low.year != int(year) or high.year != int(year) or high < low:
            raise ValueError(f"{HOLIDAYS_FILE} [{year}] {what}：「{text}」不在 {year} 年内或起止颠倒")
        days.update(low + timedelta(days=offset) for offset in range((high - low).days + 1))
    return days


def load_calendar(config_dir: Path | None) -> WorkCalendar:
    """The calendar with the office's holidays.toml from config_dir when there is one."""
    path = config_dir / HOLIDAYS_FILE if config_dir is not None else None
    if path is None or not path.is_file():
        return WorkCalendar()
    return WorkCalendar(parse_office_holidays(path.read_text(encoding="utf-8")))


DEFAULT_CALENDAR = WorkCalendar()


def is_working_day(day: date, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or DEFAULT_CALENDAR).is_working_day(day)


def add_working_days(start: date, count: int, calendar: WorkCalendar | None = None) -> Deadline:
    return (calendar or DEFAULT_CALENDAR).add_working_days(start, count)


def working_days_between(first: date, last: date, calendar: WorkCalendar | None = None) -> int:
    return (calendar or DEFAULT_CALENDAR).working_days_between(first, last)
