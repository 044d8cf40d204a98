"""PostgreSQL: the list's date order of the businesses that have a 注册号 (issue 17: a broad 注册号 prefix, warm)

PostgreSQL only: ix_business_search_reg_no_dates on (office_id, registered_on, id) INCLUDE (reg_no), live
rows holding a 注册号. A broad 注册号 prefix (`33030269`: ~20,000 businesses at 1M) belongs to businesses
registered before the credit codes, behind every newer business in the newest-first list: its range was
listed and sorted whole for each page. Walked in date order with the prefix checked on its entries, this
index gives the page from ~100-1,000 entries (storage/search_codes_pg.py). About 10 MB at 1M (a fifth of
the businesses hold a 注册号); nothing for SQLite.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 19:30:00
"""

from collections.abc import Sequence

from alembic import op

from storage.search_codes_pg import REG_NO_DATES

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in REG_NO_DATES.values():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in REG_NO_DATES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
