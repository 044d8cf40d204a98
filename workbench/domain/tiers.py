"""The three tiers of households (生存型/成长型/发展型, or 未分型) with a Chinese explanation (docs/rules.md §1.1).

Thresholds come from the rule file classification.toml (see workbench/rules); this module only evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from workbench.domain.labels import BusinessStatus
from workbench.domain.rule_files import RulesError, number_at, value_at
from workbench.domain.size_class import format_amount, size_row_for

NOT_TRADING_STATUSES: dict[str, str] = {
    BusinessStatus.REVOKED: "已吊销",
    BusinessStatus.REVOKED_DEREGISTERED: "已吊销并注销",
    BusinessStatus.DEREGISTERED: "已注销",
    BusinessStatus.CANCELLED: "已撤销",
    BusinessStatus.MOVED_OUT: "已迁出",
}


class Tier(StrEnum):
    """A household's tier; UNCLASSIFIED when it is not actually trading."""

    SURVIVAL = "survival"
    GROWTH = "growth"
    DEVELOPMENT = "development"
    UNCLASSIFIED = "unclassified"

    @property
    def label(self) -> str:
        return TIER_LABELS[self.value]


TIER_LABELS = {"survival": "生存型", "growth": "成长型", "development": "发展型", "unclassified": "未分型"}


@dataclass(frozen=True)
class TierRules:
    """The thresholds of classification.toml [tier], money in yuan."""

    unclassified_when_suspended: bool = True
    unclassified_when_abnormal: bool = True
    unclassified_when_zero_revenue: bool = True
    no_figures_as_survival: bool = True
    growth_min_tax_yuan: float = 1
    growth_min_insured_staff: float = 1
    growth_min_revenue_yuan: float = 1
    development_min_years: float = 2
    development_revenue_at_micro_ceiling: bool = True
    development_fallback_revenue_yuan: float = 1_000_000
    development_min_insured_staff: float = 5
    development_min_tax_yuan: float = 50_000


@dataclass(slots=True)
class TierInputs:
    """What a tier is decided from; stored next to each result (JSON) so it can be audited.

    Not frozen: a recompute builds a million of these, and a frozen dataclass's __init__ costs twice as much.
    """

    status: str = BusinessStatus.ACTIVE
    suspended: bool = False
    abnormal: bool = False
    registered_on: date | None = None
    as_of: date | None = None
    figures_year: int | None = None
    revenue_yuan: int | None = None
    tax_paid_yuan: int | None = None
    employees: int | None = None
    insured_staff: int | None = None
    industry_code: str | None = None
    industry_version: str = "2017"

    @property
    def years_registered(self) -> int | None:
        """Whole years from registration to as_of."""
        if self.registered_on is None or self.as_of is None:
            return None
        start, end = self.registered_on, self.as_of
        return end.year - start.year - ((end.month, end.day) < (start.month, start.day))

    def as_json(self) -> dict[str, Any]:
        """The inputs as JSON-ready values; as_of is left out and the whole years put in (a stable record)."""
        return {
            "status": self.status,
            "suspended": self.suspended,
            "abnormal": self.abnormal,
            "registered_on": self.registered_on.isoformat() if self.registered_on else None,
            "years_registered": self.years_registered,
            "figures_year": self.figures_year,
            "revenue_yuan": self.revenue_yuan,
            "tax_paid_yuan": self.tax_paid_yuan,
            "employees": self.employees,
            "insured_staff": self.insured_staff,
            "industry_code": self.industry_code,
            "industry_version": self.industry_version,
        }


@dataclass(frozen=True)
class TierResult:
    """A tier and why: the explanation reads "成长型：近12个月有纳税记录（3,200元）；…"."""

    tier: Tier
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return tier_explanation(TIER_LABELS[self.tier.value], self.reasons)


def tier_explanation(label: str, reasons: tuple[str, ...]) -> str:
    """「成长型：理由；理由」: a tier's label and its reasons, as results and history store them."""
    return f"{label}：{'；'.join(reasons)}"


def tier_rules_from(raw: dict[str, Any]) -> TierRules:
    """Validate the [tier] tables of classification.toml; RulesError names the bad key."""
    flags = {
        "unclassified_when_suspended": "tier.not_trading.suspended",
        "unclassified_when_abnormal": "tier.not_trading.abnormal",
        "unclassified_when_zero_revenue": "tier.not_trading.zero_revenue",
        "no_figures_as_survival": "tier.not_trading.no_figures_as_survival",
        "development_revenue_at_micro_ceiling": "tier.development.revenue_at_micro_ceiling",
    }
    numbers = {
        "growth_min_tax_yuan": "tier.growth.min_tax_yuan",
        "growth_min_insured_staff": "tier.growth.min_insured_staff",
        "growth_min_revenue_yuan": "tier.growth.min_revenue_yuan",
        "development_min_years": "tier.development.min_years",
        "development_fallback_revenue_yuan": "tier.development.fallback_revenue_yuan",
        "development_min_insured_staff": "tier.development.min_insured_staff",
        "development_min_tax_yuan": "tier.development.min_tax_yuan",
    }
    values: dict[str, Any] = {name: _flag(raw, key) for name, key in flags.items()}
    values.update({name: number_at(raw, key) for name, key in numbers.items()})
    return TierRules(**values)


