"""The list's walk in newest-first order read from one narrow index (issue 17: search with a cold file)

SQLite: ix_business_list_walk on (office_id, registered_on DESC, id DESC) followed by every column the
list's filters and search terms test (tombstone, status, kind, grid, officer; name, operator, address,
name_pinyin, uscc, reg_no, phone). A page that walks the default order (a common term, a blank search)
reads this index alone, forward, until its page is full, then the page's 100 rows: at a million
businesses the index is ~225 MB, ~230 bytes an entry, against ~660 bytes a row in the table. With the
file out of the OS cache the walk read one scattered 4 KB table page per row looked at (a 1-character
search: up to 2 s); the index's pages lie in walking order (descending, so the walk reads forward and
the OS reads ahead). A plain index: SQLite keeps it in step on every insert, update and delete, imports
and sync included; bulk loads drop and rebuild it with the others (workbench.services.bulk_write).
PostgreSQL: nothing (its server keeps its own cache; migration 0009 has its walk index).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

from alembic import op

from storage.search_list_walk import WALK_INDEX, WALK_INDEX_SQL

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(WALK_INDEX_SQL)
        op.execute(f"ANALYZE {WALK_INDEX}")  # the planner's figures for it (the others' stay as they were)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {WALK_INDEX}")
