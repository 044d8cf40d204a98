"""PostgreSQL code search by branches (issue 17): prefix ranges read from the index alone, and the inside of
a code without the rows that merely start with the term

PostgreSQL only (storage/search_codes_pg.py says why and how they are queried):
  ix_business_search_uscc_order / _reg_no_order  b-tree on the code INCLUDE (office_id, registered_on, id),
      live rows: a prefix's candidates listed, sorted and counted without reading their rows
  ix_business_search_code_infix  pg_trgm GIN over substr(uscc, 2) and substr(reg_no, 2)
and 0019's ix_business_search_codes (the trigrams of both whole codes) goes: every row starting with a term
was among its candidates, and a long term's common trigrams cost it its whole posting lists.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

from alembic import op

from storage.search_codes_pg import INDEXES
from storage.search_fragments import PG_INDEXES

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = "ix_business_search_codes"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in INDEXES.values():
        op.execute(statement)
    op.execute(f"DROP INDEX IF EXISTS {REPLACED}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(PG_INDEXES[REPLACED])
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