def _flag(raw: dict[str, Any], key: str) -> bool:
    value = value_at(raw, key)
    if not isinstance(value, bool):
        raise RulesError(f"「{key}」应填 true 或 false，现在是「{value!r}」", key=key)
    return value


def development_revenue_threshold(rules: TierRules, inputs: TierInputs) -> float:
    """Yuan: the industry's 微型 revenue ceiling (零售 100万元) or the fallback amount."""
    if rules.development_revenue_at_micro_ceiling:
        ceiling = _micro_ceiling_wan(inputs.industry_code, inputs.industry_version)
        if ceiling is not None:
            return ceiling * 10_000
    return rules.development_fallback_revenue_yuan


@lru_cache(maxsize=4096)
def _micro_ceiling_wan(industry_code: str | None, version: str) -> int | None:
    """The industry's 微型 revenue ceiling in 万元 (None when the size table has none for it); cached, a
    recompute asks it for every household."""
    row = size_row_for(industry_code, version)
    return row.micro_upper_revenue_wan if row else None


def classify_tier(inputs: TierInputs, rules: TierRules) -> TierResult:
    """The tier of one household and the reasons, in the order staff read them."""
    not_trading = _not_trading(inputs, rules)
    if not_trading:
        return TierResult(Tier.UNCLASSIFIED, (not_trading,))
    if inputs.revenue_yuan is None and inputs.tax_paid_yuan is None and inputs.insured_staff is None:
        if rules.no_figures_as_survival:
            return TierResult(Tier.SURVIVAL, ("没有年度经营数据，按生存型",))
        return TierResult(Tier.UNCLASSIFIED, ("没有年度经营数据，无法分型",))
    tax, insured, revenue = inputs.tax_paid_yuan or 0, inputs.insured_staff or 0, inputs.revenue_yuan or 0
    facts = _facts(tax, insured, inputs.employees, rules)
    has_tax_or_staff = tax >= rules.growth_min_tax_yuan or insured >= rules.growth_min_insured_staff
    if not has_tax_or_staff:
        needed = f"参保{insured}人 < 成长型门槛{format_amount(rules.growth_min_insured_staff)}人"
        return TierResult(Tier.SURVIVAL, (*facts, needed, _revenue_text(revenue)))
    if revenue < rules.growth_min_revenue_yuan:
        low = f"营业收入{_wan(revenue)}万元 < 成长型门槛{_wan(rules.growth_min_revenue_yuan)}万元"
        return TierResult(Tier.SURVIVAL, (*facts, low))
    return _growth_or_development(inputs, rules, facts, tax, insured, revenue)


def _growth_or_development(
    inputs: TierInputs, rules: TierRules, facts: tuple[str, ...], tax: int, insured: int, revenue: int
) -> TierResult:
    threshold = development_revenue_threshold(rules, inputs)
    years = inputs.years_registered
    if years is None or years < rules.development_min_years:
        age = "成立日期不详" if years is None else f"存续{years}年"
        short = f"{age} < 发展型要求{format_amount(rules.development_min_years)}年"
        return TierResult(Tier.GROWTH, (*facts, _revenue_text(revenue), short))
    if revenue >= threshold:
        why = f"营业收入{_wan(revenue)}万元 ≥ 发展型门槛{_wan(threshold)}万元"
    elif insured >= rules.development_min_insured_staff:
        why = f"参保{insured}人 ≥ 发展型门槛{format_amount(rules.development_min_insured_staff)}人"
    elif tax >= rules.development_min_tax_yuan:
        why = f"纳税{format_amount(tax)}元 ≥ 发展型门槛{format_amount(rules.development_min_tax_yuan)}元"
    else:
        below = f"营业收入{_wan(revenue)}万元 < 发展型门槛{_wan(threshold)}万元"
        return TierResult(Tier.GROWTH, (*facts, below))
    return TierResult(Tier.DEVELOPMENT, (*facts, f"存续{years}年", why))


def _not_trading(inputs: TierInputs, rules: TierRules) -> str | None:
    if inputs.status in NOT_TRADING_STATUSES:
        return NOT_TRADING_STATUSES[inputs.status]
    if inputs.status != BusinessStatus.ACTIVE:
        return "登记状态不是存续"
    if inputs.suspended and rules.unclassified_when_suspended:
        return "歇业中"
    if inputs.abnormal and rules.unclassified_when_abnormal:
        return "标记为经营异常"
    if inputs.revenue_yuan == 0 and rules.unclassified_when_zero_revenue:
        year = f"{inputs.figures_year}年度" if inputs.figures_year else "最近年度"
        return f"{year}营业收入为0（零申报）"
    return None


def _facts(tax: int, insured: int, employees: int | None, rules: TierRules) -> tuple[str, ...]:
    facts = [
        f"近12个月有纳税记录（{format_amount(tax)}元）"
        if tax >= rules.growth_min_tax_yuan
        else "近12个月无纳税记录"
    ]
    if insured:
        facts.append(f"参保{insured}人")
    if employees:
        facts.append(f"雇员{employees}人")
    return tuple(facts)


def _revenue_text(revenue: int) -> str:
    return f"营业收入{_wan(revenue)}万元"


def _wan(yuan: float) -> str:
    return format_amount(round(yuan / 10_000, 2))
