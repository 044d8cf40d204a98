"""PostgreSQL search speed (issue 2): index changes for the list's search

PostgreSQL only. A histogram of 300 entries (not 100) for the trigram index's text: storage.search_pg
asks the planner how many rows a term matches before reading any candidates, and LIKE '%term%' is
estimated from the histogram entries it matches, so 100 entries cannot tell 0.2 % from 0.9 %.

And ix_business_search_office_registered on (office_id, registered_on, id). The list's
default order is registered_on DESC, id DESC; the (office_id, registered_on) index gives the first key
only, so finding the office's 2,000th row in that order (storage.queries' walk window) read 2,000 heap
rows and sorted each day's rows by id (~12 ms); with id in the index it is an index-only scan
(~0.3 ms), and a walk in that order needs no sort step. SQLite's ix_business_search_keys (0002)
already serves it there. Not in the SQLModel metadata: the ix_business_search_ prefix keeps it out of
autogenerate's comparison (storage/migrations/env.py), like 0002's GIN indexes; storage.search_pg
lists it with them (INDEXES), so a bulk load rebuilds it once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 18:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Byte for byte storage.search_pg.INDEXES["ix_business_search_office_registered"].
PG_UPGRADE = [
    "CREATE INDEX ix_business_search_office_registered ON business (office_id, registered_on, id)",
    # storage.search_pg.TRIGRAM_STATISTICS; takes effect at the next ANALYZE (autovacuum's or a bulk load's)
    "ALTER INDEX ix_business_search_trgm ALTER COLUMN 1 SET STATISTICS 300",
]

PG_DOWNGRADE = [
    "ALTER INDEX ix_business_search_trgm ALTER COLUMN 1 SET STATISTICS -1",
    "DROP INDEX IF EXISTS ix_business_search_office_registered",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DOWNGRADE:
            op.execute(statement)
