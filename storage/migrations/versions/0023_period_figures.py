"""The quarters and months of a year kept apart (issue 15): period_figures

A tax office sends 季度 lists: the third quarter in October, the second one earlier or later. Summed straight
into year_figures, each list replaced the year's figures with its own quarter (the second list lost the
first one's months), and a quarter of the year still running was classified as if it were the whole year.
period_figures keeps each imported run of months of a business's year (unique per business, year, first and
last month); the year's row is made from them once they cover the year or the year has ended.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "period_figures",
        sa.Column("uuid", _text(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", _text(64), nullable=False),
        sa.Column("device", _text(64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.Column("last_month", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=True),
        sa.Column("tax_paid", sa.BigInteger(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("insured_staff", sa.Integer(), nullable=True),
        sa.Column("source", _text(255), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("business_id", "year", "first_month", "last_month", name="uq_period_figures_business_period"),
    )
    with op.batch_alter_table("period_figures") as batch:
        batch.create_index("ix_period_figures_office_id", ["office_id"], unique=False)
        batch.create_index("ix_period_figures_uuid", ["uuid"], unique=True)


def downgrade() -> None:
    op.drop_table("period_figures")
