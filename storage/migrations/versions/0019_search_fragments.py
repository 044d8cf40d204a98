"""Search for code fragments anywhere in a code and for two initials inside a name (issue 17)

SQLite: two external-content FTS5 tables kept in step by triggers, as migration 0002's:
  business_codes     trigram over uscc and reg_no (detail=full: a phrase is an exact substring test)
  business_initials  each adjacent pair of the name's initials as a token, read from the view
                     business_initials_source (the same expression the triggers write)
PostgreSQL: a pg_trgm GIN over the two codes and a GIN over the array of initial pairs.
The expressions live in storage/search_fragments.py, which the search backends query.

Self-contained: only these new tables, view, triggers and indexes; built once from the rows already there.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

from alembic import op

from storage.search_fragments import (
    FRAGMENT_TABLES,
    PG_INDEXES,
    SQLITE_REBUILD,
    SQLITE_TABLES,
    SQLITE_TRIGGERS,
)

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        statements = [*SQLITE_TABLES, *SQLITE_TRIGGERS.values(), *SQLITE_REBUILD]
    else:
        statements = list(PG_INDEXES.values())
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
        statements += [f"DROP TABLE IF EXISTS {name}" for name in FRAGMENT_TABLES]
        statements.append("DROP VIEW IF EXISTS business_initials_source")
    else:
        statements = [f"DROP INDEX IF EXISTS {name}" for name in PG_INDEXES]
    for statement in statements:
        op.execute(statement)
