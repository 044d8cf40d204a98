"""The pure checks of a year's figures: years, amounts in 元 / 万元, headcounts, the unit in a header."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workbench.domain.figures import (
    AmountUnit,
    FigureError,
    amount_text,
    parse_amount,
    parse_headcount,
    parse_year,
    unit_in_header,
)

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("typed", "unit", "yuan"),
    [
        ("120万", AmountUnit.YUAN, 1_200_000),
        ("120万元", AmountUnit.YUAN, 1_200_000),
        ("1,200,000", AmountUnit.YUAN, 1_200_000),
        ("1,200,000元", AmountUnit.WAN, 1_200_000),  # the unit typed wins over the chosen one
        ("１２０万", AmountUnit.YUAN, 1_200_000),  # full-width digits from a Chinese input method
        ("1 200 000", AmountUnit.YUAN, 1_200_000),
        ("48.25", AmountUnit.WAN, 482_500),
        ("150", "万元", 1_500_000),
        ("1.2亿", AmountUnit.YUAN, 120_000_000),
        ("3200", AmountUnit.YUAN, 3_200),
        ("1234.5", AmountUnit.YUAN, 1_235),  # fen rounded half up to whole yuan
        ("1234.49", AmountUnit.YUAN, 1_234),
        ("¥3,200", AmountUnit.YUAN, 3_200),
        ("0", AmountUnit.WAN, 0),
        (48.25, AmountUnit.WAN, 482_500),
        (Decimal("0.32"), AmountUnit.WAN, 3_200),
        (3200, AmountUnit.YUAN, 3_200),
    ],
)
def test_amounts_are_read_in_yuan(typed: object, unit: AmountUnit, yuan: int) -> None:
    assert parse_amount(typed, unit, "营业收入") == yuan


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_amount_is_none(blank: object) -> None:
    assert parse_amount(blank, AmountUnit.WAN) is None
    assert parse_headcount(blank) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "营业收入不能为负数（现在是「-5」）"),
        ("abc", "营业收入「abc」不是金额，请填数字，如 120万 或 1,200,000"),
        ("12万5", "营业收入「12万5」不是金额，请填数字，如 120万 或 1,200,000"),
        ("20000000亿", "营业收入「20000000亿」过大，请核对单位（元 / 万元）"),
    ],
)
def test_a_wrong_amount_is_named(typed: str, message: str) -> None:
    with pytest.raises(FigureError) as raised:
        parse_amount(typed, AmountUnit.YUAN, "营业收入")
    assert raised.value.message == message


@pytest.mark.parametrize(("typed", "people"), [("5", 5), ("5人", 5), ("５", 5), (5, 5), (5.0, 5), ("0", 0)])
def test_headcounts(typed: object, people: int) -> None:
    assert parse_headcount(typed, "从业人员") == people


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "从业人员「2.5」应为整数（人），如 5"),
        ("五", "从业人员「五」应为整数（人），如 5"),
        ("-1", "从业人员不能为负数（现在是「-1」）"),
        ("10000001", "从业人员超过 10,000,000 人，请核对"),
    ],
)
def test_a_wrong_headcount_is_named(typed: str, message: str) -> None:
    with pytest.raises(FigureError) as raised:
        parse_headcount(typed, "从业人员")
    assert raised.value.message == message


@pytest.mark.parametrize(("typed", "year"), [("2024", 2024), ("2024年", 2024), ("2024年度", 2024), (2025, 2025),
                                             ("1980", 1980), (2024.0, 2024)])  # fmt: skip
def test_years(typed: object, year: int) -> None:
    assert parse_year(typed, TODAY) == year


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1979", "年度「1979」应在 1980 年至 2025 年之间，请核对"),
        ("2026", "年度「2026」应在 1980 年至 2025 年之间，请核对"),
        ("24", "年度「24」应为四位数字的年份，如 2024"),
        ("", "请填写年度，如 2024"),
    ],
)
def test_a_wrong_year_is_named(typed: str, message: str) -> None:
    with pytest.raises(FigureError) as raised:
        parse_year(typed, TODAY)
    assert raised.value.message == message


def test_the_unit_a_header_names() -> None:
    assert unit_in_header("营业收入（万元）") is AmountUnit.WAN
    assert unit_in_header("纳税额(元)") is AmountUnit.YUAN
    assert unit_in_header("实缴税额（ 万 ）") is AmountUnit.WAN
    assert unit_in_header("营业收入") is None


def test_amounts_read_back() -> None:
    assert amount_text(1_500_000) == "150万元（1,500,000元）"
    assert amount_text(482_500) == "48.25万元（482,500元）"
    assert amount_text(3_200) == "3,200元"
