"""名特优新: applications through the workflow, negative-list events that flag recognised ones for 复核,
and the office cap warning. Every write is logged; every read and write stays inside the actor's office."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_distinctions import Distinction, DistinctionStep
from workbench.domain import distinctions as flow
from workbench.domain.candidates import CandidateRules
from workbench.domain.eligibility import (
    Eligibility,
    blocking_events,
    check_eligibility,
)
from workbench.domain.tiers import Tier
from workbench.services.business_events import negative_events
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed, WorkbenchError
from workbench.services.register import get_business


class StepRefused(WorkbenchError):
    title = "不能进行这一步"


def tiers_of(session: Session, actor: Actor, business_ids: list[int] | None) -> dict[int, Tier]:
    """Current tiers from the classification service; None: every classified household of the office."""
    from workbench.services.classification import current_tiers

    return dict(current_tiers(session, actor=actor, business_ids=business_ids))


def eligibility_of(
    session: Session, actor: Actor, business: Business, on: date, rules: CandidateRules
) -> Eligibility:
    assert business.id is not None
    tier = tiers_of(session, actor, [business.id]).get(business.id)
    return check_eligibility(
        tier=tier,
        registered_on=business.registered_on,
        events=negative_events(session, actor, business.id),
        on=on,
        min_trading_years=rules.min_trading_years,
    )


def apply_distinction(
    *,
    session: Session,
    actor: Actor,
    business_uuid: str,
    category: str,
    level: str,
    source: str,
    applied_on: date,
    rules: CandidateRules,
    rules_version: str = "",
) -> tuple[Distinction, Eligibility]:
    """Record an application (申报) with the eligibility check at that day; the caller commits.

    A failed check is recorded and shown, not refused: 初审 decides, and 部门推荐 may admit special groups.
    The negative list is enforced at 认定."""
    errors = {
        field: f"请选择{what}"
        for field, value, allowed, what in (
            ("category", category, flow.CATEGORY_LABELS, "类别（名/特/优/新）"),
            ("level", level, flow.LEVEL_LABELS, "级别（县级/市级/省级）"),
            ("source", source, flow.SOURCE_LABELS, "来源（自主申报/部门推荐）"),
        )
        if value not in allowed
    }
    if errors:
        raise ValidationFailed(errors)
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    check = eligibility_of(session, actor, business, applied_on, rules)
    at = utc_now()
    values: dict[str, Any] = {
        "business_id": business.id,
        "category": category,
        "level": level,
        "source": source,
        "step": "applied",
        "applied_on": applied_on,
        "eligibility": check.text[:600],
        "rules_version": rules_version[:40],
    }
    distinction = Distinction(office_id=actor.office_id, **values, **stamp_values(actor, at))
    session.add(distinction)
    session.flush()
    log_changes(
        session,
        actor,
        "distinction",
        distinction.uuid,
        "create",
        {field: (None, value) for field, value in values.items()},
        at,
    )
    _add_step(session, actor, distinction, "", "applied", applied_on, "", at)
    return distinction, check


def advance(
    *,
    session: Session,
    actor: Actor,
    distinction_uuid: str,
    base_version: int,
    target: str,
    on: date,
    reason: str = "",
    rules: CandidateRules,
) -> Distinction:
    """Move an application one step (or return / refuse / exit it with a reason); the caller commits."""
    distinction = get_distinction(session=session, actor=actor, distinction_uuid=distinction_uuid)
    try:
        flow.check_transition(distinction.step, target, reason)
    except flow.TransitionRefused as refused:
        raise StepRefused(refused.message) from None
    if target == "recognised":
        _refuse_negative_list(session, actor, distinction, on)
    values = _step_values(distinction, target, on, reason.strip(), rules)
    diff = {
        field: (getattr(distinction, field), value)
        for field, value in values.items()
        if getattr(distinction, field) != value
    }
    at = utc_now()
    _guarded(session, actor, distinction, base_version, {**values, "updated_at": at})
    log_changes(session, actor, "distinction", distinction.uuid, "update", diff, at)
    _add_step(session, actor, distinction, diff["step"][0], target, on, reason.strip(), at)
    session.expire(distinction)
    return distinction


def _step_values(
    distinction: Distinction, target: str, on: date, reason: str, rules: CandidateRules
) -> dict[str, Any]:
    values: dict[str, Any] = {"step": target}
    if target == "publicity":
        values["publicity_from"] = on
    elif distinction.step == "publicity":
        values["publicity_until"] = on
    if target == "recognised":
        span = flow.validity(on, rules.validity_years)
        values.update(recognised_on=on, valid_from=span.valid_from, valid_until=span.valid_until)
    if target in flow.REASON_REQUIRED:
        values["last_reason"] = reason[:300]
    return values


def _refuse_negative_list(session: Session, actor: Actor, distinction: Distinction, on: date) -> None:
    blocked = blocking_events(negative_events(session, actor, distinction.business_id), on)
    if blocked:
        raise StepRefused("该户在负面清单内，不能认定：" + "；".join(blocked))


def clear_review(
    *, session: Session, actor: Actor, distinction_uuid: str, base_version: int, reason: str
) -> Distinction:
    """复核 done and the distinction kept: the flag is cleared with the reason (exiting is a step)."""
    if not reason.strip():
        raise ValidationFailed({"reason": "复核通过须写明理由"})
    distinction = get_distinction(session=session, actor=actor, distinction_uuid=distinction_uuid)
    at = utc_now()
    values = {"needs_review": False, "review_reason": f"复核保留：{reason.strip()}"[:300]}
    diff = {field: (getattr(distinction, field), value) for field, value in values.items()}
    _guarded(session, actor, distinction, base_version, {**values, "updated_at": at})
    log_changes(session, actor, "distinction", distinction.uuid, "update", diff, at)
    session.expire(distinction)
    return distinction


def get_distinction(*, session: Session, actor: Actor, distinction_uuid: str) -> Distinction:
    distinction = session.exec(
        select(Distinction).where(
            col(Distinction.uuid) == distinction_uuid,
            col(Distinction.office_id) == actor.office_id,
            col(Distinction.deleted_at).is_(None),
        )
    ).first()
    if distinction is None:
        raise NotFound("该名特优新记录不存在或已被删除")
    return distinction


def _guarded(
    session: Session, actor: Actor, distinction: Distinction, base_version: int, values: dict[str, Any]
) -> None:
    assert distinction.id is not None
    try:
        guarded_update(session, Distinction, distinction.id, base_version, values, actor)
    except VersionConflict:
        session.expire(distinction)
        who = distinction.updated_by or "其他终端"
        raise SaveConflict(
            f"这条名特优新记录已被{who}修改，请刷新后再操作", {}, distinction.version
        ) from None


def _add_step(
    session: Session,
    actor: Actor,
    distinction: Distinction,
    from_step: str,
    to_step: str,
    on: date,
    reason: str,
    at: Any,
) -> None:
    assert distinction.id is not None
    step = DistinctionStep(
        office_id=actor.office_id,
        distinction_id=distinction.id,
        from_step=from_step,
        to_step=to_step,
        stepped_on=on,
        reason=reason[:300],
        **stamp_values(actor, at),
    )
    session.add(step)
    session.flush()
    log_changes(
        session,
        actor,
        "distinction_step",
        step.uuid,
        "create",
        {"to_step": (None, to_step), "stepped_on": (None, on), "reason": (None, reason or None)},
        at,
    )
