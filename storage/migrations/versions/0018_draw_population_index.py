"""The 双随机 draw's population read from one index (issue 20, the 5 s draw at a million businesses)

- business: ix_business_draw_population on (office_id, status, uuid, deleted_at, tags), partial on live
  rows (deleted_at IS NULL). The draw selects a task's scope (an office's 存续 businesses) in ascending
  uuid order, with the tags when the task has per-class ratios: this index answers that alone, already in
  order, instead of reading a million table rows and sorting a million uuids in Python. deleted_at is a
  column as well as the condition because SQLite reads the table for any column the query names that the
  index does not hold, partial condition or not; it comes after uuid because PostgreSQL does not count
  "deleted_at IS NULL" as an equality, and would sort (or walk the uuid index and every table row).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = "deleted_at IS NULL"


def upgrade() -> None:
    where = sa.text(_WHERE)
    op.create_index("ix_business_draw_population", "business", ["office_id", "status", "uuid", "deleted_at", "tags"],
                    sqlite_where=where, postgresql_where=where)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_business_draw_population", table_name="business")
