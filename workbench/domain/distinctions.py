"""名特优新 (distinctions): categories, levels, sources, the workflow as a state machine, and validity.

Validity rule implemented (docs/rules.md §1.2: 有效期三年, benefits start 次年1月1日): a distinction recognised on
any day of year Y is valid from 1 January of Y+1 to 31 December of Y+3 inclusive, i.e. three full calendar
years starting on the 1 January after recognition. Re-evaluation (复评) is due from `lead_days` before the
last valid day, so that it fits the yearly intake that closes at the end of November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CATEGORY_LABELS: dict[str, str] = {"renowned": "名", "distinctive": "特", "quality": "优", "novel": "新"}
CATEGORY_NAMES: dict[str, str] = {
    "renowned": "知名",
    "distinctive": "特色",
    "quality": "优质",
    "novel": "新兴",
}
LEVEL_LABELS: dict[str, str] = {"county": "县级", "city": "市级", "province": "省级"}
SOURCE_LABELS: dict[str, str] = {"self_applied": "自主申报", "recommended": "部门推荐"}

FORWARD_STEPS: tuple[str, ...] = (
    "applied",
    "preliminary",
    "site_check",
    "joint_review",
    "publicity",
    "recognised",
)
STEP_LABELS: dict[str, str] = {
    "applied": "申报",
    "preliminary": "初审",
    "site_check": "实地核查",
    "joint_review": "联审",
    "publicity": "公示",
    "recognised": "认定",
    "returned": "退回",
    "rejected": "不予认定",
    "exited": "退出",
}
OPEN_STEPS = FORWARD_STEPS[:-1]
"""Steps of an application still under way: it can be advanced, returned or refused."""
REASON_REQUIRED = frozenset({"returned", "rejected", "exited"})


class TransitionRefused(ValueError):
    """A step the workflow does not allow from where the record stands; `message` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_steps(current: str) -> tuple[str, ...]:
    """Where a record may go from `current`."""
    if current in OPEN_STEPS:
        return (FORWARD_STEPS[FORWARD_STEPS.index(current) + 1], "returned", "rejected")
    if current == "returned":
        return ("applied",)
    if current == "recognised":
        return ("exited",)
    return ()


def next_step(current: str) -> str | None:
    """The next forward step (退回 goes back to 申报), or None at the end of the line."""
    if current in OPEN_STEPS:
        return FORWARD_STEPS[FORWARD_STEPS.index(current) + 1]
    if current == "returned":
        return "applied"
    return None


def check_transition(current: str, target: str, reason: str = "") -> None:
    """Raise TransitionRefused, in Chinese, unless the workflow allows current -> target (with a reason
    where one is needed)."""
    if target not in STEP_LABELS:
        raise TransitionRefused(f"没有「{target}」这一步")
    here, there = STEP_LABELS.get(current, current), STEP_LABELS[target]
    if target not in allowed_steps(current):
        raise TransitionRefused(_refusal(current, here, there))
    if target in REASON_REQUIRED and not reason.strip():
        raise TransitionRefused(f"「{there}」必须写明原因")


def _refusal(current: str, here: str, there: str) -> str:
    if current == "rejected":
        return f"该申报已「不予认定」，不能再「{there}」；如需再次申报，请新建一条申报记录"
    if current == "exited":
        return f"该认定已「退出」，不能再「{there}」；如需再次认定，请新建一条申报记录"
    if current == "recognised":
        return f"已「认定」的记录不能再「{there}」；复核不通过时请选择「退出」并写明原因"
    if current == "returned":
        return f"已「退回」的申报须先补正后重新「申报」，不能直接「{there}」"
    follow = STEP_LABELS[FORWARD_STEPS[FORWARD_STEPS.index(current) + 1]]
    return f"当前在「{here}」，下一步只能是「{follow}」（或退回 / 不予认定），不能直接「{there}」"


@dataclass(frozen=True)
class Validity:
    """The first and last valid day of a recognised distinction."""

    valid_from: date
    valid_until: date


def validity(recognised_on: date, years: int = 3) -> Validity:
    """Valid from 1 January after recognition through 31 December, `years` calendar years later."""
    return Validity(date(recognised_on.year + 1, 1, 1), date(recognised_on.year + years, 12, 31))


def reevaluation_due(valid_until: date, today: date, lead_days: int) -> bool:
    """True from `lead_days` before the last valid day on (and after it has passed)."""
    return today >= valid_until - timedelta(days=lead_days)


def validity_text(valid_from: date | None, valid_until: date | None, today: date, lead_days: int) -> str:
    """「2026-01-01 至 2028-12-31」, with 已过期 / 待复评 when it applies."""
    if valid_from is None or valid_until is None:
        return ""
    span = f"{valid_from.isoformat()} 至 {valid_until.isoformat()}"
    if today > valid_until:
        return f"{span}（已过期）"
    if reevaluation_due(valid_until, today, lead_days):
        return f"{span}（待复评）"
    return span
