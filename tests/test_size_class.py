"""Size class by the 中小企业划型标准: every boundary of every row, ignored indicators, and monotonicity."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workbench.domain.reference import industry_ancestors, industry_codes
from workbench.domain.size_class import SizeClass, classify_size, size_row_for
from workbench.domain.size_table import SIZE_ROWS, Indicator, SizeRow

HUGE = 10**9
ARGUMENT = {
    Indicator.EMPLOYEES: "employees",
    Indicator.REVENUE: "revenue_wan",
    Indicator.ASSETS: "assets_wan",
}


def _class_code(listed: str) -> str:
    """A 4-digit class under a listed section/division/class: the row must be found through the parents."""
    if len(listed) == 4:
        return listed
    for code, industry in industry_codes("2017").items():
        if industry.level == 4 and listed in {parent.code for parent in industry_ancestors(code)}:
            return code
    raise AssertionError(f"no class under {listed}")


X, Y, Z = Indicator.EMPLOYEES, Indicator.REVENUE, Indicator.ASSETS
# The table as published (工信部联企业〔2011〕300号, with the GB/T 4754-2017 codes of 国统字〔2017〕213号),
# written out here rather than read from SIZE_ROWS, so that a wrong number in the table fails a test:
# row -> (the codes it lists, {indicator: lower bounds of 大型, 中型, 小型}), in 人 and 万元.
PUBLISHED: dict[str, tuple[tuple[str, ...], dict[Indicator, tuple[int, int, int]]]] = {
    "农、林、牧、渔业": (("A",), {Y: (20000, 500, 50)}),
    "工业": (("B", "C", "D"), {X: (1000, 300, 20), Y: (40000, 2000, 300)}),
    "建筑业": (("E",), {Y: (80000, 6000, 300), Z: (80000, 5000, 300)}),
    "批发业": (("51",), {X: (200, 20, 5), Y: (40000, 5000, 1000)}),
    "零售业": (("52",), {X: (300, 50, 10), Y: (20000, 500, 100)}),
    "交通运输业（不含铁路运输）": (("54", "55", "56", "57", "58"), {X: (1000, 300, 20), Y: (30000, 3000, 200)}),
    "仓储业": (("59",), {X: (200, 100, 20), Y: (30000, 1000, 100)}),
    "邮政业": (("60",), {X: (1000, 300, 20), Y: (30000, 2000, 100)}),
    "住宿业": (("61",), {X: (300, 100, 10), Y: (10000, 2000, 100)}),
    "餐饮业": (("62",), {X: (300, 100, 10), Y: (10000, 2000, 100)}),
    "信息传输业": (("63", "64"), {X: (2000, 100, 10), Y: (100000, 1000, 100)}),
    "软件和信息技术服务业": (("65",), {X: (300, 100, 10), Y: (10000, 1000, 50)}),
    "房地产开发经营": (("7010",), {Y: (200000, 1000, 100), Z: (10000, 5000, 2000)}),
    "物业管理": (("7020",), {X: (1000, 300, 100), Y: (5000, 1000, 500)}),
    "租赁和商务服务业": (("L",), {X: (300, 100, 10), Z: (120000, 8000, 100)}),
    "其他未列明行业": (("M", "N", "O", "Q", "R", "7030", "7090"), {X: (300, 100, 10)}),
}


def _boundary_cases() -> list[tuple[str, str, Indicator, float, SizeClass]]:
    cases: list[tuple[str, str, Indicator, float, SizeClass]] = []
    for row_name, (codes, indicators) in PUBLISHED.items():
        for listed in codes:
            code = _class_code(listed)
            for indicator, (large, medium, small) in indicators.items():
                step = 1 if indicator is X else 0.01
                for bound, at, below in (
                    (large, SizeClass.LARGE, SizeClass.MEDIUM),
                    (medium, SizeClass.MEDIUM, SizeClass.SMALL),
                    (small, SizeClass.SMALL, SizeClass.MICRO),
                ):
                    cases.append((row_name, code, indicator, bound, at))
                    cases.append((row_name, code, indicator, bound - step, below))
    return cases


@pytest.mark.parametrize(("row_name", "code", "indicator", "value", "expected"), _boundary_cases())
def test_every_boundary_of_every_row(
    row_name: str, code: str, indicator: Indicator, value: float, expected: SizeClass
) -> None:
    """Lower bounds are inclusive (及以上), the class below starts just under them (以下 is exclusive)."""
    others: dict[str, Any] = {argument: HUGE for argument in ARGUMENT.values()}
    verdict = classify_size(code, **{**others, ARGUMENT[indicator]: value})
    assert verdict.row is not None and verdict.row.name == row_name
    assert verdict.size_class is expected, verdict.explanation


def test_the_table_has_the_rows_of_the_standard() -> None:
    assert [row.name for row in SIZE_ROWS] == list(PUBLISHED)
    assert {row.name: (row.codes, {b.indicator: (b.large, b.medium, b.small) for b in row.bounds}) for row in SIZE_ROWS} == PUBLISHED
    retail = next(row for row in SIZE_ROWS if row.name == "零售业")
    assert retail.micro_upper_revenue_wan == 100
    information = next(row for row in SIZE_ROWS if row.name == "信息传输业")
    assert information.bounds_for(Indicator.REVENUE).large == 100000  # type: ignore[union-attr]
    storage = next(row for row in SIZE_ROWS if row.name == "仓储业")
    assert storage.bounds_for(Indicator.EMPLOYEES).medium == 100  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "version", "row_name"),
    [
        ("5211", "2017", "零售业"),
        ("52", "2017", "零售业"),
        ("C", "2017", "工业"),
        ("1311", "2017", "工业"),
        ("7010", "2017", "房地产开发经营"),
        ("7020", "2017", "物业管理"),
        ("7030", "2017", "其他未列明行业"),
        ("7090", "2017", "其他未列明行业"),
        ("8010", "2017", "其他未列明行业"),
        ("7211", "2017", "租赁和商务服务业"),
        ("5411", "2011", "交通运输业（不含铁路运输）"),
    ],
)
def test_the_row_is_found_through_the_parent_chain(code: str, version: str, row_name: str) -> None:
    row = size_row_for(code, version)
    assert isinstance(row, SizeRow) and row.name == row_name


@pytest.mark.parametrize("code", ["5311", "6621", "8321", "9221", "7040"])
def test_industries_outside_the_standard_have_no_class(code: str) -> None:
    """铁路, 金融, 教育, 公共管理 and 房地产租赁经营 have no row in the table."""
    verdict = classify_size(code, employees=5, revenue_wan=50)
    assert verdict.size_class is None and verdict.row is None
    assert "不在中小企业划型标准的行业范围内" in verdict.explanation


@pytest.mark.parametrize(
    ("code", "why"), [(None, "没有行业代码"), ("", "没有行业代码"), ("99999", "不在 GB/T 4754-2017 中")]
)
def test_a_missing_or_unknown_code_says_so(code: str | None, why: str) -> None:
    verdict = classify_size(code, employees=5)
    assert (
        verdict.size_class is None
        and verdict.explanation.startswith("无法划型：")
        and why in verdict.explanation
    )


def test_indicators_the_row_does_not_use_are_ignored_and_said_so() -> None:
    verdict = classify_size("5211", employees=12, revenue_wan=480, assets_wan=1)
    assert verdict.size_class is SizeClass.SMALL
    assert verdict.explanation == (
        "小型：从业人员12人 ≥ 小型下限10人、< 中型下限50人，属小型；"
        "营业收入480万元 ≥ 小型下限100万元、< 中型下限500万元，属小型；零售业不看资产总额，已忽略"
    )
    assert classify_size("8010", employees=3, revenue_wan=HUGE, assets_wan=HUGE).size_class is SizeClass.MICRO


def test_the_lowest_indicator_wins_and_each_gives_its_reason() -> None:
    verdict = classify_size("C", employees=1200, revenue_wan=299.5)
    assert verdict.size_class is SizeClass.MICRO
    assert [reason.size_class for reason in verdict.reasons] == [SizeClass.LARGE, SizeClass.MICRO]
    assert verdict.reasons[0].text == "从业人员1,200人 ≥ 大型下限1,000人"
    assert verdict.reasons[1].text == "营业收入299.5万元 < 小型下限300万元，属微型"


def test_a_missing_indicator_is_named_and_the_class_comes_from_the_others() -> None:
    verdict = classify_size("5211", employees=60)
    assert verdict.size_class is SizeClass.MEDIUM
    assert "缺少营业收入" in verdict.notes and "按已有指标测算，补齐后可能更低" in verdict.notes
    assert classify_size("5211").size_class is None


def test_a_micro_result_with_an_indicator_missing_never_says_it_may_be_lower() -> None:
    """5211 (retail): 5 people is below 小型's 10, so 微型 — the lowest class, whatever the revenue."""
    verdict = classify_size("5211", employees=5)
    assert verdict.size_class is SizeClass.MICRO
    assert "缺少营业收入" in verdict.notes
    assert not [note for note in verdict.notes if "可能更低" in note]
    assert "已属最低的微型，补齐缺少的指标也不会改变" in verdict.notes


