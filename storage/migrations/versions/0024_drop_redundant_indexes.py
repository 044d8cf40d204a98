"""Drop two indexes every query can do without (issue 15: the 经营数据 import's commit keeps them up to date)

- ix_year_figures_business_id (business_id): the unique (business_id, year) constraint's index starts with
  business_id and serves every lookup, join and IN list by business (both engines use it once this one is
  gone: EXPLAIN of the queries in tests/test_migration_0024.py). A 300,000-row 经营数据 import at 1,000,000
  businesses inserted 121,000 entries into it (5,600 of the transaction's 265,000 pages).
- ix_classification_result_office_tier (office_id, tier): no query filters the computed tier; the lists and
  counts filter the effective tier (ix_classification_result_office_effective_tier, also led by office_id).
  Every result whose tier moves deleted and inserted an entry (4,700 pages in the same import).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_year_figures_business_id")
    op.execute("DROP INDEX IF EXISTS ix_classification_result_office_tier")


def downgrade() -> None:
    op.create_index("ix_year_figures_business_id", "year_figures", ["business_id"], unique=False)
    op.create_index("ix_classification_result_office_tier", "classification_result", ["office_id", "tier"], unique=False)
