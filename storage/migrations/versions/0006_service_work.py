"""service work: support records, appeals and their steps, visits and follow-ups; 首贷户 on business

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("visit_follow_up", "visit", "appeal_step", "appeal", "support_record")


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "support_record",
        *_travelling(),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=True),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_support_record_business", "support_record", ["business_id"], unique=False)
    op.create_index(
        "ix_support_record_office_given", "support_record", ["office_id", "given_on"], unique=False
    )
    op.create_index("ix_support_record_uuid", "support_record", ["uuid"], unique=True)

    op.create_table(
        "appeal",
        *_travelling(),
        sa.Column("business_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("person_phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_estimated", sa.Boolean(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reply", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("satisfaction", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appeal_business", "appeal", ["business_id"], unique=False)
    op.create_index("ix_appeal_office_deadline", "appeal", ["office_id", "deadline"], unique=False)
    op.create_index("ix_appeal_office_state", "appeal", ["office_id", "state"], unique=False)
    op.create_index("ix_appeal_uuid", "appeal", ["uuid"], unique=True)

    op.create_table(
        "appeal_step",
        *_travelling(),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeal.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appeal_step_appeal_id", "appeal_step", ["appeal_id"], unique=False)
    op.create_index("ix_appeal_step_uuid", "appeal_step", ["uuid"], unique=True)

    op.create_table(
        "visit",
        *_travelling(),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("officers_present", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("finding", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("observed", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_business", "visit", ["business_id"], unique=False)
    op.create_index("ix_visit_office_visited", "visit", ["office_id", "visited_on"], unique=False)
    op.create_index("ix_visit_uuid", "visit", ["uuid"], unique=True)

    op.create_table(
        "visit_follow_up",
        *_travelling(),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_follow_up_office_due", "visit_follow_up", ["office_id", "due_on"], unique=False)
    op.create_index("ix_visit_follow_up_uuid", "visit_follow_up", ["uuid"], unique=True)
    op.create_index("ix_visit_follow_up_visit_id", "visit_follow_up", ["visit_id"], unique=False)

    # Plain ADD COLUMN: a batch migration would recreate `business` and drop the FTS triggers of 0002.
    op.add_column("business", sa.Column("first_loan_on", sa.Date(), nullable=True))
    op.add_column(
        "business", sa.Column("first_loan_bank", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
    )
    op.create_index("ix_business_suspended_until", "business", ["suspended_until"], unique=False)
    op.create_index("ix_business_officer_address", "business", ["officer_id", "address"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_business_officer_address", table_name="business")
    op.drop_index("ix_business_suspended_until", table_name="business")
    op.drop_column("business", "first_loan_bank")
    op.drop_column("business", "first_loan_on")
    for table in _TABLES:
        op.drop_table(table)
