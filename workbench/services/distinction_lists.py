"""Reading 名特优新: the office's list (with 复核 flags), one record's steps, the cap, and finding a business."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from storage.audit import Actor
from storage.tables import Business
from storage.tables_distinctions import Distinction, DistinctionStep
from workbench.domain.candidates import CandidateRules
from workbench.domain.code_common import normalise_code
from workbench.domain.tiers import Tier
from workbench.services.business_validation import clean_text
from workbench.services.distinctions import get_distinction, tiers_of
from workbench.services.errors import ValidationFailed


@dataclass(frozen=True)
class DistinctionRow:
    """One line of the distinction list."""

    uuid: str
    version: int
    business_uuid: str
    business_name: str
    uscc: str | None
    grid_id: int | None
    officer_id: int | None
    category: str
    level: str
    source: str
    step: str
    applied_on: date
    recognised_on: date | None
    valid_from: date | None
    valid_until: date | None
    needs_review: bool
    review_reason: str
    last_reason: str
    eligibility: str


@dataclass(frozen=True)
class CapStatus:
    """Recognised distinctions against the office cap (a share of 成长型+发展型)."""

    recognised: int
    base: int
    cap: int
    exceeded: bool
    text: str


def list_distinctions(
    *,
    session: Session,
    actor: Actor,
    step: str | None = None,
    review_only: bool = False,
    business_uuid: str | None = None,
) -> list[DistinctionRow]:
    """The office's distinctions, newest application first."""
    statement = (
        select(Distinction, Business)
        .join(Business, col(Business.id) == col(Distinction.business_id))
        .where(col(Distinction.office_id) == actor.office_id, col(Distinction.deleted_at).is_(None))
        .order_by(col(Distinction.applied_on).desc(), col(Distinction.id).desc())
    )
    if step is not None:
        statement = statement.where(col(Distinction.step) == step)
    if review_only:
        statement = statement.where(col(Distinction.needs_review).is_(True))
    if business_uuid is not None:
        statement = statement.where(col(Business.uuid) == business_uuid)
    return [_row(distinction, business) for distinction, business in session.exec(statement).all()]


def _row(distinction: Distinction, business: Business) -> DistinctionRow:
    return DistinctionRow(
        uuid=distinction.uuid,
        version=distinction.version,
        business_uuid=business.uuid,
        business_name=business.name,
        uscc=business.uscc,
        grid_id=business.grid_id,
        officer_id=business.officer_id,
        category=distinction.category,
        level=distinction.level,
        source=distinction.source,
        step=distinction.step,
        applied_on=distinction.applied_on,
        recognised_on=distinction.recognised_on,
        valid_from=distinction.valid_from,
        valid_until=distinction.valid_until,
        needs_review=distinction.needs_review,
        review_reason=distinction.review_reason,
        last_reason=distinction.last_reason,
        eligibility=distinction.eligibility,
    )


def step_history(*, session: Session, actor: Actor, distinction_uuid: str) -> list[DistinctionStep]:
    distinction = get_distinction(session=session, actor=actor, distinction_uuid=distinction_uuid)
    return list(
        session.exec(
            select(DistinctionStep)
            .where(
                col(DistinctionStep.distinction_id) == distinction.id,
                col(DistinctionStep.office_id) == actor.office_id,
            )
            .order_by(col(DistinctionStep.id))
        ).all()
    )


def cap_status(*, session: Session, actor: Actor, rules: CandidateRules, today: date) -> CapStatus:
    """Businesses with a distinction valid today (or recognised, not yet started) against the cap."""
    recognised = session.exec(
        select(func.count(func.distinct(Distinction.business_id))).where(
            col(Distinction.office_id) == actor.office_id,
            col(Distinction.step) == "recognised",
            col(Distinction.deleted_at).is_(None),
            col(Distinction.valid_until) >= today,
        )
    ).one()
    tiers = tiers_of(session, actor, None)
    base = sum(1 for tier in tiers.values() if tier in (Tier.GROWTH, Tier.DEVELOPMENT))
    cap = int(base * rules.cap_percent // 100)
    exceeded = recognised > cap
    share = f"成长型+发展型 {base} 户的{rules.cap_percent:g}%"
    text = (
        f"已认定 {recognised} 户，超过上限 {cap} 户（{share}），请复核名单"
        if exceeded
        else f"已认定 {recognised} 户，上限 {cap} 户（{share}）"
    )
    return CapStatus(recognised, base, cap, exceeded, text)


def find_business(*, session: Session, actor: Actor, text: str) -> Business:
    """A live business of the office by its 统一社会信用代码 or 注册号 (as a list writes it: 91…x, full-width
    digits, spaces) or its exact name (full-width brackets and spaces as typed aside), or a Chinese refusal."""
    wanted = text.strip()
    if not wanted:
        raise ValidationFailed({"business": "请填写统一社会信用代码或主体全称"})
    code, name = normalise_code(wanted), clean_text(wanted)
    found = session.exec(
        select(Business)
        .where(
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
            (col(Business.uscc) == code) | (col(Business.reg_no) == code)
            | col(Business.name).in_({name, "".join(name.split())}),
        )
        .limit(2)
    ).all()
    if not found:
        raise ValidationFailed({"business": f"本所没有信用代码或名称为「{wanted}」的市场主体"})
    if len(found) > 1:
        raise ValidationFailed({"business": f"有多户名为「{wanted}」，请改填统一社会信用代码"})
    return found[0]
