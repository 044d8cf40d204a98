"""classification

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("device", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "classification_result",
        *_travelling(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("size_class", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("rule_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("size_explanation", sa.Text(), nullable=False),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("override_tier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("override_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("classification_result", schema=None) as batch_op:
        batch_op.create_index("ix_classification_result_office_tier", ["office_id", "tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_classification_result_uuid"), ["uuid"], unique=True)
        batch_op.create_index("ux_classification_result_business", ["business_id"], unique=True)

    op.create_table(
        "classification_history",
        *_travelling(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("size_class", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("rule_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("classification_history", schema=None) as batch_op:
        batch_op.create_index("ix_classification_history_business", ["business_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_classification_history_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_classification_history_uuid"), ["uuid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("classification_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_history_uuid"))
        batch_op.drop_index(batch_op.f("ix_classification_history_office_id"))
        batch_op.drop_index("ix_classification_history_business")
    op.drop_table("classification_history")
    with op.batch_alter_table("classification_result", schema=None) as batch_op:
        batch_op.drop_index("ux_classification_result_business")
        batch_op.drop_index(batch_op.f("ix_classification_result_uuid"))
        batch_op.drop_index("ix_classification_result_office_tier")
    op.drop_table("classification_result")
