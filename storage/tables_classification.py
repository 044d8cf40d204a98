"""Tables of classification (issue 5): results with rule-set version and inputs, overrides.

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field

from storage.tables import Travelling


class ClassificationResult(Travelling, table=True):
    """The current tier and size class of one business, with the rules' version, inputs and explanations.

    override_tier (with reason, who, when) is a manual 认定: it is what staff see until cleared, and a
    recompute updates the computed tier underneath without touching it.
    """

    __tablename__ = "classification_result"
    __table_args__ = (
        Index("ux_classification_result_business", "business_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    business_id: int = Field(foreign_key="business.id")
    tier: str | None = Field(default=None, max_length=16, description="computed; None for enterprises")
    size_class: str | None = Field(default=None, max_length=8, description="None when it cannot be told")
    rule_version: str = Field(default="", max_length=64)
    inputs: str = Field(default="{}", sa_type=Text, description="JSON of what the result was decided from")
    explanation: str = Field(default="", sa_type=Text)
    size_explanation: str = Field(default="", sa_type=Text)
    computed_at: datetime
    override_tier: str | None = Field(default=None, max_length=16)
    override_reason: str | None = Field(default=None, sa_type=Text)
    override_by: str | None = Field(default=None, max_length=64)
    override_at: datetime | None = Field(default=None)


class ClassificationHistory(Travelling, table=True):
    """Append-only: every change of a business's tier or size class, and every override set or cleared."""

    __tablename__ = "classification_history"
    __table_args__ = (Index("ix_classification_history_business", "business_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id")
    event: str = Field(max_length=16, description="computed / override / cleared")
    tier: str | None = Field(default=None, max_length=16)
    size_class: str | None = Field(default=None, max_length=8)
    rule_version: str = Field(default="", max_length=64)
    explanation: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text, description="the officer's reason for an override")
    at: datetime
