"""Tables of 名特优新 distinctions, negative-list events, pools and 个转企 events (issue 5).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from storage.tables import Travelling


class Distinction(Travelling, table=True):
    """One 名特优新 application and, once recognised, the distinction with its validity and 复核 flag."""

    __table_args__ = (Index("ix_distinction_office_step", "office_id", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int = Field(foreign_key="business.id", index=True)
    category: str = Field(max_length=16, description="renowned / distinctive / quality / novel")
    level: str = Field(max_length=16, description="county / city / province")
    source: str = Field(max_length=16, description="self_applied / recommended")
    step: str = Field(default="applied", max_length=16, description="domain.distinctions.STEP_LABELS")
    applied_on: date
    publicity_from: date | None = Field(default=None)
    publicity_until: date | None = Field(default=None)
    recognised_on: date | None = Field(default=None)
    valid_from: date | None = Field(default=None)
    valid_until: date | None = Field(default=None)
    needs_review: bool = Field(
        default=False, description="复核: a negative-list event arrived after recognition"
    )
    review_reason: str = Field(default="", max_length=300)
    last_reason: str = Field(default="", max_length=300, description="why it was returned / refused / exited")
    eligibility: str = Field(default="", max_length=600, description="the check at application, in Chinese")
    rules_version: str = Field(default="", max_length=40)


class DistinctionStep(Travelling, table=True):
    """History: one row per step a distinction took, with its date and reason."""

    __tablename__ = "distinction_step"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    distinction_id: int = Field(foreign_key="distinction.id", index=True)
    from_step: str = Field(default="", max_length=16)
    to_step: str = Field(max_length=16)
    stepped_on: date
    reason: str = Field(default="", max_length=300)


class BusinessEvent(Travelling, table=True):
    """A negative-list event on a business: a fine or worse, a serious accident, operator 失信被执行人."""

    __tablename__ = "business_event"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    kind: str = Field(max_length=16, description="penalty / accident / dishonest")
    occurred_on: date
    note: str = Field(default="", max_length=300)
    repaired_on: date | None = Field(default=None, description="信用修复 / 移出名单 date")


class PoolMembership(Travelling, table=True):
    """A stay of a business in a 培育库, from entered_on until left_on (None while it is a member)."""

    __tablename__ = "pool_membership"
    __table_args__ = (Index("ix_pool_membership_office_pool", "office_id", "pool", "left_on"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int = Field(foreign_key="business.id", index=True)
    pool: str = Field(max_length=16, description="conversion / distinction / scale_up")
    entered_on: date
    entry_reason: str = Field(max_length=300)
    left_on: date | None = Field(default=None)
    exit_reason: str = Field(default="", max_length=300)


class Conversion(Travelling, table=True):
    """A 个转企 event: direct change (same business row, code and 成立日期) or 注销+设立 (old row linked)."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id", index=True, description="the enterprise now")
    old_business_id: int | None = Field(
        default=None, foreign_key="business.id", description="the deregistered household (注销+设立 only)"
    )
    method: str = Field(max_length=24, description="direct_change / deregister_and_establish")
    converted_on: date = Field(index=True)
    old_uscc: str | None = Field(default=None, max_length=18)
    new_uscc: str | None = Field(default=None, max_length=18)
    old_kind: str = Field(max_length=16)
    new_kind: str = Field(max_length=16)
    note: str = Field(default="", max_length=300)
