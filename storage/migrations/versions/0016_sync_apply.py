"""Field sync at the office (issue 19): return packages applied, and conflicts and merge offers for a person

- sync_package_applied: one row per return package applied (its package id, unique per office, is how a second
  import of the same package changes nothing), the laptop's officer and device, who applied it and the counts.
- sync_conflict: a field changed on both sides to different values (the office value stays until decided), or a
  new business that looks like one already registered (a merge offer); status open / resolved and the decision.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("uuid", _text(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", _text(64), nullable=False),
        sa.Column("device", _text(64), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sync_package_applied",
        *_travelling(),
        sa.Column("package_id", _text(36), nullable=False),
        sa.Column("officer", _text(64), nullable=False),
        sa.Column("source_device", _text(64), nullable=False),
        sa.Column("created_at", _text(32), nullable=False),
        sa.Column("applied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("applied_by", _text(64), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("rows", "inserted", "updated", "unchanged", "deleted", "conflicts", "merge_offers")
        ),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_package_applied_uuid", "sync_package_applied", ["uuid"], unique=True)
    op.create_index(
        "ux_sync_package_applied_office_package", "sync_package_applied", ["office_id", "package_id"], unique=True
    )
    op.create_table(
        "sync_conflict",
        *_travelling(),
        sa.Column("package_id", _text(36), nullable=False),
        sa.Column("kind", _text(8), nullable=False),
        sa.Column("entity", _text(32), nullable=False),
        sa.Column("entity_uuid", _text(36), nullable=False),
        sa.Column("business_uuid", _text(36), nullable=False),
        sa.Column("field", _text(64), nullable=False),
        sa.Column("base_value", _text(), nullable=True),
        sa.Column("office_value", _text(), nullable=True),
        sa.Column("office_by", _text(64), nullable=False),
        sa.Column("office_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("laptop_value", _text(), nullable=True),
        sa.Column("laptop_by", _text(64), nullable=False),
        sa.Column("laptop_at", _text(32), nullable=False),
        sa.Column("status", _text(8), nullable=False),
        sa.Column("decision", _text(16), nullable=False),
        sa.Column("decided_by", _text(64), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflict_uuid", "sync_conflict", ["uuid"], unique=True)
    op.create_index("ix_sync_conflict_office_status", "sync_conflict", ["office_id", "status"])
    op.create_index("ix_sync_conflict_business", "sync_conflict", ["business_uuid"])


def downgrade() -> None:
    op.drop_table("sync_conflict")
    op.drop_table("sync_package_applied")
