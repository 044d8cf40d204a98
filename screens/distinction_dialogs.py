"""Dialogs of the 名特优新, 培育库 and candidate screens: each saves with one gateway call (one transaction)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.domain import distinctions as flow
from workbench.domain.candidates import CONVERSION_METHOD_LABELS, POOL_LABELS, CandidateRules
from workbench.domain.eligibility import EVENT_LABELS
from workbench.domain.rule_files import LoadedRules
from workbench.domain.values import parse_date
from workbench.services import distinction_lists, pools
from workbench.services.errors import ValidationFailed
from workbench.services.gateway.programme_desk import OpenEvent


def _day(values: DialogValues, field: str, label: str, required: bool = True) -> date | None:
    try:
        day = parse_date(values[field] or None)
    except ValueError as problem:
        raise ValidationFailed({field: f"{label}：{problem}"}) from None
    if day is None and required:
        raise ValidationFailed({field: f"请填写{label}"})
    return day


def _choices(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, code) for code, label in labels.items())


class ApplyDialog(ServiceDialog):
    """申报 (or 推荐) one household for 名特优新; dismisses with the eligibility sentence."""

    TITLE_TEXT = "名特优新申报"

    def __init__(
        self, business_uuid: str | None, business_name: str, today: date, rules: LoadedRules[CandidateRules]
    ) -> None:
        fields = (
            *(
                ()
                if business_uuid
                else (DialogField("business", "信用代码/全称", placeholder="统一社会信用代码或主体全称"),)
            ),
            DialogField(
                "category",
                "类别",
                _choices(
                    {
                        code: f"{label}（{flow.CATEGORY_NAMES[code]}）"
                        for code, label in flow.CATEGORY_LABELS.items()
                    }
                ),
                "renowned",
            ),
            DialogField("level", "级别", _choices(flow.LEVEL_LABELS), "county"),
            DialogField("source", "来源", _choices(flow.SOURCE_LABELS), "self_applied"),
            DialogField("applied_on", "申报日期", default=today.isoformat()),
        )
        super().__init__(business_name or "按信用代码或全称选择主体", fields)
        self.business_uuid = business_uuid
        self.rules = rules

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.programmes.apply_distinction(
            actor,
            business_uuid=self.business_uuid,
            business_text=str(values.get("business") or ""),
            category=values["category"] or "",
            level=values["level"] or "",
            source=values["source"] or "",
            applied_on=cast(date, _day(values, "applied_on", "申报日期")),
            rules=self.rules,
        )


class StepDialog(ServiceDialog):
    """Move a distinction to `target` on a day, with a reason where one is needed; dismisses with the step."""
    CONFIRMS_PREVIEW = True

    def __init__(
        self, row: distinction_lists.DistinctionRow, target: str, today: date, rules: CandidateRules
    ) -> None:
        label = flow.STEP_LABELS[target]
        needs_reason = target in flow.REASON_REQUIRED
        fields = (
            DialogField("on", f"{label}日期", default=today.isoformat()),
            DialogField(
                "reason", "原因" if needs_reason else "说明", placeholder="必填" if needs_reason else "可不填"
            ),
        )
        super().__init__(f"{row.business_name}：由「{flow.STEP_LABELS[row.step]}」转「{label}」", fields)
        self.TITLE_TEXT = f"名特优新：{label}"
        self.row, self.target, self.rules = row, target, rules

    def write(self, actor: Actor, values: DialogValues) -> Any:
        reason = str(values["reason"])
        if self.target in flow.REASON_REQUIRED and not reason:
            raise ValidationFailed({"reason": f"「{flow.STEP_LABELS[self.target]}」必须写明原因"})
        return self.workbench.gateway.programmes.advance_distinction(
            actor, self.row, target=self.target, on=cast(date, _day(values, "on", "日期")), reason=reason,
            rules=self.rules,
        )  # fmt: skip


class ClearReviewDialog(ServiceDialog):
    CONFIRMS_PREVIEW = True
    TITLE_TEXT = "复核通过，保留认定"

    def __init__(self, row: distinction_lists.DistinctionRow) -> None:
        super().__init__(
            f"{row.business_name}：{row.review_reason}",
            (DialogField("reason", "复核意见", placeholder="必填"),),
        )
        self.row = row

    def write(self, actor: Actor, values: DialogValues) -> Any:
        self.workbench.gateway.programmes.clear_review(actor, self.row, str(values["reason"]))
        return "cleared"


class EventDialog(ServiceDialog):
    """Record a negative-list event; dismisses with how many recognised distinctions it flagged."""

    TITLE_TEXT = "记录负面清单事件"

    def __init__(self, business_uuid: str, business_name: str, today: date) -> None:
        super().__init__(
            business_name,
            (
                DialogField("kind", "事件", _choices(EVENT_LABELS), "penalty"),
                DialogField("occurred_on", "发生日期", default=today.isoformat()),
                DialogField("note", "说明", placeholder="处罚决定书文号、事故简况等"),
                DialogField("repaired_on", "修复日期", placeholder="信用修复 / 移出名单日期，未修复不填"),
            ),
        )
        self.business_uuid = business_uuid

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.programmes.record_event(
            actor,
            self.business_uuid,
            kind=values["kind"] or "",
            occurred_on=cast(date, _day(values, "occurred_on", "发生日期")),
            note=str(values["note"]),
            repaired_on=_day(values, "repaired_on", "修复日期", required=False),
        )


class EnterPoolDialog(ServiceDialog):
    """Put a business in a pool; the reason starts as the candidate's reasons and may be edited."""
    CONFIRMS_PREVIEW = True

    TITLE_TEXT = "加入培育库"

    def __init__(self, business_uuid: str, business_name: str, pool: str, reason: str, today: date) -> None:
        super().__init__(
            f"{business_name} 纳入{POOL_LABELS[pool]}",
            (
                DialogField("entered_on", "入库日期", default=today.isoformat()),
                DialogField("reason", "入库理由", default=reason, placeholder="必填"),
            ),
        )
        self.business_uuid, self.pool = business_uuid, pool

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.programmes.enter_pool(
            actor,
            self.business_uuid,
            pool=self.pool,
            entered_on=cast(date, _day(values, "entered_on", "入库日期")),
            reason=str(values["reason"]),
        )


