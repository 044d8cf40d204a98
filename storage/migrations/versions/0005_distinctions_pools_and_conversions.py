"""distinctions pools and conversions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_event",
        sa.Column("uuid", sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sqltypes.AutoString(length=300), nullable=False),
        sa.Column("repaired_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_business_event_business_id"), "business_event", ["business_id"], unique=False)
    op.create_index(op.f("ix_business_event_office_id"), "business_event", ["office_id"], unique=False)
    op.create_index(op.f("ix_business_event_uuid"), "business_event", ["uuid"], unique=True)
    op.create_table(
        "conversion",
        sa.Column("uuid", sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("old_business_id", sa.Integer(), nullable=True),
        sa.Column("method", sqltypes.AutoString(length=24), nullable=False),
        sa.Column("converted_on", sa.Date(), nullable=False),
        sa.Column("old_uscc", sqltypes.AutoString(length=18), nullable=True),
        sa.Column("new_uscc", sqltypes.AutoString(length=18), nullable=True),
        sa.Column("old_kind", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("new_kind", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.ForeignKeyConstraint(
            ["old_business_id"],
            ["business.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_conversion_business_id"), "conversion", ["business_id"], unique=False)
    op.create_index(op.f("ix_conversion_converted_on"), "conversion", ["converted_on"], unique=False)
    op.create_index(op.f("ix_conversion_office_id"), "conversion", ["office_id"], unique=False)
    op.create_index(op.f("ix_conversion_uuid"), "conversion", ["uuid"], unique=True)
    op.create_table(
        "distinction",
        sa.Column("uuid", sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("category", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("level", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("step", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("publicity_from", sa.Date(), nullable=True),
        sa.Column("publicity_until", sa.Date(), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sqltypes.AutoString(length=300), nullable=False),
        sa.Column("last_reason", sqltypes.AutoString(length=300), nullable=False),
        sa.Column("eligibility", sqltypes.AutoString(length=600), nullable=False),
        sa.Column("rules_version", sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_distinction_business_id"), "distinction", ["business_id"], unique=False)
    op.create_index("ix_distinction_office_step", "distinction", ["office_id", "step"], unique=False)
    op.create_index(op.f("ix_distinction_uuid"), "distinction", ["uuid"], unique=True)
    op.create_table(
        "pool_membership",
        sa.Column("uuid", sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("pool", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("entry_reason", sqltypes.AutoString(length=300), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_pool_membership_business_id"), "pool_membership", ["business_id"], unique=False)
    op.create_index(
        "ix_pool_membership_office_pool", "pool_membership", ["office_id", "pool", "left_on"], unique=False
    )
    op.create_index(op.f("ix_pool_membership_uuid"), "pool_membership", ["uuid"], unique=True)
    op.create_table(
        "distinction_step",
        sa.Column("uuid", sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("distinction_id", sa.Integer(), nullable=False),
        sa.Column("from_step", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("to_step", sqltypes.AutoString(length=16), nullable=False),
        sa.Column("stepped_on", sa.Date(), nullable=False),
        sa.Column("reason", sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["distinction_id"],
            ["distinction.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_distinction_step_distinction_id"), "distinction_step", ["distinction_id"], unique=False
    )
    op.create_index(op.f("ix_distinction_step_uuid"), "distinction_step", ["uuid"], unique=True)


def downgrade() -> None:
    for table in ("distinction_step", "pool_membership", "distinction", "conversion", "business_event"):
        op.drop_table(table)
