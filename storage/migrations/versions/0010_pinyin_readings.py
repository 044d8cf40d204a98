"""Search by every common reading (issue 16): name_pinyin also holds the other common readings of
polyphonic characters (老曾理发店: lclfd and lzlfd) and the everyday reading of a surname (单磊: shanlei and
danlei)

No schema change: the rows' name_pinyin is computed anew (storage.search.name_pinyin_of), a chunk of rows at
a time in id order, and written only where it changed. When many rows change, the search index is not kept
row by row but rebuilt once at the end (storage.search.bulk_load), as a bulk import does.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 22:45:00
"""

from collections.abc import Sequence
from contextlib import nullcontext

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5000


def upgrade() -> None:
    from storage import search

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT count(*) FROM business")).scalar_one()
    with search.bulk_load(bind) if rows >= search.REINDEX_IN_BULK_FROM else nullcontext():
        last = 0
        while True:
            chunk = bind.execute(
                sa.text("SELECT id, name, operator, name_pinyin FROM business WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": CHUNK},
            ).all()
            if not chunk:
                break
            last = chunk[-1][0]
            changed = [
                {"id": row_id, "name_pinyin": fresh}
                for row_id, name, operator, stored in chunk
                if (fresh := search.name_pinyin_of(name or "", operator or "")) != stored
            ]
            if changed:
                bind.execute(sa.text("UPDATE business SET name_pinyin = :name_pinyin WHERE id = :id"), changed)


def downgrade() -> None:
    """The extra readings do no harm to the older code's searches: nothing to undo."""
