"""Who may be put forward for 名特优新 (docs/rules.md §1.2): 成长型 or 发展型, trading long enough, and not on
the negative list. The answer carries its reasons in Chinese, whether it passes or not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workbench.domain.tiers import Tier

EVENT_LABELS: dict[str, str] = {
    "penalty": "罚款及以上行政处罚",
    "accident": "重大安全事故",
    "dishonest": "经营者被列为失信被执行人",
}
"""Negative-list events that can be recorded on a business."""
ELIGIBLE_TIERS = frozenset({Tier.GROWTH, Tier.DEVELOPMENT})


@dataclass(frozen=True)
class NegativeEvent:
    """One recorded event: kind (EVENT_LABELS), the day it happened, and when it was repaired, if ever."""

    kind: str
    occurred_on: date
    repaired_on: date | None = None


@dataclass(frozen=True)
class Eligibility:
    passed: bool
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        return ("符合条件：" if self.passed else "不符合条件：") + "；".join(self.reasons)


def years_after(start: date, years: int) -> date:
    """The same day `years` later (29 February becomes 1 March)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def blocking_events(events: Sequence[NegativeEvent], on: date) -> list[str]:
    """Chinese reasons for every event that keeps a business off the list on day `on`."""
    year_ago = years_after(on, -1)
    reasons: list[str] = []
    for event in sorted(events, key=lambda item: item.occurred_on):
        if event.occurred_on > on:
            continue
        repaired = event.repaired_on is not None and event.repaired_on <= on
        label, day = EVENT_LABELS.get(event.kind, event.kind), event.occurred_on.isoformat()
        if event.kind == "penalty" and event.occurred_on >= year_ago and not repaired:
            reasons.append(f"{day} 受到{label}，一年内且尚未完成信用修复")
        elif event.kind == "accident" and event.occurred_on >= year_ago:
            reasons.append(f"{day} 发生{label}，未满一年")
        elif event.kind == "dishonest" and not repaired:
            reasons.append(f"{day} 起{label}，尚未移出名单")
    return reasons


def check_eligibility(
    *,
    tier: Tier | None,
    registered_on: date | None,
    events: Sequence[NegativeEvent],
    on: date,
    min_trading_years: int,
) -> Eligibility:
    """Pass or fail for a 名特优新 application made on day `on`, with every reason."""
    good: list[str] = []
    bad: list[str] = []
    tier_label = tier.label if tier is not None else "未分型"
    if tier in ELIGIBLE_TIERS:
        good.append(f"分型为{tier_label}")
    else:
        bad.append(f"分型为{tier_label}，须为成长型或发展型")
    if registered_on is None:
        bad.append("缺少成立日期，无法判断经营年限")
    elif years_after(registered_on, min_trading_years) <= on:
        good.append(f"{registered_on.isoformat()} 成立，已连续经营{min_trading_years}年以上")
    else:
        bad.append(f"{registered_on.isoformat()} 成立，经营不满{min_trading_years}年")
    blocked = blocking_events(events, on)
    if blocked:
        bad.extend(f"负面清单：{reason}" for reason in blocked)
    else:
        good.append("不在负面清单")
    return Eligibility(passed=not bad, reasons=tuple(bad or good))
