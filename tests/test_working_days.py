"""Working days: chinese-calendar's schedule where it has one, the office's holidays.toml, and a visible estimate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.domain.working_days import (
    WorkCalendar,
    add_working_days,
    is_working_day,
    load_calendar,
    parse_office_holidays,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 2, 4), True),  # Sunday worked for Spring Festival 2024
        (date(2024, 2, 18), True),  # Sunday worked for Spring Festival 2024
        (date(2024, 2, 12), False),  # Monday inside the holiday
        (date(2025, 9, 28), True),  # Sunday worked for National Day 2025
        (date(2025, 10, 11), True),  # Saturday worked for National Day 2025
        (date(2025, 10, 8), False),  # Wednesday, still National Day + Mid-Autumn
        (date(2026, 2, 17), False),  # 正月初一 2026
        (date(2026, 2, 24), True),  # back to work after Spring Festival 2026
        (date(2026, 11, 21), False),  # an ordinary Saturday
        (date(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_official_holidays_and_adjusted_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_counting_across_spring_festival_2024_uses_the_working_sundays() -> None:
    # 2024-02-02 (Fri) + 1 working day is Sunday 2024-02-04, an adjusted working day.
    assert add_working_days(date(2024, 2, 2), 1).day == date(2024, 2, 4)
    # 除夕 2024-02-09 was a working day; the holiday ran 10-17 Feb, then Sunday 18 Feb was worked.
    assert add_working_days(date(2024, 2, 9), 1).day == date(2024, 2, 18)
    assert working_days_between(date(2024, 2, 8), date(2024, 2, 19)) == 3  # 9, 18, 19 Feb


def test_counting_across_national_day_2025() -> None:
    # 2025-09-26 (Fri) + 1 = Sunday 28 Sep (worked); + 3 = 30 Sep; + 4 = Saturday 11 Oct (worked).
    assert add_working_days(date(2025, 9, 26), 1).day == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 26), 3).day == date(2025, 9, 30)
    assert add_working_days(date(2025, 9, 26), 4).day == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 26), 6).day == date(2025, 10, 11)


def test_spring_festival_2026_is_skipped() -> None:
    deadline = add_working_days(date(2026, 2, 13), 5)
    assert deadline.day == date(2026, 2, 27) and not deadline.estimated
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5


def test_counting_backwards_and_between_agree() -> None:
    start = date(2026, 9, 15)
    for count in (1, 7, 15, 30, 90):
        ahead = add_working_days(start, count).day
        assert working_days_between(start, ahead) == count
        assert add_working_days(ahead, -count).day <= start
    assert working_days_between(date(2026, 10, 9), date(2026, 9, 30)) == -working_days_between(
        date(2026, 9, 30), date(2026, 10, 9)
    )


def test_2027_falls_back_to_weekdays_and_says_so() -> None:
    deadline = add_working_days(date(2026, 12, 28), 5)
    assert deadline.estimated and deadline.estimated_years == (2027,)
    assert "2027年节假日安排未收录，按周末计算" in deadline.note
    # 2026-12-29..31 (3), 2027-01-01 is 元旦 (estimated holiday), then 4 and 5 Jan.
    assert deadline.day == date(2027, 1, 5)
    # Spring Festival 2027 (正月初一 6 Feb; 除夕 5 Feb, a Friday) is taken off in the estimate.
    assert not is_working_day(date(2027, 2, 5)) and not is_working_day(date(2027, 2, 8))
    assert is_working_day(date(2027, 2, 10)) and not is_working_day(date(2027, 10, 1))


def test_a_deadline_inside_a_known_year_is_not_estimated() -> None:
    deadline = add_working_days(date(2026, 11, 23), 7)
    assert deadline.day == date(2026, 12, 2) and not deadline.estimated and deadline.note == ""


HOLIDAYS_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
[2027]
holidays = ["2027-01-01", "2027-02-05..2027-02-13"]
workdays = ["2027-02-14", "2027-02-20"]
"""


def test_an_office_holidays_file_makes_2027_exact(tmp_path: Path) -> None:
    (tmp_path / "holidays.toml").write_text(HOLIDAYS_2027, encoding="utf-8")
    calendar = load_calendar(tmp_path)
    assert calendar.is_working_day(date(2027, 2, 14))  # a Sunday worked
    assert not calendar.is_working_day(date(2027, 2, 12))  # a Friday off
    deadline = calendar.add_working_days(date(2027, 2, 4), 1)
    assert deadline.day == date(2027, 2, 14) and not deadline.estimated


def test_without_a_file_the_calendar_is_the_shipped_one(tmp_path: Path) -> None:
    assert load_calendar(tmp_path).office.years == frozenset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[2027]\nholidays = ["2027-13-01"]', "「2027-13-01」无法识别"),
        ('[2027]\nholidays = "2027-01-01"', "应写成列表"),
        ('[2027]\nworkdays = ["2026-12-31"]', "不在 2027 年内"),
        ("[next]\nholidays = []", "应为年份小节"),
        ("[2027\n", "格式有误"),
    ],
)
def test_a_bad_holidays_file_is_refused_in_chinese(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_office_holidays(text)


def test_an_office_file_can_correct_a_known_year() -> None:
    calendar = WorkCalendar(parse_office_holidays('[2026]\nholidays = ["2026-11-23"]'))
    assert not calendar.is_working_day(date(2026, 11, 23))
    assert calendar.is_working_day(date(2026, 11, 24))
