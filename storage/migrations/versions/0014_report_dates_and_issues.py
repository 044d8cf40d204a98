"""The monthly report (issue 18): the dates of status changes on business, and the issued reports

- business: deregistered_on 注销日期, revoked_on 吊销日期, cancelled_on 撤销日期, moved_out_on 迁出日期,
  moved_in_on 迁入日期, approved_on 核准日期 (read from registration lists; set with a status change).
- two partial indexes for the report's month lists: (office_id, moved_in_on) and (office_id, first_loan_on).
- report_issue: one row per issue (出具) of an office's month, with the figures as JSON and their checksum.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DATES = ("deregistered_on", "revoked_on", "cancelled_on", "moved_out_on", "moved_in_on", "approved_on")


def upgrade() -> None:
    # Plain ADD COLUMN: a batch migration would recreate `business` (a million rows) and drop the FTS triggers.
    for name in _DATES:
        op.add_column("business", sa.Column(name, sa.Date(), nullable=True))
    # The report lists the month's 迁入 and 首贷户 by these (a few rows, not a scan of a million).
    # Partial: a planner must never take them for "moved_in_on IS NULL" (nearly every business).
    for name, column in (("ix_business_office_moved_in", "moved_in_on"), ("ix_business_office_first_loan", "first_loan_on")):
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "business", ["office_id", column], sqlite_where=where, postgresql_where=where)
    op.create_table(
        "report_issue",
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("issue_number", sa.Integer(), nullable=False),
        sa.Column("definition_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("issued_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("checksum", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_report_issue_uuid", "report_issue", ["uuid"], unique=True)
    op.create_index(
        "ux_report_issue_office_period_number", "report_issue", ["office_id", "period", "issue_number"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_report_issue_office_period_number", table_name="report_issue")
    op.drop_index("ix_report_issue_uuid", table_name="report_issue")
    op.drop_table("report_issue")
    op.drop_index("ix_business_office_first_loan", table_name="business")
    op.drop_index("ix_business_office_moved_in", table_name="business")
    for name in reversed(_DATES):
        op.drop_column("business", name)
