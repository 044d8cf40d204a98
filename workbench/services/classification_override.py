"""人工认定: a manual tier with a required reason, kept until cleared; both logged (history + change log)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables_classification import ClassificationHistory, ClassificationResult
from workbench.domain.labels import BusinessKind
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import Tier, TierRules
from workbench.services.classification_recompute import recompute
from workbench.services.classification_view import ClassificationView, classification_of, stored_result
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed


def override_refusal(kind: str) -> str | None:
    """Why a business of this kind gets no manual tier (only households have tiers), or None: the one
    wording, for the service's refusal and for the 分型分类 tab, which says it before opening the dialog."""
    return "只有个体工商户分型，企业不能认定为生存型/成长型/发展型" if kind != BusinessKind.HOUSEHOLD else None


def override_tier(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str,
    tier: Tier | str,
    reason: str,
    rules: LoadedRules[TierRules],
    today: date | None = None,
) -> ClassificationView:
    """Set a manual tier with a required reason; it stays until cleared. The caller commits."""
    chosen = _tier_choice(tier)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写人工认定的理由"})
    view = classification_of(session, actor=actor, business_uuid=business_uuid)
    if refusal := override_refusal(view.kind):
        raise ValidationFailed({"tier": refusal})
    if not view.computed:  # never classified: store the computed result first, the override goes on top
        recompute(
            session, actor=actor, rules=rules, today=today or date.today(), business_ids=[view.business_id]
        )
        view = classification_of(session, actor=actor, business_uuid=business_uuid)
    at = utc_now()
    values = {
        "override_tier": chosen.value,
        "override_reason": reason,
        "override_by": actor.who,
        "override_at": at,
    }
    _guarded(session, actor, view, values)
    before = (view.override_tier.label if view.override_tier else None, view.override_reason)
    _record(session, actor, view, "override", chosen.value, reason, at)
    log_changes(
        session,
        actor,
        "classification",
        _result_uuid(session, actor, view.business_id),
        "update",
        {"override_tier": (before[0], chosen.label), "override_reason": (before[1], reason)},
        at,
    )
    return classification_of(session, actor=actor, business_uuid=business_uuid)


def clear_override(
    session: Session, *, actor: Actor, business_uuid: str, reason: str = ""
) -> ClassificationView:
    """Remove the manual tier: the computed tier applies again. The caller commits."""
    view = classification_of(session, actor=actor, business_uuid=business_uuid)
    if view.override_tier is None:
        raise ValidationFailed({"tier": "这户没有人工认定的分型，无需取消"})
    at = utc_now()
    _guarded(
        session,
        actor,
        view,
        {"override_tier": None, "override_reason": None, "override_by": None, "override_at": None},
    )
    _record(
        session,
        actor,
        view,
        "cleared",
        view.computed_tier.value if view.computed_tier else None,
        reason.strip(),
        at,
    )
    log_changes(
        session,
        actor,
        "classification",
        _result_uuid(session, actor, view.business_id),
        "update",
        {"override_tier": (view.override_tier.label, None), "override_reason": (view.override_reason, None)},
        at,
    )
    return classification_of(session, actor=actor, business_uuid=business_uuid)


def _tier_choice(tier: Tier | str) -> Tier:
    if isinstance(tier, Tier):
        return tier
    by_label = {found.label: found for found in Tier}
    try:
        return by_label.get(tier) or Tier(tier)
    except ValueError:
        raise ValidationFailed(
            {"tier": f"「{tier}」不是分型，可选：生存型、成长型、发展型、未分型"}
        ) from None


def _result_uuid(session: Session, actor: Actor, business_id: int) -> str:
    result = stored_result(session, actor, business_id)
    if result is None:
        raise NotFound("这户还没有分型结果")
    return result.uuid


def _guarded(session: Session, actor: Actor, view: ClassificationView, values: dict[str, Any]) -> None:
    result = stored_result(session, actor, view.business_id)
    if result is None or result.id is None:
        raise NotFound("这户还没有分型结果")
    try:
        guarded_update(session, ClassificationResult, result.id, view.version, values, actor)
    except VersionConflict:
        raise SaveConflict("分型结果已被他人修改，请重新打开后再试", {}, result.version) from None
    session.expire_all()


def _record(
    session: Session,
    actor: Actor,
    view: ClassificationView,
    event: str,
    tier: str | None,
    reason: str,
    at: datetime,
) -> None:
    explanation = view.explanation if event == "cleared" else ""
    session.add(
        ClassificationHistory(
            office_id=actor.office_id,
            business_id=view.business_id,
            event=event,
            tier=tier,
            size_class=view.size_class.value if view.size_class else None,
            rule_version=view.rule_version,
            explanation=explanation,
            reason=reason,
            at=at,
            **stamp_values(actor, at),
        )
    )
