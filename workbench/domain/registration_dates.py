"""When a business can have been registered: the bounds every 成立日期 is checked against (form and import).

A date outside EARLIEST..today is refused: no register holds a business registered before 1900 or in the
future, and such dates are what damaged cells turn into (Excel shows an empty or zero date cell as
1899-12-30 / 1900-01-00, other systems write 0001-01-01 for "unknown"). A date inside the bounds but
unlikely is accepted with a warning that names it, so that a person looks at it before it is imported.
"""

from __future__ import annotations

from datetime import date

# Before 1900 a 成立日期 is an empty or zero cell read as a date, or a mistyped year.
EARLIEST_REGISTRATION = date(1900, 1, 1)
# Market-entity registers start with the People's Republic; an earlier date is most often a 老字号's
# founding year typed where the registration date belongs, or a typo.
REGISTERS_BEGIN = date(1949, 10, 1)
# 个体工商户 were registered again from 1979 (after 1966-1978 almost none existed): earlier is likely wrong.
INDIVIDUALS_REGISTERED_FROM = date(1979, 1, 1)


def registration_date_error(day: date, today: date) -> str | None:
    """Why `day` cannot be a 成立日期 (refused), or None."""
    if day < EARLIEST_REGISTRATION:
        return (f"成立日期「{day.isoformat()}」早于 {EARLIEST_REGISTRATION.year} 年，不可能是真实的成立日期"
                "（多半是空白或为 0 的日期单元格，或年份录错），请核对后填写")
    if day > today:
        return f"成立日期「{day.isoformat()}」晚于今天（{today.isoformat()}），请核对后填写"
    return None


def registration_date_doubt(day: date, kind: str | None) -> str | None:
    """Why `day` is an unlikely 成立日期 for a business of `kind` (a warning: the value is kept), or None."""
    if day < REGISTERS_BEGIN:
        return (f"成立日期「{day.isoformat()}」早于 1949 年 10 月 1 日，请核对"
                "（老字号的创立年份不是登记的成立日期）")
    if kind == "individual" and day < INDIVIDUALS_REGISTERED_FROM:
        return f"成立日期「{day.isoformat()}」早于 1979 年，个体工商户那时尚未恢复登记，请核对"
    return None
