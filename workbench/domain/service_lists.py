"""The choices of service work: support types, appeal channels and categories, visit findings, licence kinds
and lead times.

Shipped defaults below; an office changes them in service.toml in the config folder
(``workbench locate`` prints it). Every key is optional; a list given replaces the shipped one::

    support_types = ["融资/首贷", "信用贷款", "培训/入市第一课", "法律服务", "其他"]
    appeal_channels = ["窗口", "电话", "走访", "12345转办", "12315转办", "线上"]
    visit_findings = ["正常经营", "未开业", "已停业", "查无下落", "其他"]
    due_soon_working_days = 3         # 诉求 this close to its deadline counts as 即将到期
    annual_report_reminder = true     # 1 Jan - 30 Jun: one 年报 item for households
    license_kinds = ["食品经营许可证", "小餐饮登记证", "药品经营许可证"]   # the 许可证 form's kinds

    [appeal_categories]               # category = working days to its deadline
    "政策咨询" = 5
    "投诉纠纷" = 7

    [licence_lead_times]              # license kind = reminder points in working days before expiry
    "食品经营许可证" = [90, 30, 15]
    "*" = [30, 15]                    # every other kind

The default deadlines are the office's practice [B], not a national rule; 投诉 uses the 7 working days
of 《市场监督管理投诉举报处理暂行办法》 for deciding whether to accept, 举报 the 15 for verifying.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.domain.licenses import LICENSE_KINDS

SERVICE_FILE = "service.toml"
FIRST_LOAN = "融资/首贷"

SUPPORT_TYPES: tuple[str, ...] = (
    FIRST_LOAN,
    "信用贷款",
    "培训/入市第一课",
    "法律服务",
    "经营场所",
    "政策兑现",
    "技术/质量服务",
    "线上经营",
    "其他",
)
APPEAL_CHANNELS: tuple[str, ...] = ("窗口", "电话", "走访", "12345转办", "12315转办", "线上")
APPEAL_CATEGORIES: dict[str, int] = {
    "政策咨询": 5,
    "登记注册": 5,
    "融资需求": 10,
    "经营场所": 15,
    "证照办理": 7,
    "投诉纠纷": 7,
    "举报线索": 15,
    "其他": 10,
}
VISIT_FINDINGS: tuple[str, ...] = ("正常经营", "未开业", "已停业", "查无下落", "其他")
SATISFACTION_LEVELS: tuple[str, ...] = ("满意", "基本满意", "不满意")
ANY_LICENSE = "*"
# The key in service.toml, spelt as the offices' files already spell it (the code's name is license).
LEAD_TIMES_KEY = "licence_lead_times"
LICENSE_LEAD_TIMES: dict[str, tuple[int, ...]] = {ANY_LICENSE: (90, 30, 15)}
KINDS_KEY = "license_kinds"
KINDS_KEY_AS_SPELT = "licence_kinds"  # also read: the spelling of licence_lead_times beside it in the file
# What an observed change on a visit may touch on the business, with its label.
VISIT_OBSERVABLE_FIELDS: dict[str, str] = {
    "phone": "联系电话",
    "address": "经营场所",
    "employees": "从业人员",
}


@dataclass(frozen=True)
class ServiceLists:
    """The lists and numbers the office can change; the defaults are what ships."""

    support_types: tuple[str, ...] = SUPPORT_TYPES
    appeal_channels: tuple[str, ...] = APPEAL_CHANNELS
    appeal_categories: dict[str, int] = field(default_factory=lambda: dict(APPEAL_CATEGORIES))
    visit_findings: tuple[str, ...] = VISIT_FINDINGS
    satisfaction_levels: tuple[str, ...] = SATISFACTION_LEVELS
    license_lead_times: dict[str, tuple[int, ...]] = field(default_factory=lambda: dict(LICENSE_LEAD_TIMES))
    license_kinds: tuple[str, ...] = LICENSE_KINDS
    due_soon_working_days: int = 3
    annual_report_reminder: bool = True

    def deadline_days(self, category: str) -> int:
        """Working days from intake to deadline for a category (an unknown one gets 其他's, else 10)."""
        return self.appeal_categories.get(category, self.appeal_categories.get("其他", 10))

    def lead_times(self, license_kind: str) -> tuple[int, ...]:
        """Reminder points for a license kind, largest first."""
        points = self.license_lead_times.get(license_kind) or self.license_lead_times.get(ANY_LICENSE, ())
        return tuple(sorted(points, reverse=True))


DEFAULT_LISTS = ServiceLists()


def parse_service_lists(text: str) -> ServiceLists:
    """service.toml text over the defaults; ValueError naming the key when a value has the wrong shape."""
    import tomllib  # here, not at the top: its parser compiles regexes that cost the launch ~50 ms

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{SERVICE_FILE} 格式有误：{error}") from None
    changes: dict[str, Any] = {}
    for key in ("support_types", "appeal_channels", "visit_findings"):
        if key in document:
            changes[key] = _names(key, document[key])
    if "appeal_categories" in document:
        categories = document["appeal_categories"]
        if not isinstance(categories, dict) or not all(_whole(days) for days in categories.values()):
            raise ValueError(f"{SERVICE_FILE}：appeal_categories 应写成「类别 = 工作日天数」，天数为正整数")
        changes["appeal_categories"] = dict(categories)
    for key in (KINDS_KEY, KINDS_KEY_AS_SPELT):
        if key in document:
            changes["license_kinds"] = _names(key, document[key])
    if LEAD_TIMES_KEY in document:
        changes["license_lead_times"] = _lead_times(document[LEAD_TIMES_KEY])
    if "due_soon_working_days" in document:
        if not _whole(document["due_soon_working_days"]):
            raise ValueError(f"{SERVICE_FILE}：due_soon_working_days 应为正整数")
        changes["due_soon_working_days"] = document["due_soon_working_days"]
    if "annual_report_reminder" in document:
        changes["annual_report_reminder"] = bool(document["annual_report_reminder"])
    return replace(DEFAULT_LISTS, **changes)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _names(key: str, value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise ValueError(f'{SERVICE_FILE}：{key} 应写成不为空的文字列表，如 ["窗口", "电话"]')
    return tuple(item.strip() for item in value)


def _lead_times(value: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"{SERVICE_FILE}：{LEAD_TIMES_KEY} 应写成「许可证种类 = [90, 30, 15]」")
    lead_times: dict[str, tuple[int, ...]] = {}
    for kind, points in value.items():
        if not isinstance(points, list) or not points or not all(_whole(point) for point in points):
            raise ValueError(f"{SERVICE_FILE}：{LEAD_TIMES_KEY}「{kind}」应为正整数列表，如 [90, 30, 15]")
        lead_times[kind] = tuple(points)
    return lead_times


def load_service_lists(config_dir: Path | None) -> ServiceLists:
    """service.toml from config_dir over the shipped defaults (the defaults when there is no file)."""
    path = config_dir / SERVICE_FILE if config_dir is not None else None
    if path is None or not path.is_file():
        return DEFAULT_LISTS
    return parse_service_lists(path.read_text(encoding="utf-8"))
