"""Tables of service work (issue 6): support records, appeals and their steps, visits, follow-ups.

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
Labels (support type, channel, category, finding, satisfaction) are stored as the Chinese words of
workbench.domain.service_lists, since offices edit those lists; appeal states are code names.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field

from storage.tables import Travelling


class SupportRecord(Travelling, table=True):
    """One 帮扶 given to a business: a loan, a training, legal aid, a subsidy ..."""

    __tablename__ = "support_record"
    __table_args__ = (
        Index("ix_support_record_office_given", "office_id", "given_on"),
        Index("ix_support_record_business", "business_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int = Field(foreign_key="business.id")
    kind: str = Field(max_length=32, description="support type, service_lists.SUPPORT_TYPES")
    given_on: date
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    basis: str = Field(default="", max_length=300, description="依据: the policy it rests on")
    content: str = Field(default="")
    amount_yuan: int | None = Field(default=None, sa_column=Column(BigInteger))
    partner: str = Field(default="", max_length=100, description="bank, association ...")
    outcome: str = Field(default="", max_length=300)


class Appeal(Travelling, table=True):
    """One 诉求, from intake to 回访; a business's, or a person's not yet registered."""

    __table_args__ = (
        Index("ix_appeal_office_state", "office_id", "state"),
        Index("ix_appeal_office_deadline", "office_id", "deadline"),
        Index("ix_appeal_business", "business_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int | None = Field(default=None, foreign_key="business.id")
    person_name: str = Field(
        default="", max_length=100, description="who appealed when not a registered business"
    )
    person_phone: str = Field(default="", max_length=32)
    channel: str = Field(max_length=16)
    category: str = Field(max_length=32)
    description: str = Field(default="")
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    received_on: date
    deadline: date
    deadline_estimated: bool = Field(default=False, description="a year on the way had no holiday schedule")
    state: str = Field(default="received", max_length=16, description="domain.appeal_states")
    reply: str = Field(default="")
    replied_on: date | None = Field(default=None)
    closed_on: date | None = Field(default=None)
    satisfaction: str | None = Field(default=None, max_length=8)
    followed_up_on: date | None = Field(default=None)


class AppealStep(Travelling, table=True):
    """One step of an appeal's history: who did what, when, from which state to which."""

    __tablename__ = "appeal_step"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    action: str = Field(max_length=16)
    from_state: str = Field(default="", max_length=16)
    to_state: str = Field(max_length=16)
    note: str = Field(default="")
    who: str = Field(default="", max_length=64)
    at: datetime


class Visit(Travelling, table=True):
    """A 走访 of one business: who went, why, what they found."""

    __table_args__ = (
        Index("ix_visit_office_visited", "office_id", "visited_on"),
        Index("ix_visit_business", "business_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int = Field(foreign_key="business.id")
    visited_on: date
    officer_id: int | None = Field(default=None, foreign_key="officer.id", description="who recorded it")
    officers_present: str = Field(default="", max_length=200, description="names, separated by 、")
    purpose: str = Field(default="", max_length=200)
    finding: str = Field(max_length=16, description="service_lists.VISIT_FINDINGS")
    notes: str = Field(default="")
    observed: str = Field(
        default="", max_length=500, description="summary of changes applied to the business"
    )


class VisitFollowUp(Travelling, table=True):
    """An action a visit left to do, with its due date."""

    __tablename__ = "visit_follow_up"
    __table_args__ = (Index("ix_visit_follow_up_office_due", "office_id", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    visit_id: int = Field(foreign_key="visit.id", index=True)
    action: str = Field(max_length=200)
    due_on: date
    done_on: date | None = Field(default=None)
