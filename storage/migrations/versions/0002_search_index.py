"""search index

SQLite: three external-content FTS5 tables over `business`, kept in step by triggers, so that every
writer (the services, bulk imports, later data migrations) keeps the index right:
  business_fts     trigram over name, operator, address, phone, name_pinyin (terms of 3+ characters);
                   detail=full, so a phrase query is an exact substring test and candidates need no
                   row read to be checked (4x the size of detail=none, ~400 MB at a million rows)
  business_grams   one token per character and per pair of characters (search_chars: 1-2 characters)
  business_pinyin  pinyin words with prefix indexes (1-2 letters: `zs` -> zsmg)
The last two need no positions (detail=none): a token is the whole term. None keeps column sizes
(columnsize=0): they only serve bm25 ranking, and the list is sorted by name or date, never by rank.
ix_business_search_keys (SQLite only) starts with id: checking a candidate's office, tombstone, filters
and sort key then reads a narrow index instead of the wide row (~0.5 us instead of ~2 us a row).

Rows already there get their search columns (name_pinyin, search_chars) computed first.

PostgreSQL: pg_trgm GIN on the searched text, and a GIN over the search_chars tokens (correct for
1-2 characters, and for CJK under a C locale, where pg_trgm drops CJK characters).

A batch migration that copies `business` (SQLite "move and copy") drops these triggers: such a
migration must run this revision's SQLITE_TRIGGERS again (tests/test_search.py checks they exist).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "name, operator, address, phone, name_pinyin"
FTS_NEW = "new.name, new.operator, new.address, new.phone, new.name_pinyin"
FTS_OLD = "old.name, old.operator, old.address, old.phone, old.name_pinyin"

SQLITE_TABLES = [
    f"CREATE VIRTUAL TABLE business_fts USING fts5({FTS_COLUMNS}, content='business', content_rowid='id', "
    "tokenize='trigram', detail='full', columnsize=0)",
    "CREATE VIRTUAL TABLE business_grams USING fts5(search_chars, content='business', content_rowid='id', "
    "tokenize='ascii', detail='none', columnsize=0)",
    "CREATE VIRTUAL TABLE business_pinyin USING fts5(name_pinyin, content='business', content_rowid='id', "
    "tokenize='ascii', prefix='1 2', detail='none', columnsize=0)",
]

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER business_search_insert AFTER INSERT ON business BEGIN
  INSERT INTO business_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW});
  INSERT INTO business_grams(rowid, search_chars) VALUES (new.id, new.search_chars);
  INSERT INTO business_pinyin(rowid, name_pinyin) VALUES (new.id, new.name_pinyin);
END""",
    f"""CREATE TRIGGER business_search_delete AFTER DELETE ON business BEGIN
  INSERT INTO business_fts(business_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {FTS_OLD});
  INSERT INTO business_grams(business_grams, rowid, search_chars) VALUES ('delete', old.id, old.search_chars);
  INSERT INTO business_pinyin(business_pinyin, rowid, name_pinyin) VALUES ('delete', old.id, old.name_pinyin);
END""",
    f"""CREATE TRIGGER business_fts_update AFTER UPDATE OF id, {FTS_COLUMNS} ON business BEGIN
  INSERT INTO business_fts(business_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {FTS_OLD});
  INSERT INTO business_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW});
END""",
    """CREATE TRIGGER business_grams_update AFTER UPDATE OF id, search_chars ON business BEGIN
  INSERT INTO business_grams(business_grams, rowid, search_chars) VALUES ('delete', old.id, old.search_chars);
  INSERT INTO business_grams(rowid, search_chars) VALUES (new.id, new.search_chars);
END""",
    """CREATE TRIGGER business_pinyin_update AFTER UPDATE OF id, name_pinyin ON business BEGIN
  INSERT INTO business_pinyin(business_pinyin, rowid, name_pinyin) VALUES ('delete', old.id, old.name_pinyin);
  INSERT INTO business_pinyin(rowid, name_pinyin) VALUES (new.id, new.name_pinyin);
END""",
]

SQLITE_INDEXES = [
    "CREATE INDEX ix_business_search_keys ON business "
    "(id, office_id, deleted_at, status, kind, grid_id, officer_id, registered_on, name)",
]

SQLITE_REBUILD = [
    "INSERT INTO business_fts(business_fts) VALUES ('rebuild')",
    "INSERT INTO business_grams(business_grams) VALUES ('rebuild')",
    "INSERT INTO business_pinyin(business_pinyin) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS business_pinyin_update",
    "DROP TRIGGER IF EXISTS business_grams_update",
    "DROP TRIGGER IF EXISTS business_fts_update",
    "DROP TRIGGER IF EXISTS business_search_delete",
    "DROP TRIGGER IF EXISTS business_search_insert",
    "DROP TABLE IF EXISTS business_pinyin",
    "DROP TABLE IF EXISTS business_grams",
    "DROP TABLE IF EXISTS business_fts",
    "DROP INDEX IF EXISTS ix_business_search_keys",
]

# The expressions must stay byte-for-byte what storage/search_pg.py queries, or the planner won't use them.
PG_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_business_search_trgm ON business USING gin "
    "((name || ' ' || operator || ' ' || address || ' ' || phone || ' ' || name_pinyin) gin_trgm_ops)",
    "CREATE INDEX ix_business_search_grams ON business USING gin ((string_to_array(search_chars, ' ')))",
]

PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_business_search_grams",
    "DROP INDEX IF EXISTS ix_business_search_trgm",
]


def upgrade() -> None:
    _fill_search_columns()
    if op.get_bind().dialect.name == "sqlite":
        statements = SQLITE_TABLES + SQLITE_TRIGGERS + SQLITE_INDEXES + SQLITE_REBUILD
    else:
        statements = PG_UPGRADE
    for statement in statements:
        op.execute(statement)


def _fill_search_columns(chunk: int = 5000) -> None:
    """Rows written before this revision carry the placeholder search columns: compute them now
    (before the triggers exist, so the FTS tables are built once, by the rebuild)."""
    from storage.search import search_fields

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, operator, address FROM business")).all()
    for start in range(0, len(rows), chunk):
        values = [
            {"id": row_id, **search_fields(name or "", operator or "", address or "")}
            for row_id, name, operator, address in rows[start : start + chunk]
        ]
        bind.execute(
            sa.text(
                "UPDATE business SET name_pinyin = :name_pinyin, search_chars = :search_chars WHERE id = :id"
            ),
            values,
        )


def downgrade() -> None:
    for statement in SQLITE_DROP if op.get_bind().dialect.name == "sqlite" else PG_DOWNGRADE:
        op.execute(statement)
