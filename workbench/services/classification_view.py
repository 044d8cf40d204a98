"""One business's classification as the 分型分类 tab shows it: the stored result (or, never stored, what it
would be), the override and the history. Reads only; scoped to the actor's office."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables_classification import ClassificationHistory, ClassificationResult
from workbench.domain.labels import BusinessKind
from workbench.domain.rule_files import LoadedRules
from workbench.domain.size_class import SizeClass
from workbench.domain.tiers import Tier, TierRules
from workbench.services.classification_recompute import Decision, decide_business
from workbench.services.register import get_business

EVENT_LABELS = {"computed": "重新计算", "override": "人工认定", "cleared": "取消人工认定"}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a business's classification history, newest first."""

    at: datetime
    who: str
    event: str
    tier: str | None
    size_class: str | None
    rule_version: str
    explanation: str
    reason: str

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event, self.event)


@dataclass(frozen=True)
class ClassificationView:
    """What the 分型分类 tab shows about one business."""

    business_uuid: str
    business_id: int
    kind: str
    computed: bool
    version: int
    tier: Tier | None
    computed_tier: Tier | None
    size_class: SizeClass | None
    explanation: str
    size_explanation: str
    rule_version: str
    inputs: dict[str, Any]
    computed_at: datetime | None
    override_tier: Tier | None
    override_reason: str | None
    override_by: str | None
    override_at: datetime | None
    history: list[HistoryEntry]

    @property
    def tier_text(self) -> str:
        """ "发展型（人工认定：…）" for an override, else the computed label; "不分型" for enterprises."""
        if self.override_tier is not None:
            return f"{self.override_tier.label}（人工认定：{self.override_reason}）"
        if self.tier is None:
            return "不分型（非个体工商户）" if self.kind != BusinessKind.HOUSEHOLD else "尚未分型"
        return self.tier.label

    @property
    def size_text(self) -> str:
        return self.size_class.label if self.size_class else "无法划型"


def classification_of(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str,
    rules: LoadedRules[TierRules] | None = None,
    today: date | None = None,
) -> ClassificationView:
    """The stored result of one business. One never classified has computed=False; with ``rules`` it is
    worked out for showing (nothing is written: a recompute or an override stores it)."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    result = stored_result(session, actor, business.id)
    history = classification_history(session, actor=actor, business_id=business.id)
    base: dict[str, Any] = {
        "business_uuid": business.uuid,
        "business_id": business.id,
        "kind": business.kind,
        "history": history,
    }
    if result is None:
        found = None
        if rules is not None:
            found = decide_business(
                session, actor=actor, business_id=business.id, rules=rules, today=today or date.today()
            )
        return _view(base, found, rules.version if rules and found else "")
    override = Tier(result.override_tier) if result.override_tier else None
    computed_tier = Tier(result.tier) if result.tier else None
    return ClassificationView(
        **base,
        computed=True,
        version=result.version,
        tier=override or computed_tier,
        computed_tier=computed_tier,
        size_class=SizeClass(result.size_class) if result.size_class else None,
        explanation=result.explanation,
        size_explanation=result.size_explanation,
        rule_version=result.rule_version,
        inputs=json.loads(result.inputs or "{}"),
        computed_at=result.computed_at,
        override_tier=override,
        override_reason=result.override_reason,
        override_by=result.override_by,
        override_at=result.override_at,
    )


def _view(base: dict[str, Any], found: Decision | None, rule_version: str) -> ClassificationView:
    """A business not yet stored: what it would get (found), or nothing."""
    tier = Tier(found.tier) if found and found.tier else None
    return ClassificationView(
        **base,
        computed=False,
        version=0,
        tier=tier,
        computed_tier=tier,
        size_class=SizeClass(found.size_class) if found and found.size_class else None,
        explanation=found.explanation if found else "",
        size_explanation=found.size_explanation if found else "",
        rule_version=rule_version,
        inputs=json.loads(found.inputs) if found else {},
        computed_at=None,
        override_tier=None,
        override_reason=None,
        override_by=None,
        override_at=None,
    )


def classification_history(
    session: Session, *, actor: Actor, business_id: int, limit: int = 200
) -> list[HistoryEntry]:
    rows = session.exec(
        select(ClassificationHistory)
        .where(
            col(ClassificationHistory.business_id) == business_id,
            col(ClassificationHistory.office_id) == actor.office_id,
        )
        .order_by(col(ClassificationHistory.id).desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            row.at,
            row.updated_by,
            row.event,
            row.tier,
            row.size_class,
            row.rule_version,
            row.explanation,
            row.reason,
        )
        for row in rows
    ]


def stored_result(session: Session, actor: Actor, business_id: int) -> ClassificationResult | None:
    return session.exec(
        select(ClassificationResult).where(
            col(ClassificationResult.business_id) == business_id,
            col(ClassificationResult.office_id) == actor.office_id,
        )
    ).first()
