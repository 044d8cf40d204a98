"""所属期 and 有效期 as other departments' lists spell them (workbench.domain.figure_periods, .validity)."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.domain.figure_periods import Period, missing_months, overlapping, parse_period
from workbench.domain.validity import parse_validity

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("cell", "period"),
    [
        (2025, Period(2025)), (2025.0, Period(2025)), ("2025", Period(2025)), ("2025年度", Period(2025)),
        ("2025年", Period(2025)), ("2026-Q3", Period(2026, 7, 9)), ("2026Q3", Period(2026, 7, 9)),
        ("2026年第三季度", Period(2026, 7, 9)), ("2026年三季度", Period(2026, 7, 9)), ("2026年第3季度", Period(2026, 7, 9)),
        ("2026年7-9月", Period(2026, 7, 9)), ("2026年07月-09月", Period(2026, 7, 9)), ("2026-07至2026-09", Period(2026, 7, 9)),
        ("2026.07-2026.09", Period(2026, 7, 9)), ("2026-01-01至2026-03-31", Period(2026, 1, 3)),
        ("2026年7月", Period(2026, 7, 7)), ("202607", Period(2026, 7, 7)), ("2025年1-12月", Period(2025)),
        ("２０２５年度", Period(2025)),
    ],
)  # fmt: skip
def test_periods_as_tax_offices_write_them(cell: object, period: Period) -> None:
    assert parse_period(cell, TODAY) == period


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("去年", "无法识别"), ("2025-11至2026-01", "跨了年度"), ("2026-09至2026-07", "起始月份晚于结束月份"),
        ("2026年13月", "月份不对"), (2027, "还没有到"), ("2026-Q4", None), (1975, "早于 1980"),
        (date(2025, 3, 1), "是一个日期"),
    ],
)  # fmt: skip
def test_periods_that_cannot_be_a_year_of_figures(cell: object, reason: str | None) -> None:
    if reason is None:  # the fourth quarter of this year has begun (October): accepted
        assert parse_period(cell, TODAY) == Period(2026, 10, 12)
        return
    with pytest.raises(ValueError, match=reason):
        parse_period(cell, TODAY)


def test_labels_gaps_and_overlaps() -> None:
    quarters = [Period(2025, 1, 3), Period(2025, 4, 6), Period(2025, 7, 9)]
    assert [period.label for period in quarters] == ["2025年第一季度", "2025年第二季度", "2025年第三季度"]
    assert Period(2025).label == "2025年" and Period(2025, 7, 8).label == "2025年7-8月"
    assert missing_months(quarters) == [10, 11, 12] and missing_months([Period(2025)]) == []
    assert overlapping([*quarters, Period(2025, 3, 3)]) == (Period(2025, 1, 3), Period(2025, 3, 3))
    assert overlapping(quarters) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2021-05-01至2026-04-30", (date(2021, 5, 1), date(2026, 4, 30))),
        ("2021年5月1日-2026年4月30日", (date(2021, 5, 1), date(2026, 4, 30))),
        ("2021.05.01—2026.04.30", (date(2021, 5, 1), date(2026, 4, 30))),
        ("20210501-20260430", (date(2021, 5, 1), date(2026, 4, 30))),
        ("2021-05-01 ~ 2026-04-30", (date(2021, 5, 1), date(2026, 4, 30))),
        ("2026-04-30", (None, date(2026, 4, 30))), (date(2026, 4, 30), (None, date(2026, 4, 30))),
        ("长期", (None, None)), ("", (None, None)),
        ("2026-03-01至长期", (date(2026, 3, 1), None)), ("2026年3月1日-长期有效", (date(2026, 3, 1), None)),
        ("20260301～永久", (date(2026, 3, 1), None)),
    ],
)  # fmt: skip
def test_validity_in_one_cell(cell: object, expected: tuple[date | None, date | None]) -> None:
    assert parse_validity(cell) == expected


@pytest.mark.parametrize(("cell", "reason"), [("2026-04-30至2021-05-01", "早于起始日期"), ("五年", "无法识别"),
                                              ("2021-02-30至2026-04-30", "不存在的日期"),
                                              ("2021-02-30至长期", "不存在的日期")])
def test_validity_that_cannot_be_read(cell: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_validity(cell)


def test_a_licence_number_from_a_list_reads_as_the_form_stores_it() -> None:
    """Full-width letters and digits, spaces and lower case: the same certificate as typed in the form."""
    from imports.list_rows import _licence_number
    from workbench.domain.licenses import normalise_license_number

    assert _licence_number("ｊｙ１３３０３ 0200 0012") == "JY1330302000012"
    assert _licence_number("jy13303020000012") == normalise_license_number("ＪＹ13303020000012")
    assert _licence_number("  ") is None
