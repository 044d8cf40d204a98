"""Field sync (issue 19): sync_package (packages written and received) and sync_base (the laptop's base values)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sync_package",
        sa.Column("uuid", _text(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", _text(length=64), nullable=False),
        sa.Column("device", _text(length=64), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("package_id", _text(length=36), nullable=False),
        sa.Column("kind", _text(length=8), nullable=False),
        sa.Column("direction", _text(length=8), nullable=False),
        sa.Column("file_name", _text(length=255), nullable=False),
        sa.Column("officer", _text(length=50), nullable=False),
        sa.Column("source_device", _text(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("businesses", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("base_package_id", _text(length=36), nullable=True),
        sa.Column("change_log_mark", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_package", schema=None) as batch_op:
        batch_op.create_index("ix_sync_package_office_package", ["office_id", "package_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_package_uuid"), ["uuid"], unique=True)
    op.create_table(
        "sync_base",
        sa.Column("table_name", _text(length=32), nullable=False),
        sa.Column("uuid", _text(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("package_id", _text(length=36), nullable=False),
        sa.Column("values", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "uuid"),
    )


def downgrade() -> None:
    op.drop_table("sync_base")
    with op.batch_alter_table("sync_package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_package_uuid"))
        batch_op.drop_index("ix_sync_package_office_package")
    op.drop_table("sync_package")
