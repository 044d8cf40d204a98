"""双随机、一公开 (issue 20): inspectors, recusal relations, tasks and their items, draws, drawn pairs, results

Self-contained: only new tables (storage/tables_inspection.py).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "inspection_result",
    "inspection_pair",
    "inspection_draw",
    "inspection_task_item",
    "inspection_task",
    "inspection_recusal",
    "inspector",
)


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


def _keys(*foreign: tuple[str, str]) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        *(sa.ForeignKeyConstraint([column], [target]) for column, target in foreign),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "inspector",
        *_travelling(),
        sa.Column("name", _text(50), nullable=False),
        sa.Column("unit", _text(100), nullable=False),
        sa.Column("own_office", sa.Boolean(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("cert_no", _text(40), nullable=False),
        sa.Column("cert_expires_on", sa.Date(), nullable=True),
        sa.Column("line", _text(100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_keys(("officer_id", "officer.id")),
    )
    op.create_index("ix_inspector_office_name", "inspector", ["office_id", "name"])

    op.create_table(
        "inspection_recusal",
        *_travelling(),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        sa.Column("note", _text(300), nullable=False),
        *_keys(("inspector_id", "inspector.id"), ("business_id", "business.id")),
    )
    op.create_index("ix_inspection_recusal_business", "inspection_recusal", ["business_id"])
    op.create_index("ix_inspection_recusal_inspector_id", "inspection_recusal", ["inspector_id"])

    op.create_table(
        "inspection_task",
        *_travelling(),
        sa.Column("name", _text(100), nullable=False),
        sa.Column("source", _text(16), nullable=False),
        sa.Column("departments", _text(300), nullable=False),
        sa.Column("scope", _text(), nullable=False),
        sa.Column("ratio", _text(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("class_ratios", _text(300), nullable=False),
        sa.Column("per_business", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        *_keys(),
    )
    op.create_index("ix_inspection_task_office_name", "inspection_task", ["office_id", "name"])

    op.create_table(
        "inspection_task_item",
        *_travelling(),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("kind", _text(8), nullable=False),
        sa.Column("department", _text(100), nullable=False),
        sa.Column("basis", _text(500), nullable=False),
        *_keys(("task_id", "inspection_task.id")),
    )
    op.create_index("ix_inspection_task_item_task_id", "inspection_task_item", ["task_id"])

    op.create_table(
        "inspection_draw",
        *_travelling(),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("seed", _text(40), nullable=False),
        sa.Column("generator", _text(32), nullable=False),
        sa.Column("population_count", sa.Integer(), nullable=False),
        sa.Column("population_hash", _text(64), nullable=False),
        sa.Column("rules", _text(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("drawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("redraw_reason", _text(300), nullable=False),
        sa.Column("replaces_uuid", _text(36), nullable=True),
        *_keys(("task_id", "inspection_task.id")),
    )
    op.create_index("ix_inspection_draw_task_id", "inspection_draw", ["task_id"])

    op.create_table(
        "inspection_pair",
        *_travelling(),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("risk_class", _text(8), nullable=False),
        sa.Column("inspector_uuids", _text(400), nullable=False),
        sa.Column("skipped", _text(), nullable=False),
        *_keys(("draw_id", "inspection_draw.id"), ("business_id", "business.id")),
    )
    op.create_index("ix_inspection_pair_draw_id", "inspection_pair", ["draw_id"])
    op.create_index("ix_inspection_pair_business_id", "inspection_pair", ["business_id"])

    op.create_table(
        "inspection_result",
        *_travelling(),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("codes", _text(100), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspectors", _text(200), nullable=False),
        sa.Column("notes", _text(), nullable=False),
        sa.Column("follow_up", _text(16), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_done_on", sa.Date(), nullable=True),
        sa.Column("publish_by", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        *_keys(("task_id", "inspection_task.id"), ("business_id", "business.id")),
    )
    op.create_index("ix_inspection_result_task", "inspection_result", ["task_id"])
    op.create_index("ix_inspection_result_business_id", "inspection_result", ["business_id"])

    for table in reversed(_TABLES):
        op.create_index(f"ix_{table}_uuid", table, ["uuid"], unique=True)


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
