"""The three tiers: the default rule of docs/rules.md §1.1 with its Chinese explanations, and monotonicity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.tiers import Tier, TierInputs, TierRules, classify_tier, development_revenue_threshold

RULES = TierRules()
TODAY = date(2026, 11, 23)
RANK = {Tier.UNCLASSIFIED: 0, Tier.SURVIVAL: 1, Tier.GROWTH: 2, Tier.DEVELOPMENT: 3}


def household(**changes: object) -> TierInputs:
    """A retail 个体户 trading five years: 48万元 revenue, 3,200元 tax, 2 employees, nobody insured."""
    base = TierInputs(
        registered_on=date(2021, 3, 1),
        as_of=TODAY,
        figures_year=2025,
        revenue_yuan=480_000,
        tax_paid_yuan=3_200,
        employees=2,
        insured_staff=0,
        industry_code="5211",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_example_of_the_issue() -> None:
    result = classify_tier(household(), RULES)
    assert result.tier is Tier.GROWTH
    assert (
        result.explanation
        == "成长型：近12个月有纳税记录（3,200元）；雇员2人；营业收入48万元 < 发展型门槛100万元"
    )


@pytest.mark.parametrize(
    ("changes", "tier", "explanation"),
    [
        (
            {"revenue_yuan": 1_000_000},
            Tier.DEVELOPMENT,
            "发展型：近12个月有纳税记录（3,200元）；雇员2人；存续5年；营业收入100万元 ≥ 发展型门槛100万元",
        ),
        (
            {"insured_staff": 5},
            Tier.DEVELOPMENT,
            "发展型：近12个月有纳税记录（3,200元）；参保5人；雇员2人；存续5年；参保5人 ≥ 发展型门槛5人",
        ),
        (
            {"tax_paid_yuan": 50_000},
            Tier.DEVELOPMENT,
            "发展型：近12个月有纳税记录（50,000元）；雇员2人；存续5年；纳税50,000元 ≥ 发展型门槛50,000元",
        ),
        (
            {"revenue_yuan": 2_000_000, "registered_on": date(2025, 1, 1)},
            Tier.GROWTH,
            "成长型：近12个月有纳税记录（3,200元）；雇员2人；营业收入200万元；存续1年 < 发展型要求2年",
        ),
        (
            {"registered_on": date(2024, 11, 24), "revenue_yuan": 2_000_000},
            Tier.GROWTH,
            "成长型：近12个月有纳税记录（3,200元）；雇员2人；营业收入200万元；存续1年 < 发展型要求2年",
        ),
        (
            {"registered_on": date(2024, 11, 23), "revenue_yuan": 2_000_000},
            Tier.DEVELOPMENT,
            "发展型：近12个月有纳税记录（3,200元）；雇员2人；存续2年；营业收入200万元 ≥ 发展型门槛100万元",
        ),
        (
            {"tax_paid_yuan": 0, "insured_staff": 1},
            Tier.GROWTH,
            "成长型：近12个月无纳税记录；参保1人；雇员2人；营业收入48万元 < 发展型门槛100万元",
        ),
        (
            {"tax_paid_yuan": 0},
            Tier.SURVIVAL,
            "生存型：近12个月无纳税记录；雇员2人；参保0人 < 成长型门槛1人；营业收入48万元",
        ),
        (
            {"tax_paid_yuan": None, "insured_staff": None, "employees": None},
            Tier.SURVIVAL,
            "生存型：近12个月无纳税记录；参保0人 < 成长型门槛1人；营业收入48万元",
        ),
        (
            {"revenue_yuan": None, "tax_paid_yuan": None, "insured_staff": None, "figures_year": None},
            Tier.SURVIVAL,
            "生存型：没有年度经营数据，按生存型",
        ),
        ({"revenue_yuan": 0}, Tier.UNCLASSIFIED, "未分型：2025年度营业收入为0（零申报）"),
        ({"suspended": True}, Tier.UNCLASSIFIED, "未分型：歇业中"),
        ({"abnormal": True}, Tier.UNCLASSIFIED, "未分型：标记为经营异常"),
        ({"status": "deregistered"}, Tier.UNCLASSIFIED, "未分型：已注销"),
        ({"status": "revoked"}, Tier.UNCLASSIFIED, "未分型：已吊销"),
        ({"status": "moved_out"}, Tier.UNCLASSIFIED, "未分型：已迁出"),
        (
            {"registered_on": None, "revenue_yuan": 3_000_000},
            Tier.GROWTH,
            "成长型：近12个月有纳税记录（3,200元）；雇员2人；营业收入300万元；成立日期不详 < 发展型要求2年",
        ),
    ],
)
def test_tiers_with_their_explanations(changes: dict[str, object], tier: Tier, explanation: str) -> None:
    result = classify_tier(household(**changes), RULES)
    assert (result.tier, result.explanation) == (tier, explanation)


def test_the_development_threshold_is_the_industry_micro_revenue_ceiling() -> None:
    assert development_revenue_threshold(RULES, household(industry_code="5211")) == 1_000_000  # 零售 100万
    assert development_revenue_threshold(RULES, household(industry_code="5111")) == 10_000_000  # 批发 1000万
    assert development_revenue_threshold(RULES, household(industry_code="6210")) == 1_000_000  # 餐饮 100万
    assert (
        development_revenue_threshold(RULES, household(industry_code="8010")) == 1_000_000
    )  # no revenue: fallback
    assert development_revenue_threshold(RULES, household(industry_code=None)) == 1_000_000
    lower = replace(
        RULES, development_revenue_at_micro_ceiling=False, development_fallback_revenue_yuan=300_000
    )
    assert development_revenue_threshold(lower, household(industry_code="5111")) == 300_000


def test_office_rules_change_the_result_and_the_explanation() -> None:
    lower = replace(
        RULES, development_revenue_at_micro_ceiling=False, development_fallback_revenue_yuan=400_000
    )
    result = classify_tier(household(), lower)
    assert result.tier is Tier.DEVELOPMENT
    assert result.explanation.endswith("营业收入48万元 ≥ 发展型门槛40万元")


def test_not_trading_rules_can_be_switched_off() -> None:
    keep = replace(RULES, unclassified_when_suspended=False)
    assert classify_tier(household(suspended=True), keep).tier is Tier.GROWTH
    strict = replace(RULES, no_figures_as_survival=False)
    empty = household(revenue_yuan=None, tax_paid_yuan=None, insured_staff=None)
    assert classify_tier(empty, strict).explanation == "未分型：没有年度经营数据，无法分型"


def test_inputs_are_recorded_with_whole_years_not_the_day() -> None:
    recorded = household().as_json()
    assert recorded["years_registered"] == 5 and "as_of" not in recorded
    assert recorded["registered_on"] == "2021-03-01" and recorded["revenue_yuan"] == 480_000


_MONEY = st.one_of(st.none(), st.integers(min_value=0, max_value=20_000_000))
_PEOPLE = st.one_of(st.none(), st.integers(min_value=0, max_value=60))


@given(
    revenue=_MONEY,
    tax=_MONEY,
    employees=_PEOPLE,
    insured=_PEOPLE,
    years=st.integers(min_value=0, max_value=10),
    which=st.sampled_from(["revenue_yuan", "tax_paid_yuan", "employees", "insured_staff"]),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_lowering_revenue_tax_or_staff_never_raises_the_tier(
    revenue: int | None,
    tax: int | None,
    employees: int | None,
    insured: int | None,
    years: int,
    which: str,
    fraction: float,
) -> None:
    inputs = household(
        revenue_yuan=revenue, tax_paid_yuan=tax, employees=employees, insured_staff=insured,
        registered_on=date(TODAY.year - years, 1, 1),
    )  # fmt: skip
    before = classify_tier(inputs, RULES).tier
    current = getattr(inputs, which)
    lowered_value: Any = None if current is None else int(current * fraction)
    lowered = replace(inputs, **{which: lowered_value})
    assert RANK[classify_tier(lowered, RULES).tier] <= RANK[before]
