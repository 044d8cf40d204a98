"""The issued monthly reports (issue 18): a month's figures as they were sent upward (出具).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field

from storage.tables import Travelling


class ReportIssue(Travelling, table=True):
    """One issue of one office's month. Never updated: a re-issue is a new row with the next number and a
    reason, and the earlier rows stay, so what was sent can always be shown again exactly."""

    __tablename__ = "report_issue"
    __table_args__ = (
        Index("ux_report_issue_office_period_number", "office_id", "period", "issue_number", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    period: str = Field(max_length=7, description="the month, 2026-10")
    issue_number: int = Field(description="1 = first issue; 2… = re-issues")
    definition_version: str = Field(max_length=32, description="本所口径 v1")
    issued_at: datetime
    issued_by: str = Field(default="", max_length=64)
    figures: str = Field(sa_type=Text, description="JSON of the MonthlyReport as issued")
    checksum: str = Field(max_length=64, description="sha256 of figures")
    reason: str = Field(default="", max_length=300, description="why it was issued again")