class LeavePoolDialog(ServiceDialog):
    CONFIRMS_PREVIEW = True
    TITLE_TEXT = "移出培育库"

    def __init__(self, row: pools.MemberRow, today: date) -> None:
        super().__init__(
            f"{row.business_name}（{row.entered_on.isoformat()} 入库）",
            (
                DialogField("left_on", "出库日期", default=today.isoformat()),
                DialogField("reason", "出库理由", placeholder="必填"),
            ),
        )
        self.row = row

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.programmes.leave_pool(
            actor, self.row, left_on=cast(date, _day(values, "left_on", "出库日期")), reason=str(values["reason"])
        )


class ConversionDialog(ServiceDialog):
    """个转企 of the household on screen: 直接变更 (same code and 成立日期) or 注销+设立 (link the new enterprise)."""

    TITLE_TEXT = "个转企登记"

    def __init__(self, business_uuid: str, base_version: int, business_name: str, today: date) -> None:
        super().__init__(
            f"{business_name}（个体工商户转为企业）",
            (
                DialogField("method", "方式", _choices(CONVERSION_METHOD_LABELS), "direct_change"),
                DialogField("converted_on", "变更日期", default=today.isoformat()),
                DialogField("new_name", "企业名称", placeholder="直接变更后的企业名称（不改可不填）"),
                DialogField(
                    "new_business", "新设企业", placeholder="注销+设立：新企业的信用代码或全称（须已登记）"
                ),
                DialogField("note", "说明", placeholder="可不填"),
            ),
        )
        self.business_uuid, self.base_version = business_uuid, base_version

    def write(self, actor: Actor, values: DialogValues) -> Any:
        self.workbench.gateway.programmes.convert(
            actor,
            self.business_uuid,
            self.base_version,
            method=values["method"] or "direct_change",
            converted_on=cast(date, _day(values, "converted_on", "变更日期")),
            new_name=str(values["new_name"]),
            new_business_text=str(values["new_business"]),
            note=str(values["note"]),
        )
        return CONVERSION_METHOD_LABELS[values["method"] or "direct_change"]


class RepairDialog(ServiceDialog):
    """信用修复 / 移出失信名单 of one of a business's unrepaired negative-list events."""
    CONFIRMS_PREVIEW = True

    TITLE_TEXT = "登记信用修复"

    def __init__(self, business_name: str, events: list[OpenEvent], today: date) -> None:
        """`events`: those not yet repaired."""
        super().__init__(
            business_name,
            (
                DialogField(
                    "event",
                    "事件",
                    tuple((event.label, event.uuid) for event in events),
                    events[0].uuid if events else "",
                ),
                DialogField("repaired_on", "修复日期", default=today.isoformat()),
            ),
        )
        self.events = {event.uuid: event for event in events}

    def write(self, actor: Actor, values: DialogValues) -> Any:
        chosen = values["event"]
        if not chosen:
            raise ValidationFailed({"event": "请选择已修复的事件"})
        return self.workbench.gateway.programmes.mark_repaired(
            actor, self.events[chosen], cast(date, _day(values, "repaired_on", "修复日期"))
        )