def test_households_are_classed_by_the_same_table() -> None:
    """A 个体工商户 with 3 people and 40万元 in retail is 微型 like an enterprise would be."""
    assert classify_size("5211", employees=3, revenue_wan=40).size_class is SizeClass.MICRO


_CODES = st.sampled_from(["0111", "1311", "4710", "5111", "5211", "5411", "5910", "6010", "6110", "6210",
                          "6311", "6510", "7010", "7020", "7211", "8010"])  # fmt: skip
_AMOUNT = st.one_of(st.none(), st.floats(min_value=0, max_value=300_000, allow_nan=False))


@given(
    code=_CODES,
    employees=_AMOUNT,
    revenue=_AMOUNT,
    assets=_AMOUNT,
    which=st.sampled_from(list(ARGUMENT.values())),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_lowering_an_indicator_never_raises_the_class(
    code: str,
    employees: float | None,
    revenue: float | None,
    assets: float | None,
    which: str,
    fraction: float,
) -> None:
    values: dict[str, Any] = {"employees": employees, "revenue_wan": revenue, "assets_wan": assets}
    before = classify_size(code, **values).size_class
    assume(values[which] is not None)
    assume(before is not None)
    assert before is not None
    after = classify_size(code, **{**values, which: values[which] * fraction}).size_class
    assert after is not None and after.rank <= before.rank
