"""Candidate rules: who is put up for 个转企 and 上规上限 review, and the 名特优新 settings, read from
workbench/rules/candidates.toml (docs/rules.md §1.2, §3, §4.3). Candidates are proposed with their reasons;
nothing here adds anyone to a pool."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from workbench.domain.rule_files import LoadedRules, RulesError, load_rule_file, number_at, value_at
from workbench.domain.scale_thresholds import ScaleThreshold

RULES_NAME = "candidates"


@dataclass(frozen=True)
class CandidateRules:
    min_trading_years: int = 2
    cap_percent: float = 5
    validity_years: int = 3
    reevaluation_lead_days: int = 120
    use_small_enterprise_lower_bound: bool = True
    micro_upper_percent: float = 50
    min_employees: int = 5
    scale_up_percent: float = 80


def validate_candidate_rules(data: dict[str, Any]) -> CandidateRules:
    """The rules of a merged candidates.toml, or RulesError naming the bad key."""
    flag = value_at(data, "conversion.use_small_enterprise_lower_bound")
    if not isinstance(flag, bool):
        raise RulesError(
            "「conversion.use_small_enterprise_lower_bound」应是 true 或 false",
            key="conversion.use_small_enterprise_lower_bound",
        )
    cap = number_at(data, "distinction.cap_percent")
    if cap > 100:
        raise RulesError(
            f"「distinction.cap_percent」是百分比，不能大于 100，现在是 {cap:g}",
            key="distinction.cap_percent",
        )
    return CandidateRules(
        min_trading_years=_whole(data, "distinction.min_trading_years"),
        cap_percent=cap,
        validity_years=_whole(data, "distinction.validity_years", minimum=1),
        reevaluation_lead_days=_whole(data, "distinction.reevaluation_lead_days"),
        use_small_enterprise_lower_bound=flag,
        micro_upper_percent=number_at(data, "conversion.micro_upper_percent"),
        min_employees=_whole(data, "conversion.min_employees", minimum=1),
        scale_up_percent=number_at(data, "scale_up.threshold_percent"),
    )


def _whole(data: dict[str, Any], dotted: str, minimum: int = 0) -> int:
    value = number_at(data, dotted, minimum=minimum)
    if value != int(value):
        raise RulesError(f"「{dotted}」应是整数，现在是 {value:g}", key=dotted)
    return int(value)


def load_candidate_rules(override_dir: Path | None = None) -> LoadedRules[CandidateRules]:
    return load_rule_file(RULES_NAME, validate_candidate_rules, override_dir=override_dir)


def wan_text(yuan: int | float | Decimal) -> str:
    """48万元, 123.65万元: amounts in the unit the thresholds are published in."""
    amount = (Decimal(yuan) / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount.normalize():f}万元"


def _share(amount: int, percent: float) -> Decimal:
    return Decimal(amount) * Decimal(str(percent)) / 100


def conversion_reasons(
    *,
    rules: CandidateRules,
    revenue: int | None,
    employees: int | None,
    micro_revenue_ceiling: int | None,
    reaches_small: str | None,
) -> list[str]:
    """Why a trading household is a 个转企 candidate (empty: it is not).

    `micro_revenue_ceiling` is the industry's 微型 revenue upper bound in yuan (None when the row has no
    revenue indicator); `reaches_small` is the size class label (小型 / 中型 / 大型) when the household's
    figures reach the 小型 lower bound, else None."""
    reasons: list[str] = []
    if rules.use_small_enterprise_lower_bound and reaches_small:
        reasons.append(f"按企业划型标准已达{reaches_small}企业下限")
    if revenue is not None and micro_revenue_ceiling:
        bar = _share(micro_revenue_ceiling, rules.micro_upper_percent)
        if revenue >= bar:
            reasons.append(
                f"营业收入{wan_text(revenue)} ≥ 本行业微型企业上限{wan_text(micro_revenue_ceiling)}"
                f"的{rules.micro_upper_percent:g}%（{wan_text(bar)}）"
            )
    if employees is not None and employees >= rules.min_employees:
        reasons.append(f"从业人员{employees}人 ≥ {rules.min_employees}人")
    return reasons


def scale_up_reason(
    *, rules: CandidateRules, revenue: int | None, threshold: ScaleThreshold | None
) -> str | None:
    """Why an enterprise is a 上规上限 candidate, or None (no revenue test for its industry, or too small)."""
    if revenue is None or threshold is None or threshold.revenue is None:
        return None
    bar = _share(threshold.revenue, rules.scale_up_percent)
    if revenue >= threshold.revenue:
        return f"营业收入{wan_text(revenue)} 已达{threshold.category}门槛{wan_text(threshold.revenue)}"
    if revenue >= bar:
        return (
            f"营业收入{wan_text(revenue)} ≥ {threshold.category}门槛{wan_text(threshold.revenue)}"
            f"的{rules.scale_up_percent:g}%（{wan_text(bar)}）"
        )
    return None


POOL_LABELS: dict[str, str] = {
    "conversion": "个转企培育库",
    "distinction": "名特优新培育库",
    "scale_up": "上规上限培育库",
}
CANDIDATE_POOLS: dict[str, str] = {
    "conversion": "个转企候选",
    "scale_up": "上规上限候选",
    "distinction": "名特优新候选",
}
"""Candidate lists and the pool each one feeds (same code name)."""
CONVERSION_METHOD_LABELS: dict[str, str] = {
    "direct_change": "直接变更",
    "deregister_and_establish": "注销+设立",
}
